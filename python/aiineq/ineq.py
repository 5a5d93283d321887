"""Inequality measures (aiineq_ineq.h): Gini with weights, standard errors
and confidence intervals, Lorenz curves, top shares, Theil, MLD and the
Lerman-Yitzhaki source decomposition."""
from ctypes import byref, c_double, c_size_t

from . import _arrays
from ._lib import Wrapped, lib, new_handle, raise_for

ALLOW_NEGATIVE = 1
GINI_SAMPLE = 1
CI_METHODS = {"analytic": 0, "boot_normal": 1, "boot_percentile": 2}


class Distribution(Wrapped):
    """An income distribution: ``Distribution(x, weights=None,
    allow_negative=False)``; then ``gini()``, ``lorenz(p)``,
    ``top_share(0.1)``, ``theil()``, ``mld()``, ``gini_se()``,
    ``gini_bootstrap(reps, seed)``, ``gini_ci(level, method)``,
    ``gini_sources(sources)`` and ``info``."""

    def __init__(self, x=None, weights=None, allow_negative=False):
        L = lib()
        self._h = new_handle(L.dist_new, L.dist_free)[0]
        self.n = 0
        if x is not None:
            self.set(x, weights, allow_negative)

    _kind, _errmsg = "distribution", "dist_errmsg"

    def _scalar(self, fn, *args):
        v = c_double()
        self._check(getattr(lib(), fn)(self.ptr, *(args + (byref(v),))), "aiineq_" + fn)
        return v.value

    def set(self, x, weights=None, allow_negative=False):
        px, n, kx = _arrays.doubles_in(x, "x")
        pw, nw, kw = (None, n, None) if weights is None else _arrays.doubles_in(weights,
                                                                                "weights")
        if nw != n:
            raise ValueError("x has %d values but weights has %d" % (n, nw))
        self._check(lib().dist_set(self.ptr, px, pw, n, ALLOW_NEGATIVE if allow_negative
                                   else 0), "aiineq_dist_set")
        self.n = n
        return self

    @property
    def info(self):
        """dict(n_obs, n_distinct, total_weight, mean)."""
        a, b, w, m = c_size_t(), c_size_t(), c_double(), c_double()
        self._check(lib().dist_info(self.ptr, byref(a), byref(b), byref(w), byref(m)),
                    "aiineq_dist_info")
        return {"n_obs": a.value, "n_distinct": b.value, "total_weight": w.value,
                "mean": m.value}

    def gini(self, sample=False):
        return self._scalar("dist_gini", GINI_SAMPLE if sample else 0)

    def lorenz(self, p):
        pp, n, keep = _arrays.doubles_in(p, "p")
        out = _arrays.doubles_out(n)
        self._check(lib().dist_lorenz(self.ptr, pp, n, out), "aiineq_dist_lorenz")
        return _arrays.result(out)

    def top_share(self, p=0.1):
        return self._scalar("dist_top_share", float(p))

    def theil(self):
        return self._scalar("dist_theil")

    def mld(self):
        return self._scalar("dist_mld")

    def gini_se(self):
        """Davidson (2009) asymptotic standard error."""
        return self._scalar("dist_gini_se")

    def gini_bootstrap(self, reps=200, seed=1):
        return self._scalar("dist_gini_bootstrap", int(reps), int(seed) & (2**64 - 1))

    def gini_ci(self, level=0.95, method="analytic", reps=200, seed=1):
        """(lo, hi); method "analytic", "boot_normal" or "boot_percentile"."""
        lo, hi = c_double(), c_double()
        code = CI_METHODS[method] if isinstance(method, str) else int(method)
        self._check(lib().dist_gini_ci(self.ptr, float(level), code, int(reps),
                                       int(seed) & (2**64 - 1), byref(lo), byref(hi)),
                    "aiineq_dist_gini_ci")
        return lo.value, hi.value

    def gini_sources(self, sources):
        """Lerman-Yitzhaki decomposition; `sources` is a list of ns arrays of
        length n (one per source, in the order of the values passed to set).
        Returns dict(share, gini, corr, contrib), arrays of length ns."""
        cols = [list(s) for s in sources]
        ns = len(cols)
        if ns == 0 or any(len(c) != self.n for c in cols):
            raise ValueError("sources must be a non-empty list of arrays of length %d"
                             % self.n)
        p, _, keep = _arrays.doubles_in([v for c in cols for v in c], "sources")
        outs = [_arrays.doubles_out(ns) for _ in range(4)]
        self._check(lib().dist_gini_sources(self.ptr, p, self.n, ns, *outs),
                    "aiineq_dist_gini_sources")
        return dict(zip(("share", "gini", "corr", "contrib"),
                        (_arrays.result(o) for o in outs)))


def gini(x, weights=None):
    """Gini coefficient of non-negative values (optionally weighted)."""
    px, n, kx = _arrays.doubles_in(x, "x")
    pw, nw, kw = (None, n, None) if weights is None else _arrays.doubles_in(weights, "weights")
    if nw != n:
        raise ValueError("x has %d values but weights has %d" % (n, nw))
    g = c_double()
    raise_for(lib().gini(px, pw, n, byref(g)), "aiineq_gini")
    return g.value


__all__ = ["Distribution", "gini", "CI_METHODS"]
