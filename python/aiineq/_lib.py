"""Loading libaiineq.so.0 and the table of C declarations.

Every public C function is declared once in API below, as
    "aiineq_name": (restype, [argtypes]),
in the order of the headers.  Adding a function to the binding is one line
here (python/tests/test_sync.py checks the table against include/*.h and
against the symbols the library exports) plus, if it deserves one, a method
in the wrapper modules.
"""
import ctypes
import os
from ctypes import (CFUNCTYPE, POINTER, c_char_p, c_double, c_int, c_int32,
                    c_int64, c_size_t, c_uint, c_uint64, c_void_p)

P = POINTER
H = c_void_p             # any opaque handle (aiineq_model *, aiineq_result *, ...)
HP = P(c_void_p)         # out-parameter receiving a new handle
D = P(c_double)          # double * and const double *
SZ = P(c_size_t)

# Callback types (aiineq_msm.h).
MSM_MOMENT_FN = CFUNCTYPE(c_int, D, c_size_t, D, c_size_t, c_void_p)
MSM_PROGRESS_FN = CFUNCTYPE(c_int, c_size_t, c_double, c_double, c_void_p)
MSM_STAT_FN = CFUNCTYPE(c_int, D, c_size_t, D, c_void_p)
# Callback type (aiineq_regime.h).
REGIME_PROGRESS_FN = CFUNCTYPE(c_int, c_size_t, c_size_t, c_void_p)

