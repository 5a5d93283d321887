#!/usr/bin/python3
"""Independent NumPy implementation of the simulation (MODEL.md section 3) and
of the simulated moments, at the defaults with N = 5000 households and J = 50
firms, using the same random draws as the library (docs/model.md section 4):
households: Philox4x32-10 keyed by the seed's two 32-bit halves with counter
(index lo, index hi, block, stream 0), written here in NumPy uint64
arithmetic from the published algorithm and checked against Random123's
known-answer vectors; firms: Philox4x64-10 keyed by (seed, stream) with
counter (index, block, 0, 0), NumPy's Philox bit generator.  Uniforms
((w >> 12) + 0.5) 2^-52 of 64-bit words w; normals by scipy.special.ndtri.
Written from MODEL.md and docs/model.md, not from the C code.

    /usr/bin/python3 tests/ref/make_sim_ref.py > tests/ref/sim_ref.h
"""
import os
import sys

import numpy as np
from scipy.special import ndtri

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_equilibrium_ref as eqref  # noqa: E402

N, J, SEED = 5000, 50, 1
ALPHA_PHI, SIGMA_K, RHO_PHIK, RHO_SORT = 3.0, 1.0, 0.5, 0.3
XI, ETA, CHI, TOP10, RHO_OWN = 0.10, 0.75, 0.37, 0.89, 0.3
M64 = (1 << 64) - 1


def words(stream, block, n):
    """Philox words of counters (i, block, 0, 0), i = 0..n-1, as an n x 4 array."""
    start = (block << 64) - 1  # NumPy increments the counter before each block
    start &= (1 << 256) - 1
    ctr = np.array([(start >> (64 * k)) & M64 for k in range(4)], dtype=np.uint64)
    bg = np.random.Philox(key=np.array([SEED, stream], dtype=np.uint64), counter=ctr)
    return bg.random_raw(4 * n).reshape(n, 4)


# Philox4x32-10 (Salmon et al. 2011; Random123's constants).  Every value is
# a 32-bit word held in uint64, so a 32x32 product is exact.
P32_M = (0xD2511F53, 0xCD9E8D57)
P32_W = (0x9E3779B9, 0xBB67AE85)
M32 = np.uint64(0xFFFFFFFF)


def philox4x32(ctr, key, rounds=10):
    """ctr: four uint64 arrays of 32-bit words, key: two; returns four."""
    c = [np.asarray(x, dtype=np.uint64) & M32 for x in ctr]
    k = [np.uint64(int(x) & 0xFFFFFFFF) for x in key]
    s32 = np.uint64(32)
    for _ in range(rounds):
        p0 = c[0] * np.uint64(P32_M[0])
        p1 = c[2] * np.uint64(P32_M[1])
        c = [(p1 >> s32) ^ c[1] ^ k[0], p1 & M32, (p0 >> s32) ^ c[3] ^ k[1], p0 & M32]
        k = [np.uint64((int(k[j]) + P32_W[j]) & 0xFFFFFFFF) for j in (0, 1)]
    return c


# Random123's kat_vectors, "philox4x32 10": counter, key -> output.
P32_KAT = (((0, 0, 0, 0), (0, 0), (0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8)),
           ((0xffffffff,) * 4, (0xffffffff,) * 2, (0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd)),
           ((0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344), (0xa4093822, 0x299f31d0),
            (0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1)))
for _c, _k, _want in P32_KAT:
    assert [int(x) for x in philox4x32([np.array([x]) for x in _c], _k)] == list(_want)


# Household draws, in the library's draw order (draws.h): a, z, s, o, e, k.
DA, DZ, DS, DO, DE, DK = range(6)


def household_words(n, stream=0):
    """n x 6 array: column d is the 64-bit word d % 2 of block d // 2 of
    household i, lo | hi << 32 of Philox4x32 words (2h, 2h + 1)."""
    i = np.arange(n, dtype=np.uint64)
    key = (SEED & 0xFFFFFFFF, SEED >> 32)
    out = np.empty((n, 6), dtype=np.uint64)
    for b in range(3):
        ctr = (i & M32, i >> np.uint64(32), np.full(n, b, np.uint64), np.full(n, stream, np.uint64))
        v = philox4x32(ctr, key)
        out[:, 2 * b] = v[0] | (v[1] << np.uint64(32))
        out[:, 2 * b + 1] = v[2] | (v[3] << np.uint64(32))
    return out


def unif(w):
    return ((w >> np.uint64(12)).astype(np.float64) + 0.5) * 2.0**-52


def gini(y):
    y = np.sort(y)
    n = len(y)
    return 2 * np.sum(np.arange(1, n + 1) * y) / (n * y.sum()) - (n + 1) / n


def std(x):
    return (x - x.mean()) / x.std()


