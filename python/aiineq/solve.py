"""Results of a solve (aiineq_solve.h): statistics, moments, equilibrium
arrays and the simulated households (read-only NumPy views, no copy)."""
import ctypes
from ctypes import byref, c_double, c_int32, c_size_t

from . import _arrays
from ._lib import Wrapped, lib, raise_for

PRE, POST = 0, 1
HOLD_COMPRESSION, HOLD_BEHAVIOUR, HOLD_PRICES, HOLD_ASSET_RENTS = 1, 2, 4, 8
N_MOMENTS = 6

STAT_NAMES = (
    "gini_pre", "gini_post", "delta_gini", "wage_gini_pre", "wage_gini_post",
    "labour_share_pre", "labour_share_post", "profits_pre", "profits_post",
    "college_premium_pre", "college_premium_post", "college_share_pre",
    "college_share_post", "iterations_pre", "iterations_post", "residual_pre",
    "residual_post", "vbar0", "m1", "m2", "m3", "m4", "m5", "m6")
REAL_FIELDS = ("ability", "base_wage", "wage", "capital_income", "income")
INT_FIELDS = ("education", "task", "firm")
EQUILIBRIUM_ARRAYS = {"p": 1, "S": 1, "n": 1, "mu": 2, "V": 2, "r": 2}


def moment_targets():
    """(targets, standard errors) of the six moments (MODEL.md section 4)."""
    t, s = _arrays.doubles_out(N_MOMENTS), _arrays.doubles_out(N_MOMENTS)
    raise_for(lib().moment_targets(t, s, N_MOMENTS), "aiineq_moment_targets")
    return _arrays.result(t), _arrays.result(s)


def _economy(economy):
    if isinstance(economy, str):
        try:
            return {"pre": PRE, "post": POST}[economy]
        except KeyError:
            raise ValueError("economy must be 'pre' or 'post', not %r" % economy) from None
    return int(economy)


class Result(Wrapped):
    """An immutable solved model (both economies).  Statistics by name
    (``r.stat("delta_gini")`` or ``r.delta_gini``), moments, equilibrium
    arrays and household arrays.  Household arrays are read-only NumPy views
    of the library's memory (lists without NumPy); they stay valid after
    ``close()``: the memory is freed when the last of them is gone."""

    _kind, _errmsg = "result", "result_errmsg"

    def __init__(self, handle):
        self._h = handle

    def close(self):
        """Release this object's reference to the C result (freed now unless
        household views still use it)."""
        self._h = None

    def stat(self, name):
        v = c_double()
        self._check(lib().result_stat(self.ptr, name.encode(), byref(v)), "aiineq_result_stat")
        return v.value

    def stats(self):
        """Every named statistic as a dict."""
        return {n: self.stat(n) for n in STAT_NAMES}

    def __getattr__(self, name):
        if name in STAT_NAMES:
            return self.stat(name)
        raise AttributeError(name)

    def moments(self):
        m = _arrays.doubles_out(N_MOMENTS)
        self._check(lib().result_moments(self.ptr, m, N_MOMENTS), "aiineq_result_moments")
        return _arrays.result(m)

    @property
    def dims(self):
        """(number of tasks K, number of households N)."""
        k, n = c_size_t(), c_size_t()
        self._check(lib().result_dims(self.ptr, byref(k), byref(n)), "aiineq_result_dims")
        return k.value, n.value

    def equilibrium(self, name, economy=POST):
        """Equilibrium array: "p", "S", "n" (K values) or "mu", "V", "r" (2K,
        index k*2 + e) of economy PRE or POST."""
        k = self.dims[0]
        length = k * EQUILIBRIUM_ARRAYS.get(name, 1)
        out = _arrays.doubles_out(length)
        self._check(lib().result_equilibrium(self.ptr, _economy(economy), name.encode(),
                                             out, length), "aiineq_result_equilibrium")
        return _arrays.result(out)

    def households(self, field, economy=POST):
        """Simulated household array of one economy: real fields
        ability, base_wage, wage, capital_income, income; integer fields
        education, task, firm.  A read-only view, no copy (list without NumPy)."""
        n = c_size_t()
        if field in INT_FIELDS:
            p = ctypes.POINTER(c_int32)()
            self._check(lib().result_households_int(self.ptr, _economy(economy),
                                                    field.encode(), byref(p), byref(n)),
                        "aiineq_result_households_int")
            return _arrays.view(p, n.value, self._h, c_int32)
        p = ctypes.POINTER(c_double)()
        self._check(lib().result_households(self.ptr, _economy(economy), field.encode(),
                                            byref(p), byref(n)), "aiineq_result_households")
        return _arrays.view(p, n.value, self._h)


    def source_decomposition(self, economy=POST):
        """Gini of income by source (wages, capital): see
        aiineq.regime.source_decomposition."""
        from .regime import source_decomposition
        return source_decomposition(self, economy)


def solve(model, flags=0):
    """Solve `model` (a Model): same as model.solve(flags)."""
    return model.solve(flags)


__all__ = ["Result", "solve", "moment_targets", "PRE", "POST", "HOLD_COMPRESSION",
           "HOLD_BEHAVIOUR", "HOLD_PRICES", "HOLD_ASSET_RENTS", "N_MOMENTS", "STAT_NAMES"]
