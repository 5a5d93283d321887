#!/usr/bin/python3
"""Independent NumPy implementation of the quadrature equilibrium (MODEL.md
section 2) and of the moments m1, m2, m4 at the defaults, Q = 64.

Plain damped fixed-point iteration (no acceleration), written from MODEL.md
without looking at the C code.  tests/test_solve.c compares the library with
the numbers printed here:
    /usr/bin/python3 tests/ref/make_equilibrium_ref.py
"""
import numpy as np
from scipy.special import expit, logsumexp

SA, BE, C0, KAP, SZ, TAU, TAUE = 0.5, 0.27, 0.63, 0.5, 0.5, 0.3, 0.3
THETA, HAI, SCES = 0.19, 0.89, 1.5
X = np.array([0, .25, .5, .75, 1.0])
NU = np.full(5, .2)
K = 5

t, w = np.polynomial.hermite_e.hermegauss(64)
w = w / w.sum()
a = SA * t


def solve(A, log_share=None, start=None):
    c, d = 1 - THETA * A * X, THETA * A * X * HAI
    p, mu, V = np.ones(K), np.zeros((K, 2)), np.full((K, 2), SA**2)
    if start is not None:
        p, mu, V = (z.copy() for z in start)
    q = np.stack([c[None, :] * (a[:, None] + BE * e) + d[None, :] for e in (0, 1)], axis=2)
    for it in range(100000):
        r = V / (V + SZ**2)
        om = np.log(p)[None, :, None] + ((1 - r) * mu)[None] + r[None] * q
        z = np.log(NU)[None, :, None] + om / TAU
        lse = logsumexp(z, axis=1)
        pk = np.exp(z - lse[:, None, :])
        p1 = expit((TAU * (lse[:, 1] - lse[:, 0]) - C0 + KAP * a) / TAUE)
        mass = w[:, None, None] * np.stack([1 - p1, p1], axis=1)[:, None, :] * pk
        M = mass.sum(0)
        mu_n = (mass * q).sum(0) / M
        V_n = (mass * (q - mu_n)**2).sum(0) / M
        S = (mass * np.exp(q)).sum((0, 2))
        if log_share is None:
            p_n = np.ones(K)
        else:
            g = np.exp(log_share)**(1 / SCES)
            Y = (g * S**((SCES - 1) / SCES)).sum()**(SCES / (SCES - 1))
            p_n = g * (Y / S)**(1 / SCES)
        res = max(abs(mu_n - mu).max(), abs(V_n - V).max(), abs(p_n - p).max())
        if res < 1e-14:
            break
        lam = 0.3
        mu, V, p = mu + lam * (mu_n - mu), V + lam * (V_n - V), p + lam * (p_n - p)
    return dict(p=p, mu=mu, V=V, S=S, n=M.sum(1), college=(w * p1).sum(), p1=p1)


def quintile_gain(h, m):
    acc = s = 0.0
    for hh, mm in zip(h, m):
        if acc >= 0.2:
            break
        take = min(mm, 0.2 - acc)
        acc += take
        s += take * np.expm1(THETA * (HAI - hh))
    return s / 0.2


def main():
    base = solve(0.0)
    post = solve(1.0, np.log(base["S"] / base["S"].sum()), (base["p"], base["mu"], base["V"]))
    h = np.concatenate([a, a + BE])
    m = np.concatenate([w * (1 - base["p1"]), w * base["p1"]])
    o = np.argsort(h, kind="stable")
    print("m1", repr(quintile_gain(h[o], m[o])))
    print("m2", repr(quintile_gain(h[o][::-1], m[o][::-1])))
    print("m4", repr(base["college"]))
    print("college_post", repr(post["college"]))
    print("p_post", [repr(v) for v in post["p"]])
    print("mu_pre", [repr(v) for v in base["mu"].ravel()])
    print("V_pre", [repr(v) for v in base["V"].ravel()])


if __name__ == "__main__":
    main()