API = {
    # ---- aiineq.h: versions, status codes, model handle, parameters ----
    "aiineq_version_number": (c_uint, []),
    "aiineq_version_string": (c_char_p, []),
    "aiineq_strerror": (c_char_p, [c_int]),
    "aiineq_model_new": (c_int, [HP]),
    "aiineq_model_free": (None, [H]),
    "aiineq_model_copy": (c_int, [H, HP]),
    "aiineq_model_errmsg": (c_char_p, [H]),
    "aiineq_model_set_double": (c_int, [H, c_char_p, c_double]),
    "aiineq_model_get_double": (c_int, [H, c_char_p, D]),
    "aiineq_model_set_int": (c_int, [H, c_char_p, c_int64]),
    "aiineq_model_get_int": (c_int, [H, c_char_p, P(c_int64)]),
    "aiineq_model_set_tasks": (c_int, [H, D, D, c_size_t]),
    "aiineq_model_get_n_tasks": (c_int, [H, SZ]),
    "aiineq_model_get_tasks": (c_int, [H, D, D, c_size_t]),
    "aiineq_model_set_threads": (c_int, [H, c_int]),
    "aiineq_model_get_threads": (c_int, [H, P(c_int)]),
    "aiineq_param_count": (c_size_t, []),
    "aiineq_param_index": (c_int, [c_char_p, SZ]),
    "aiineq_param_info": (c_int, [c_size_t, P(c_char_p), P(c_char_p), D, D, D, P(c_uint)]),
    # ---- aiineq_ineq.h: inequality measures ----
    "aiineq_dist_new": (c_int, [HP]),
    "aiineq_dist_free": (None, [H]),
    "aiineq_dist_errmsg": (c_char_p, [H]),
    "aiineq_dist_set": (c_int, [H, D, D, c_size_t, c_uint]),
    "aiineq_dist_info": (c_int, [H, SZ, SZ, D, D]),
    "aiineq_dist_gini": (c_int, [H, c_uint, D]),
    "aiineq_dist_lorenz": (c_int, [H, D, c_size_t, D]),
    "aiineq_dist_top_share": (c_int, [H, c_double, D]),
    "aiineq_dist_theil": (c_int, [H, D]),
    "aiineq_dist_mld": (c_int, [H, D]),
    "aiineq_dist_gini_se": (c_int, [H, D]),
    "aiineq_dist_gini_bootstrap": (c_int, [H, c_size_t, c_uint64, D]),
    "aiineq_dist_gini_ci": (c_int, [H, c_double, c_int, c_size_t, c_uint64, D, D]),
    "aiineq_dist_gini_sources": (c_int, [H, D, c_size_t, c_size_t, D, D, D, D]),
    "aiineq_gini": (c_int, [D, D, c_size_t, D]),
    # ---- aiineq_solve.h: equilibrium, households, statistics, moments ----
    "aiineq_solve": (c_int, [H, HP]),
    "aiineq_solve_ex": (c_int, [H, c_uint, HP]),
    "aiineq_result_free": (None, [H]),
    "aiineq_result_errmsg": (c_char_p, [H]),
    "aiineq_result_stat": (c_int, [H, c_char_p, D]),
    "aiineq_result_moments": (c_int, [H, D, c_size_t]),
    "aiineq_moment_targets": (c_int, [D, D, c_size_t]),
    "aiineq_result_dims": (c_int, [H, SZ, SZ]),
    "aiineq_result_equilibrium": (c_int, [H, c_int, c_char_p, D, c_size_t]),
    "aiineq_result_households": (c_int, [H, c_int, c_char_p, P(D), SZ]),
    "aiineq_result_households_int": (c_int, [H, c_int, c_char_p, P(P(c_int32)), SZ]),
    # ---- aiineq_ols.h: weighted OLS with robust standard errors ----
    "aiineq_ols_new": (c_int, [HP]),
    "aiineq_ols_free": (None, [H]),
    "aiineq_ols_errmsg": (c_char_p, [H]),
    "aiineq_ols_set_data": (c_int, [H, D, D, c_size_t, c_size_t]),
    "aiineq_ols_set_name": (c_int, [H, c_size_t, c_char_p]),
    "aiineq_ols_set_weights": (c_int, [H, D, c_size_t]),
    "aiineq_ols_set_clusters": (c_int, [H, D, c_size_t]),
    "aiineq_ols_set_cov": (c_int, [H, c_int]),
    "aiineq_ols_set_dist": (c_int, [H, c_int]),
    "aiineq_ols_fit": (c_int, [H]),
    "aiineq_ols_get_coef": (c_int, [H, D, D, D, D, c_size_t]),
    "aiineq_ols_get_vcov": (c_int, [H, D, c_size_t]),
    "aiineq_ols_get_df": (c_int, [H, D, c_size_t]),
    "aiineq_ols_get_stat": (c_int, [H, c_char_p, D]),
    "aiineq_ols_get_name": (c_int, [H, c_size_t, P(c_char_p)]),
    "aiineq_t_pvalue": (c_int, [c_double, c_double, D]),
    # ---- aiineq_msm.h: method of simulated moments, sensitivity ----
    "aiineq_msm_new": (c_int, [HP, H]),
    "aiineq_msm_free": (None, [H]),
    "aiineq_msm_errmsg": (c_char_p, [H]),
    "aiineq_msm_set_moment_fn": (c_int, [H, MSM_MOMENT_FN, c_size_t, c_void_p]),
    "aiineq_msm_n_moments_total": (c_int, [H, SZ]),
    "aiineq_msm_set_targets": (c_int, [H, D, D, c_size_t]),
    "aiineq_msm_get_targets": (c_int, [H, D, D, c_size_t]),
    "aiineq_msm_read_targets": (c_int, [H, c_char_p]),
    "aiineq_msm_parse_targets": (c_int, [H, c_char_p, c_size_t]),
    "aiineq_msm_select_moments": (c_int, [H, SZ, c_size_t]),
    "aiineq_msm_n_moments": (c_int, [H, SZ]),
    "aiineq_msm_set_weighting": (c_int, [H, c_int]),
    "aiineq_msm_set_weight_matrix": (c_int, [H, D, c_size_t]),
    "aiineq_msm_set_moment_cov": (c_int, [H, D, c_size_t]),
    "aiineq_msm_clear_params": (c_int, [H]),
    "aiineq_msm_add_param": (c_int, [H, c_char_p, c_double, c_double, c_double]),
    "aiineq_msm_n_params": (c_int, [H, SZ]),
    "aiineq_msm_param_info": (c_int, [H, c_size_t, P(c_char_p), D, D, D]),
    "aiineq_msm_set_algorithm": (c_int, [H, c_int]),
    "aiineq_msm_set_starts": (c_int, [H, c_size_t]),
    "aiineq_msm_set_xtol": (c_int, [H, c_double]),
    "aiineq_msm_set_ftol": (c_int, [H, c_double]),
    "aiineq_msm_set_stopval": (c_int, [H, c_double]),
    "aiineq_msm_set_maxeval": (c_int, [H, c_size_t]),
    "aiineq_msm_set_sim_ratio": (c_int, [H, c_double]),
    "aiineq_msm_set_step": (c_int, [H, c_double]),
    "aiineq_msm_set_progress": (c_int, [H, MSM_PROGRESS_FN, c_void_p]),
    "aiineq_msm_estimate": (c_int, [H]),
    "aiineq_msm_evaluate": (c_int, [H, D, c_size_t]),
    "aiineq_msm_objective_at": (c_int, [H, D, c_size_t, D]),
    "aiineq_msm_result": (c_int, [H, c_char_p, D, c_size_t]),
    "aiineq_msm_stat": (c_int, [H, c_char_p, D]),
    "aiineq_msm_start_info": (c_int, [H, c_size_t, D, D, c_size_t, D, SZ, P(c_int)]),
    "aiineq_msm_stat_sensitivity": (c_int, [H, MSM_STAT_FN, c_void_p, D, c_size_t,
                                            D, c_size_t]),
    "aiineq_msm_stat_sensitivity_named": (c_int, [H, c_char_p, c_char_p, c_double, D,
                                                  c_size_t, D, c_size_t]),
    "aiineq_msm_boundary_sensitivity": (c_int, [H, c_char_p, c_double, c_char_p, c_double,
                                                c_double, D, c_size_t, D, c_size_t]),
    "aiineq_msm_model": (c_int, [H, HP]),
    "aiineq_chi2_sf": (c_int, [c_double, c_double, D]),
    # ---- aiineq_regime.h: Shapley decomposition, regime boundary and map ----
    "aiineq_shapley_channels": (c_int, [H, D, c_size_t, D, D]),
    "aiineq_regime_boundary": (c_int, [H, c_char_p, D, c_size_t, c_char_p, c_double, c_double,
                                       c_double, D, P(c_int), D, REGIME_PROGRESS_FN, c_void_p]),
    "aiineq_regime_map": (c_int, [H, c_char_p, D, c_size_t, c_char_p, D, c_size_t, D, c_size_t,
                                  REGIME_PROGRESS_FN, c_void_p]),
    "aiineq_source_decomposition": (c_int, [H, c_int, D, D, D, D, c_size_t, D]),
    # ---- aiineq_oews.h: OEWS and exposure readers, occupation panel ----
    "aiineq_exposure_counts": (c_int, [H, SZ, SZ, SZ]),
    "aiineq_exposure_errmsg": (c_char_p, [H]),
    "aiineq_exposure_free": (None, [H]),
    "aiineq_exposure_lookup": (c_int, [H, c_char_p, D]),
    "aiineq_exposure_new": (c_int, [HP]),
    "aiineq_exposure_parse": (c_int, [H, c_char_p, c_size_t, c_char_p, c_char_p]),
    "aiineq_exposure_read": (c_int, [H, c_char_p, c_char_p, c_char_p]),
    "aiineq_oews_errmsg": (c_char_p, [H]),
    "aiineq_oews_free": (None, [H]),
    "aiineq_oews_get_column": (c_int, [H, c_char_p, D, P(c_int), c_size_t]),
    "aiineq_oews_get_text": (c_int, [H, c_size_t, c_char_p, P(c_char_p)]),
    "aiineq_oews_n_rows": (c_int, [H, SZ]),
    "aiineq_oews_new": (c_int, [HP]),
    "aiineq_oews_parse": (c_int, [H, c_char_p, c_size_t]),
    "aiineq_oews_read": (c_int, [H, c_char_p]),
    "aiineq_outcome_name": (c_char_p, [c_int]),
    "aiineq_panel_build": (c_int, [H, H, H, H]),
    "aiineq_panel_count": (c_int, [H, c_char_p, SZ]),
    "aiineq_panel_errmsg": (c_char_p, [H]),
    "aiineq_panel_free": (None, [H]),
    "aiineq_panel_get_column": (c_int, [H, c_char_p, D, P(c_int), c_size_t]),
    "aiineq_panel_new": (c_int, [HP]),
    "aiineq_panel_occupation": (c_int, [H, c_size_t, P(c_char_p), P(c_char_p)]),
    "aiineq_panel_regress": (c_int, [H, c_int, c_uint, c_int, H]),
    "aiineq_panel_simulate": (c_int, [H, H, c_double, c_size_t, H, H]),
    "aiineq_panel_size": (c_int, [H, SZ]),
}

