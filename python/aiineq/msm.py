"""Method of simulated moments and sensitivity (aiineq_msm.h)."""
import ctypes
import os
from ctypes import byref, c_char_p, c_double, c_int, c_size_t

from . import _arrays
from ._lib import (MSM_MOMENT_FN, MSM_PROGRESS_FN, MSM_STAT_FN, Handle, Wrapped, lib,
                   new_handle, raise_for)
from .model import Model

WEIGHTING = {"diag": 0, "identity": 1, "efficient": 2}
ALGORITHMS = {"bobyqa": 0, "sbplx": 1}
# result name -> shape in terms of (nb, nm)
RESULTS = {"estimate": ("nb",), "se": ("nb",), "start": ("nb",), "moments": ("nm",),
           "targets": ("nm",), "target_se": ("nm",), "residuals": ("nm",),
           "jacobian": ("nm", "nb"), "elasticities": ("nm", "nb"), "cov": ("nb", "nb"),
           "weight": ("nm", "nm"), "lambda": ("nb", "nm"), "lambda_scaled": ("nb", "nm"),
           "moment_index": ("nm",)}
STATS = ("objective", "j_stat", "j_df", "j_pvalue", "evaluations", "jacobian_evaluations",
         "n_starts", "best_start", "sim_correction")


class Estimator(Wrapped):
    """An MSM estimator over a copy of `model` (or over caller moments only).

    ``e = Estimator(model); e.estimate(); e.result("estimate")``.  Python
    callables serve as moment functions (``set_moment_fn(f, nm)``,
    f(b) -> nm values), progress callbacks and statistics; an exception they
    raise stops the C call and is raised again from it."""

    def __init__(self, model=None):
        L = lib()
        out = ctypes.c_void_p()
        raise_for(L.msm_new(byref(out), model.ptr if model is not None else None),
                  "aiineq_msm_new")
        self._h = Handle(out.value, L.msm_free)
        self._keep = {}
        self._pending = None

    _kind, _errmsg = "estimator", "msm_errmsg"

    def _check(self, status, function):
        pending, self._pending = self._pending, None
        if status < 0 and pending is not None:
            raise pending
        return Wrapped._check(self, status, function)

    def _guard(self, fn, fail=1):
        """Wrap a Python callable for C: exceptions are kept and reported."""
        def call(*args):
            try:
                return fn(*args)
            except BaseException as exc:  # re-raised after the C call returns
                if self._pending is None:
                    self._pending = exc
                return fail
        return call

    def _size(self, fn):
        n = c_size_t()
        self._check(getattr(lib(), fn)(self.ptr, byref(n)), "aiineq_" + fn)
        return n.value

    n_params = property(lambda self: self._size("msm_n_params"))
    n_moments = property(lambda self: self._size("msm_n_moments"))
    n_moments_total = property(lambda self: self._size("msm_n_moments_total"))

    # -- moments and targets
    def set_moment_fn(self, f, n_moments):
        """Caller moments: f(b) returns n_moments values (appended after the
        model's six).  f None removes them."""
        if f is None:
            self._check(lib().msm_set_moment_fn(self.ptr, MSM_MOMENT_FN(), 0, None),
                        "aiineq_msm_set_moment_fn")
            self._keep.pop("moment", None)
            return self

        def moment(b, nb, m, nm, user):
            vals = list(f(_arrays.copy(b, nb)))
            if len(vals) != nm:
                raise ValueError("moment function returned %d values, expected %d"
                                 % (len(vals), nm))
            for i, v in enumerate(vals):
                m[i] = float(v)
            return 0
        cb = MSM_MOMENT_FN(self._guard(moment))
        self._check(lib().msm_set_moment_fn(self.ptr, cb, int(n_moments), None),
                    "aiineq_msm_set_moment_fn")
        self._keep["moment"] = cb
        return self

    @property
    def targets(self):
        """(targets, standard errors) of all moments."""
        n = self.n_moments_total
        t, s = _arrays.doubles_out(n), _arrays.doubles_out(n)
        self._check(lib().msm_get_targets(self.ptr, t, s, n), "aiineq_msm_get_targets")
        return _arrays.result(t), _arrays.result(s)

    def set_targets(self, targets, se):
        pt, n, k1 = _arrays.doubles_in(targets, "targets")
        ps, ns, k2 = _arrays.doubles_in(se, "se")
        if n != ns:
            raise ValueError("targets and se differ in length")
        self._check(lib().msm_set_targets(self.ptr, pt, ps, n), "aiineq_msm_set_targets")
        return self

    def read_targets(self, path):
        """Targets and standard errors from a CSV file: a header naming the
        columns moment, target and se, then rows for some of the moments
        m1..mN (docs/api.md).  Moments without a row keep their targets; a
        malformed file raises DataError (message with line and column) and
        changes nothing."""
        self._check(lib().msm_read_targets(self.ptr, os.fsencode(path)),
                    "aiineq_msm_read_targets")
        return self

    def parse_targets(self, text):
        """Same as read_targets on the file's contents (str or bytes)."""
        raw = text.encode() if isinstance(text, str) else bytes(text)
        self._check(lib().msm_parse_targets(self.ptr, raw, len(raw)),
                    "aiineq_msm_parse_targets")
        return self

    def select_moments(self, indices):
        idx = list(indices)
        arr = (c_size_t * len(idx))(*idx)
        self._check(lib().msm_select_moments(self.ptr, arr, len(idx)),
                    "aiineq_msm_select_moments")
        return self

    def set_weighting(self, kind):
        """"diag" (1/se^2), "identity" or "efficient" (needs set_moment_cov)."""
        code = WEIGHTING[kind] if isinstance(kind, str) else int(kind)
        self._check(lib().msm_set_weighting(self.ptr, code), "aiineq_msm_set_weighting")
        return self

    def _square(self, fn, M, name):
        flat = [v for row in M for v in row]
        p, n, keep = _arrays.doubles_in(flat, name)
        self._check(getattr(lib(), fn)(self.ptr, p, int(round(len(flat) ** 0.5))),
                    "aiineq_" + fn)
        return self

    def set_weight_matrix(self, W):
        """Caller weighting matrix (selected moments x selected moments)."""
        return self._square("msm_set_weight_matrix", W, "W")

    def set_moment_cov(self, omega):
        return self._square("msm_set_moment_cov", omega, "omega")

    # -- free parameters
    def clear_params(self):
        self._check(lib().msm_clear_params(self.ptr), "aiineq_msm_clear_params")
        return self

    def add_param(self, name, lo, hi, start):
        self._check(lib().msm_add_param(self.ptr, name.encode(), float(lo), float(hi),
                                        float(start)), "aiineq_msm_add_param")
        return self

    def params(self):
        """[(name, lo, hi, start)] of the free parameters."""
        out = []
        for i in range(self.n_params):
            s, lo, hi, st = c_char_p(), c_double(), c_double(), c_double()
            self._check(lib().msm_param_info(self.ptr, i, byref(s), byref(lo), byref(hi),
                                             byref(st)), "aiineq_msm_param_info")
            out.append((s.value.decode(), lo.value, hi.value, st.value))
        return out

    # -- settings
    def set_options(self, algorithm=None, starts=None, xtol=None, ftol=None, stopval=None,
                    maxeval=None, sim_ratio=None, step=None):
        L = lib()
        if algorithm is not None:
            code = ALGORITHMS[algorithm] if isinstance(algorithm, str) else int(algorithm)
            self._check(L.msm_set_algorithm(self.ptr, code), "aiineq_msm_set_algorithm")
        for value, fn in ((starts, "starts"), (maxeval, "maxeval")):
            if value is not None:
                self._check(getattr(L, "msm_set_" + fn)(self.ptr, int(value)),
                            "aiineq_msm_set_" + fn)
        for value, fn in ((xtol, "xtol"), (ftol, "ftol"), (stopval, "stopval"),
                          (sim_ratio, "sim_ratio"), (step, "step")):
            if value is not None:
                self._check(getattr(L, "msm_set_" + fn)(self.ptr, float(value)),
                            "aiineq_msm_set_" + fn)
        return self

    def set_progress(self, f):
        """f(evaluations, objective, best) -> truthy to stop; None removes it."""
        if f is None:
            self._check(lib().msm_set_progress(self.ptr, MSM_PROGRESS_FN(), None),
                        "aiineq_msm_set_progress")
            self._keep.pop("progress", None)
            return self
        cb = MSM_PROGRESS_FN(self._guard(lambda n, obj, best, user: 1 if f(n, obj, best)
                                         else 0))
        self._check(lib().msm_set_progress(self.ptr, cb, None), "aiineq_msm_set_progress")
        self._keep["progress"] = cb
        return self

    # -- running
    def estimate(self):
        self._check(lib().msm_estimate(self.ptr), "aiineq_msm_estimate")
        return self

    def evaluate(self, b):
        p, n, keep = _arrays.doubles_in(b, "b")
        self._check(lib().msm_evaluate(self.ptr, p, n), "aiineq_msm_evaluate")
        return self

    def objective_at(self, b):
        p, n, keep = _arrays.doubles_in(b, "b")
        v = c_double()
        self._check(lib().msm_objective_at(self.ptr, p, n, byref(v)),
                    "aiineq_msm_objective_at")
        return v.value

    # -- results
    def result(self, name):
        """A result array of the last run; matrices come back 2-D."""
        dims = {"nb": self.n_params, "nm": self.n_moments}
        shape = [dims[d] for d in RESULTS.get(name, ("nb",))]
        size = 1
        for d in shape:
            size *= d
        buf = _arrays.doubles_out(size)
        self._check(lib().msm_result(self.ptr, name.encode(), buf, size), "aiineq_msm_result")
        return _arrays.matrix(buf, *shape) if len(shape) == 2 else _arrays.result(buf)

    def stat(self, name):
        v = c_double()
        self._check(lib().msm_stat(self.ptr, name.encode(), byref(v)), "aiineq_msm_stat")
        return v.value

    def summary(self):
        """Estimates and standard errors by parameter name."""
        names = [p[0] for p in self.params()]
        return dict(zip(names, zip(self.result("estimate"), self.result("se"))))

    def start_info(self, i):
        """dict(start, end, objective, evaluations, reason) of start i."""
        nb = self.n_params
        s, e = _arrays.doubles_out(nb), _arrays.doubles_out(nb)
        obj, ev, why = c_double(), c_size_t(), c_int()
        self._check(lib().msm_start_info(self.ptr, i, s, e, nb, byref(obj), byref(ev),
                                         byref(why)), "aiineq_msm_start_info")
        return {"start": _arrays.result(s), "end": _arrays.result(e), "objective": obj.value,
                "evaluations": ev.value, "reason": why.value}

    def stat_sensitivity(self, stat, param=None, value=0.0):
        """(dT/dmhat, dT/db) of a statistic: a name of Result.stat (with
        `param` set to `value`, e.g. ("delta_gini", "eta", 0.25)) or a Python
        callable T(b) -> float."""
        nb, nm = self.n_params, self.n_moments
        dm, db = _arrays.doubles_out(nm), _arrays.doubles_out(nb)
        if callable(stat):
            def tfun(b, n, t, user):
                t[0] = float(stat(_arrays.copy(b, n)))
                return 0
            cb = MSM_STAT_FN(self._guard(tfun))
            self._check(lib().msm_stat_sensitivity(self.ptr, cb, None, dm, nm, db, nb),
                        "aiineq_msm_stat_sensitivity")
        else:
            self._check(lib().msm_stat_sensitivity_named(
                self.ptr, stat.encode(), param.encode() if param else None, float(value),
                dm, nm, db, nb), "aiineq_msm_stat_sensitivity_named")
        return _arrays.result(dm), _arrays.result(db)

    def boundary_sensitivity(self, grid_param, value, root_param, lo, hi):
        """(dT/dmhat, dT/db) of the regime boundary T = root_param* at which
        the change in the Gini is zero with grid_param = value (e.g. xi* at
        eta = 0.75), searched in [lo, hi]."""
        nb, nm = self.n_params, self.n_moments
        dm, db = _arrays.doubles_out(nm), _arrays.doubles_out(nb)
        self._check(lib().msm_boundary_sensitivity(
            self.ptr, grid_param.encode(), float(value), root_param.encode(), float(lo),
            float(hi), dm, nm, db, nb), "aiineq_msm_boundary_sensitivity")
        return _arrays.result(dm), _arrays.result(db)

    def model(self):
        """A Model at the estimate (or at the starts before any run)."""
        L = lib()
        return Model._wrap(new_handle(L.msm_model, L.model_free, L.msm_errmsg, self.ptr,
                                      self.ptr)[0])


def chi2_sf(x, df):
    """Chi-square upper tail P(X > x)."""
    p = c_double()
    raise_for(lib().chi2_sf(float(x), float(df), byref(p)), "aiineq_chi2_sf")
    return p.value


__all__ = ["Estimator", "chi2_sf", "WEIGHTING", "ALGORITHMS"]
