"""Least squares with classical, robust and cluster-robust standard errors
(aiineq_ols.h): the conventions of statsmodels, computed by the C library."""
from ctypes import byref, c_char_p, c_double

from . import _arrays
from ._lib import Wrapped, lib, new_handle, raise_for

COV = {"classical": 0, "nonrobust": 0, "HC0": 1, "HC1": 2, "HC2": 3, "HC3": 4, "CR1": 5,
       "cluster": 5, "CR2": 6}
DIST = {"auto": 0, "t": 1, "normal": 2, "bm": 3}
STATS = ("n", "k", "n_clusters", "df_resid", "df_inference", "r2", "r2_adj", "ssr",
         "sigma", "n_dropped", "dropped_outcome", "dropped_regressor", "dropped_weight",
         "dropped_cluster", "cov_type", "dist")


def _rows(X):
    """X as (flat row-major values, n, k): a 2-D NumPy array or a list of rows."""
    if _arrays.np is not None and isinstance(X, _arrays.np.ndarray):
        if X.ndim != 2:
            raise ValueError("X must be two-dimensional (n rows, k columns)")
        return X.astype(float).ravel(order="C"), X.shape[0], X.shape[1]
    rows = [list(r) for r in X]
    if not rows or any(len(r) != len(rows[0]) for r in rows):
        raise ValueError("X must be a non-empty list of rows of equal length")
    return [v for r in rows for v in r], len(rows), len(rows[0])


class OLS(Wrapped):
    """``OLS(y, X, weights=None, clusters=None, cov="classical", dist="auto",
    names=None).fit()``: X holds the regressors by row (add a column of ones
    for an intercept).  After fit(): ``coef``, ``se``, ``t``, ``p``,
    ``vcov``, ``stat(name)`` (or attributes ``r2``, ``n``...), ``names``."""

    def __init__(self, y=None, X=None, weights=None, clusters=None, cov="classical",
                 dist="auto", names=None):
        L = lib()
        self._h = new_handle(L.ols_new, L.ols_free)[0]
        self.k = 0
        if y is not None:
            self.set_data(y, X, names)
        if weights is not None:
            self.set_weights(weights)
        if clusters is not None:
            self.set_clusters(clusters)
        self.set_cov(cov)
        self.set_dist(dist)

    _kind, _errmsg = "regression", "ols_errmsg"

    def set_data(self, y, X, names=None):
        flat, n, k = _rows(X)
        py, ny, ky = _arrays.doubles_in(y, "y")
        px, nx, kx = _arrays.doubles_in(flat, "X")
        if ny != n:
            raise ValueError("y has %d rows but X has %d" % (ny, n))
        self._check(lib().ols_set_data(self.ptr, py, px, n, k), "aiineq_ols_set_data")
        self.k = k
        for j, name in enumerate(names or []):
            self._check(lib().ols_set_name(self.ptr, j, str(name).encode()),
                        "aiineq_ols_set_name")
        return self

    def _set_optional(self, fn, name, values):
        if values is None:
            self._check(getattr(lib(), fn)(self.ptr, None, 0), "aiineq_" + fn)
        else:
            p, n, keep = _arrays.doubles_in(values, name)
            self._check(getattr(lib(), fn)(self.ptr, p, n), "aiineq_" + fn)
        return self

    def set_weights(self, w):
        """Analytic weights (WLS), or None to remove them."""
        return self._set_optional("ols_set_weights", "weights", w)

    def set_clusters(self, g):
        """Cluster ids (numbers), or None to remove them."""
        return self._set_optional("ols_set_clusters", "clusters", g)

    def set_cov(self, cov):
        """"classical", "HC0".."HC3", "CR1" ("cluster") or "CR2" (or an AIINEQ_COV_* value)."""
        code = COV[cov] if isinstance(cov, str) else int(cov)
        self._check(lib().ols_set_cov(self.ptr, code), "aiineq_ols_set_cov")
        return self

    def set_dist(self, dist):
        """"auto" (statsmodels' default), "t", "normal" or "bm" (CR2 with
        Bell-McCaffrey degrees of freedom per coefficient)."""
        code = DIST[dist] if isinstance(dist, str) else int(dist)
        self._check(lib().ols_set_dist(self.ptr, code), "aiineq_ols_set_dist")
        return self

    def fit(self):
        self._check(lib().ols_fit(self.ptr), "aiineq_ols_fit")
        return self

    def coefficients(self):
        """(coef, se, t, p) arrays of length k."""
        out = [_arrays.doubles_out(self.k) for _ in range(4)]
        self._check(lib().ols_get_coef(self.ptr, *out, self.k), "aiineq_ols_get_coef")
        return tuple(_arrays.result(b) for b in out)

    coef = property(lambda self: self.coefficients()[0])
    se = property(lambda self: self.coefficients()[1])
    t = property(lambda self: self.coefficients()[2])
    p = property(lambda self: self.coefficients()[3])

    @property
    def df(self):
        """Degrees of freedom of each coefficient's t reference (inf: normal)."""
        buf = _arrays.doubles_out(self.k)
        self._check(lib().ols_get_df(self.ptr, buf, self.k), "aiineq_ols_get_df")
        return _arrays.result(buf)

    @property
    def vcov(self):
        """k x k covariance (a 2-D NumPy array, or a list of rows)."""
        buf = _arrays.doubles_out(self.k * self.k)
        self._check(lib().ols_get_vcov(self.ptr, buf, self.k * self.k), "aiineq_ols_get_vcov")
        return _arrays.matrix(buf, self.k, self.k)

    def stat(self, name):
        v = c_double()
        self._check(lib().ols_get_stat(self.ptr, name.encode(), byref(v)),
                    "aiineq_ols_get_stat")
        return v.value

    def __getattr__(self, name):
        if name in STATS:
            return self.stat(name)
        raise AttributeError(name)

    @property
    def names(self):
        out = []
        for j in range(self.k):
            s = c_char_p()
            self._check(lib().ols_get_name(self.ptr, j, byref(s)), "aiineq_ols_get_name")
            out.append(s.value.decode())
        return out


def t_pvalue(t, df):
    """Two-sided p-value of t under t(df) (df = inf: normal)."""
    p = c_double()
    raise_for(lib().t_pvalue(float(t), float(df), byref(p)), "aiineq_t_pvalue")
    return p.value


__all__ = ["OLS", "t_pvalue", "COV", "DIST"]