# C types of the headers -> ctypes (used by the sync test to read the headers).
CTYPES = {
    "void": None, "int": c_int, "unsigned": c_uint, "unsigned int": c_uint,
    "double": c_double, "size_t": c_size_t, "int64_t": c_int64, "int32_t": c_int32,
    "char *": c_char_p, "char **": P(c_char_p), "double *": D, "double **": P(D),
    "size_t *": SZ, "int64_t *": P(c_int64), "uint64_t": c_uint64, "unsigned *": P(c_uint),
    "int32_t *": P(c_int32), "int32_t **": P(P(c_int32)), "int *": P(c_int),
    "void *": c_void_p,
}
# Callback typedefs of the headers, name -> CFUNCTYPE (filled as they land).
CALLBACKS = {
    "aiineq_msm_moment_fn": MSM_MOMENT_FN,
    "aiineq_msm_progress_fn": MSM_PROGRESS_FN,
    "aiineq_msm_stat_fn": MSM_STAT_FN,
    "aiineq_regime_progress_fn": REGIME_PROGRESS_FN,
}
for _name, _fn in CALLBACKS.items():
    CTYPES[_name] = _fn

SONAME = "libaiineq.so.0"
ABI_MAJOR = 0            # the SONAME's number: the binding's table matches it


def _candidates(path):
    """Where to look, in order: argument, $AIINEQ_LIBRARY, the source tree's
    build/lib, then the dynamic linker's search path."""
    if path:
        return [path]
    env = os.environ.get("AIINEQ_LIBRARY")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    tree = os.path.join(here, os.pardir, os.pardir, "build", "lib", SONAME)
    out = [os.path.normpath(tree)] if os.path.exists(tree) else []
    return out + [SONAME]


