#!/usr/bin/python3
"""Reference values for tests/test_ineq.c, computed independently with numpy
(pairwise Gini, np.interp Lorenz curve, covariance form of Lerman-Yitzhaki,
per-observation Davidson variance).  Run with Debian's /usr/bin/python3; the
numbers it prints are pasted into the test (REF_* constants)."""
import numpy as np

x = np.array([3.2, 0.0, 7.5, 1.1, 3.2, 12.0, 0.4, 5.5, 3.2, 9.9, 2.0, 0.7])
w = np.array([1.5, 2.0, 0.5, 1.0, 3.0, 0.25, 1.0, 2.0, 0.5, 1.0, 4.0, 1.25])
s1 = np.array([2.0, 0.0, 5.0, 1.0, 1.5, 4.0, 0.4, 3.0, 3.0, 6.0, 2.0, 0.5])
s2 = np.array([1.0, -0.5, 2.0, 0.0, 1.0, 9.0, 0.0, 1.5, -1.0, 2.5, 0.0, 0.0])
s3 = x - s1 - s2          # the C test computes it the same way


def gini_pairwise(v, wt):
    W = wt.sum()
    mu = (wt * v).sum() / W
    return (np.outer(wt, wt) * np.abs(v[:, None] - v[None, :])).sum() / (2 * W * W * mu)


def lorenz(v, wt, p):
    o = np.argsort(v, kind="stable")
    F = np.concatenate([[0], np.cumsum(wt[o]) / wt.sum()])
    L = np.concatenate([[0], np.cumsum((wt * v)[o]) / (wt * v).sum()])
    return np.interp(p, F, L)


def theil(v, wt):
    mu = (wt * v).sum() / wt.sum()
    r = v / mu
    terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1)), 0)
    return (wt * terms).sum() / wt.sum()


def mld(v, wt):
    mu = (wt * v).sum() / wt.sum()
    return (wt * np.log(mu / v)).sum() / wt.sum()


def davidson_unweighted(v):
    y = np.sort(v)
    n = len(y)
    mu = y.mean()
    G = 2 * ((np.arange(1, n + 1) - 0.5) * y).sum() / (mu * n * n) - 1
    i = np.arange(1, n + 1)
    Z = -(G + 1) * y + (2 * i - 1) / n * y - 2 / n * np.cumsum(y)
    return np.sqrt(((Z - Z.mean()) ** 2).sum()) / (n * mu)


def davidson_weighted(v, wt):
    p = wt / wt.sum()
    mu = (p * v).sum()
    G = gini_pairwise(v, wt)
    Z = np.empty(len(v))
    for i in range(len(v)):
        below = v < v[i]
        P = p[below].sum()
        C = (p[below] * v[below]).sum()
        Z[i] = -(G + 1) * v[i] + 2 * (P * v[i] - C) - p[i] * v[i]
    zbar = (p * Z).sum()
    return np.sqrt((p * p * (Z - zbar) ** 2).sum()) / mu


def midrank_F(v, wt):
    W = wt.sum()
    return np.array([(wt[v < a].sum() + wt[v == a].sum() / 2) / W for a in v])


def wcov(a, b, wt):
    p = wt / wt.sum()
    return (p * (a - (p * a).sum()) * (b - (p * b).sum())).sum()


def ly(sources, v, wt):
    p = wt / wt.sum()
    mu = (p * v).sum()
    Fy = midrank_F(v, wt)
    out = []
    for s in sources:
        mus = (p * s).sum()
        Fs = midrank_F(s, wt)
        Gs = 2 * wcov(s, Fs, wt) / mus
        Rs = wcov(s, Fy, wt) / wcov(s, Fs, wt)
        out.append((mus / mu, Gs, Rs))
    return out


def show(name, val):
    print("#define %s %.17g" % (name, val))


ones = np.ones_like(x)
xp = x + 0.5
show("REF_GINI_W", gini_pairwise(x, w))
show("REF_GINI_U", gini_pairwise(x, ones))
for k, pp in enumerate([0.1, 0.25, 0.5, 0.9]):
    show("REF_LORENZ_W_%d" % k, lorenz(x, w, pp))
show("REF_TOP10_W", 1 - lorenz(x, w, 0.9))
show("REF_TOP1_W", 1 - lorenz(x, w, 0.99))
show("REF_THEIL_W", theil(x, w))
show("REF_THEIL_XP_W", theil(xp, w))
show("REF_MLD_XP_W", mld(xp, w))
show("REF_MLD_XP_U", mld(xp, ones))
show("REF_SE_XP_U", davidson_unweighted(xp))
show("REF_SE_XP_W", davidson_weighted(xp, w))
for k, (S, G, R) in enumerate(ly([s1, s2, s3], x, w)):
    show("REF_LY_S%d" % k, S)
    show("REF_LY_G%d" % k, G)
    show("REF_LY_R%d" % k, R)