def simulate(eq, A, log_share_unused, vbar0, u, a, phi, assets):
    c, d = 1 - eqref.THETA * A * eqref.X, eqref.THETA * A * eqref.X * eqref.HAI
    p, mu, V = eq["p"], eq["mu"], eq["V"]
    r = V / (V + eqref.SZ**2)
    # choices at each household's own ability
    q_all = np.stack([c[None, :] * (a[:, None] + eqref.BE * e) + d[None, :] for e in (0, 1)], 2)
    om = np.log(p)[None, :, None] + ((1 - r) * mu)[None] + r[None] * q_all
    z = np.log(eqref.NU)[None, :, None] + om / eqref.TAU
    zmax = z.max(1, keepdims=True)
    ez = np.exp(z - zmax)
    lse = zmax[:, 0, :] + np.log(ez.sum(1))
    p1 = 1 / (1 + np.exp(-(eqref.TAU * (lse[:, 1] - lse[:, 0]) - eqref.C0 + eqref.KAP * a) / eqref.TAUE))
    e = (u[:, DE] < p1).astype(int)
    pk = np.exp(z[np.arange(N), :, e] - lse[np.arange(N), e][:, None])
    cum = np.cumsum(pk, 1)
    k = np.minimum((cum < u[:, DK][:, None]).sum(1), eqref.K - 1)
    q = c[k] * (a + eqref.BE * e) + d[k]
    zsig = q + eqref.SZ * ndtri(u[:, DZ])
    qhat = mu[k, e] + r[k, e] * (zsig - mu[k, e])
    logb = np.log(p[k]) + qhat
    b = np.exp(logb)
    s = RHO_SORT * std(logb) + np.sqrt(1 - RHO_SORT**2) * ndtri(u[:, DS])
    rank = np.empty(N, dtype=np.int64)
    rank[np.argsort(s, kind="stable")] = np.arange(N)
    firm = rank * J // N
    y = p[k] * phi[firm] * np.exp(q)
    g = A * ETA * CHI * assets[firm] * eqref.X[k] * p[k] * (eq["S"][k] / eq["n"][k])
    VA = np.bincount(firm, y + g, J)
    cnt = np.bincount(firm, None, J)
    v = VA / cnt
    if vbar0 is None:
        vbar0 = VA.sum() / N
    w = b * (v[firm] / vbar0)**XI
    Pi = VA.sum() - w.sum()
    sigma_o = ndtri(0.9) - ndtri(1 - TOP10)
    o = np.exp(sigma_o * (RHO_OWN * std(a) + np.sqrt(1 - RHO_OWN**2) * ndtri(u[:, DO])))
    o /= o.sum()
    inc = w + o * Pi
    lw = np.log(w)
    out = dict(gini=gini(inc), wage_gini=gini(w), labour_share=w.sum() / VA.sum(),
               profits=Pi / N, college_premium=lw[e == 1].mean() - lw[e == 0].mean(),
               vbar0=vbar0, income=inc, firm=firm, e=e, k=k)
    X = np.column_stack([np.ones(J), np.log(v), np.bincount(firm, logb, J) / cnt])
    beta = np.linalg.lstsq(X, np.bincount(firm, lw, J) / cnt, rcond=None)[0]
    out["m5"] = beta[1]
    return out


def main():
    base = eqref.solve(0.0)
    log_share = np.log(base["S"] / base["S"].sum())
    post = eqref.solve(1.0, log_share, (base["p"], base["mu"], base["V"]))
    u = unif(household_words(N))
    a = eqref.SA * ndtri(u[:, DA])
    uj = (np.arange(J) + 0.5) / J
    phi = (1 - uj)**(-1 / ALPHA_PHI)
    zeta = ndtri(unif(words(1, 0, J))[:, 0])
    assets = np.exp(SIGMA_K * (RHO_PHIK * ndtri(uj) + np.sqrt(1 - RHO_PHIK**2) * zeta) - SIGMA_K**2 / 2)
    pre = simulate(base, 0.0, log_share, None, u, a, phi, assets)
    pst = simulate(post, 1.0, log_share, pre["vbar0"], u, a, phi, assets)
    print("/* Generated by tests/ref/make_sim_ref.py (NumPy %s): do not edit. */" % np.__version__)
    print("#define SIM_REF_N %d\n#define SIM_REF_J %d" % (N, J))
    for name in ("gini", "wage_gini", "labour_share", "profits", "college_premium"):
        print("static const double sim_ref_%s[2] = {%r, %r};" % (name, pre[name], pst[name]))
    print("static const double sim_ref_vbar0 = %r;" % pre["vbar0"])
    print("static const double sim_ref_m5 = %r;" % pre["m5"])
    print("static const double sim_ref_delta_gini = %r;" % (pst["gini"] - pre["gini"]))
    idx = list(range(0, N, 97))
    print("static const size_t sim_ref_idx[%d] = {%s};" % (len(idx), ", ".join(map(str, idx))))
    for s, o in (("pre", pre), ("post", pst)):
        print("static const double sim_ref_income_%s[%d] = {%s};" % (s, len(idx), ", ".join(repr(o["income"][i]) for i in idx)))
        print("static const int sim_ref_firm_%s[%d] = {%s};" % (s, len(idx), ", ".join(str(o["firm"][i]) for i in idx)))
        print("static const int sim_ref_task_%s[%d] = {%s};" % (s, len(idx), ", ".join(str(o["k"][i]) for i in idx)))
        print("static const int sim_ref_edu_%s[%d] = {%s};" % (s, len(idx), ", ".join(str(o["e"][i]) for i in idx)))


if __name__ == "__main__":
    main()