def _missing(name):
    def stub(*args, **kwargs):
        raise NotImplementedError("the loaded libaiineq does not export %s "
                                  "(older library?)" % name)
    stub.__name__ = name
    return stub


class Library:
    """The loaded shared library: attribute `fn` is C function `aiineq_fn`
    with its argtypes/restype set from API; `missing` lists what it lacks."""

    def __init__(self, path=None):
        tried = []
        for cand in _candidates(path):
            try:
                self.dll = ctypes.CDLL(cand)
                self.path = cand
                break
            except OSError as e:
                tried.append("%s (%s)" % (cand, e))
        else:
            raise ImportError("aiineq: cannot load the C library; tried: %s. Build it "
                              "(make), install it (libaiineq0), or set AIINEQ_LIBRARY to "
                              "the path of %s." % ("; ".join(tried), SONAME))
        self.missing = []
        try:
            number = self.dll.aiineq_version_number
            number.restype = c_uint
            found = number()
        except AttributeError:
            found = None
        if found is None or found // 10000 != ABI_MAJOR:
            raise ImportError("aiineq: %s is not libaiineq with ABI %d (version number %s)"
                              % (self.path, ABI_MAJOR, found))
        for name, (restype, argtypes) in API.items():
            try:
                f = getattr(self.dll, name)
            except AttributeError:
                self.missing.append(name)
                setattr(self, name[len("aiineq_"):], _missing(name))
                continue
            f.restype = restype
            f.argtypes = argtypes
            setattr(self, name[len("aiineq_"):], f)

    def has(self, name):
        return ("aiineq_" + name) not in self.missing and ("aiineq_" + name) in API


_LIB = None


def load(path=None):
    """(Re)load the C library from `path` (default: see _candidates) and make
    it the one every wrapper uses.  Returns the Library."""
    global _LIB
    _LIB = Library(path)
    return _LIB


def lib():
    return _LIB


# ---------------------------------------------------------------- errors
STATUS_NAMES = {
    0: "AIINEQ_OK", -1: "AIINEQ_ERR_ARG", -2: "AIINEQ_ERR_NOMEM", -3: "AIINEQ_ERR_RANGE",
    -4: "AIINEQ_ERR_NONFINITE", -5: "AIINEQ_ERR_SIZE", -6: "AIINEQ_ERR_NAME",
    -7: "AIINEQ_ERR_NOCONV", -8: "AIINEQ_ERR_SINGULAR", -9: "AIINEQ_ERR_IO",
    -10: "AIINEQ_ERR_FORMAT", -11: "AIINEQ_ERR_STATE", -12: "AIINEQ_ERR_STOPPED",
    -13: "AIINEQ_ERR_DEGENERATE", -14: "AIINEQ_ERR_TYPE",
}


class Error(Exception):
    """A failed aiineq call: `status` is the C status code (negative),
    `code` its AIINEQ_ERR_* name, `message` the handle's error message and
    `function` the C function that failed."""

    def __init__(self, status, message, function=None):
        self.status = status
        self.code = STATUS_NAMES.get(status, "status %d" % status)
        self.message = message
        self.function = function
        super().__init__("%s%s [%s]" % (function + ": " if function else "", message, self.code))


class ArgumentError(Error, ValueError):
    """Invalid input: NULL/empty, NaN, out of range, wrong size, unknown name, wrong type."""


class NoConvergenceError(Error, ArithmeticError):
    """An iterative method did not converge, or the problem is singular/degenerate."""


class DataError(Error, OSError):
    """A file could not be read, or its contents are malformed."""


class StateError(Error, RuntimeError):
    """The call is not valid in the handle's state, or was stopped by a callback."""


_CLASSES = {-1: ArgumentError, -3: ArgumentError, -4: ArgumentError, -5: ArgumentError,
            -6: ArgumentError, -14: ArgumentError, -7: NoConvergenceError,
            -8: NoConvergenceError, -13: NoConvergenceError, -9: DataError,
            -10: DataError, -11: StateError, -12: StateError}


def raise_for(status, function, errmsg=None, handle=None):
    """Raise the exception for a negative status; return status otherwise."""
    if status >= 0:
        return status
    if status == -2:
        raise MemoryError("%s: out of memory [AIINEQ_ERR_NOMEM]" % function)
    msg = None
    if errmsg is not None and handle:
        raw = errmsg(handle)
        msg = raw.decode("utf-8", "replace") if raw else None
    if not msg:
        msg = _LIB.strerror(status).decode()
    raise _CLASSES.get(status, Error)(status, msg, function)


class Handle:
    """Owner of one C handle: frees it exactly once, when closed or collected.
    Array views into the handle's memory keep a reference to it."""

    live = 0   # handles created and not yet freed (for leak tests)

    def __init__(self, ptr, free):
        self.ptr = ptr
        self._free = free
        Handle.live += 1

    def free(self):
        if self.ptr:
            p, self.ptr = self.ptr, None
            self._free(p)
            Handle.live -= 1

    def __del__(self):
        try:
            self.free()
        except Exception:  # interpreter shutdown: the library may be gone
            pass


class Wrapped:
    """Base of the Python objects that own one C handle (attribute _h, a
    Handle): `ptr`, `close()`, context manager, and `_check()` raising with
    the message of the Library function named by `_errmsg`."""

    _h = None
    _kind = "handle"
    _errmsg = None

    @property
    def ptr(self):
        """The C handle as an integer; ValueError once closed."""
        h = self._h
        if h is None or not h.ptr:
            raise ValueError("the %s is closed" % self._kind)
        return h.ptr

    def close(self):
        """Free the C handle now (idempotent)."""
        if self._h is not None:
            self._h.free()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _check(self, status, function):
        return raise_for(status, function, getattr(_LIB, self._errmsg), self.ptr)


def new_handle(fn, free, errmsg=None, owner=None, *args):
    """Call a `*_new`-style function whose last argument receives the handle."""
    out = c_void_p()
    st = fn(*(args + (ctypes.byref(out),)))
    raise_for(st, fn.__name__, errmsg, owner)
    return Handle(out.value, free), st
