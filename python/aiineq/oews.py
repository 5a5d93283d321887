"""BLS OEWS national files, occupation exposure files, the two-year
occupation panel and its regressions (aiineq_oews.h)."""
from ctypes import byref, c_char_p, c_double, c_int32, c_size_t

from . import _arrays
from ._lib import Wrapped, lib, new_handle, raise_for
from .ols import COV, OLS

CELL = {0: "value", 1: "na", 2: "na_emp", 3: "topcoded", 4: "tilde", 5: "empty"}
OUTCOMES = {"log_wage": 0, "log_emp": 1, "log_p90_p10": 2, "log_p50_p10": 3,
            "log_p90_p50": 4}
CONTROL_WAGE, MAJOR_FE, WEIGHTS = 1, 2, 4


class _Table(Wrapped):
    """Common plumbing of the three reader objects (C prefix _prefix)."""
    _prefix = None

    def __init__(self):
        L = lib()
        self._kind, self._errmsg = self._prefix, self._prefix + "_errmsg"
        self._h = new_handle(getattr(L, self._prefix + "_new"),
                             getattr(L, self._prefix + "_free"))[0]

    def _call(self, name, *args):
        return self._check(getattr(lib(), self._prefix + "_" + name)(self.ptr, *args),
                           "aiineq_%s_%s" % (self._prefix, name))

    def _column(self, name, field, n):
        vals = _arrays.doubles_out(n)
        status = (c_int32 * n)()
        self._call(name, field.encode(), vals, status, n)
        return _arrays.result(vals), [CELL.get(s, s) for s in status]


def _text(data):
    raw = data.encode() if isinstance(data, str) else bytes(data)
    return raw, len(raw)


class Oews(_Table):
    """One OEWS national file: ``Oews(path)`` or ``Oews(text=...)``."""
    _prefix = "oews"

    def __init__(self, path=None, text=None):
        super().__init__()
        if path is not None:
            self._call("read", str(path).encode())
        elif text is not None:
            self._call("parse", *_text(text))

    def __len__(self):
        n = c_size_t()
        self._call("n_rows", byref(n))
        return n.value

    def text(self, i, field):
        """Text of row i, column `field` (case-insensitive)."""
        s = c_char_p()
        self._call("get_text", int(i), field.encode(), byref(s))
        return s.value.decode("utf-8", "replace")

    def column(self, field):
        """(values, statuses) of a numeric column: statuses are "value",
        "na" (*), "na_emp" (**), "topcoded" (#), "tilde" (~) or "empty"."""
        return self._column("get_column", field, len(self))


class Exposure(_Table):
    """An occupation-level exposure file averaged to six-digit SOC."""
    _prefix = "exposure"

    def __init__(self, path=None, code_column="O*NET-SOC Code", value_column="dv_rating_beta",
                 text=None):
        super().__init__()
        cc, vc = code_column.encode(), value_column.encode()
        if path is not None:
            self._call("read", str(path).encode(), cc, vc)
        elif text is not None:
            self._call("parse", *(_text(text) + (cc, vc)))

    @property
    def counts(self):
        """dict(n_codes, n_rows, n_skipped)."""
        a, b, c = c_size_t(), c_size_t(), c_size_t()
        self._call("counts", byref(a), byref(b), byref(c))
        return {"n_codes": a.value, "n_rows": b.value, "n_skipped": c.value}

    def __getitem__(self, soc):
        v = c_double()
        self._call("lookup", soc.encode(), byref(v))
        return v.value


class Panel(_Table):
    """Detailed occupations present in two OEWS years, joined with exposure."""
    _prefix = "panel"

    def __init__(self, from_year=None, to_year=None, exposure=None):
        super().__init__()
        if from_year is not None:
            self.build(from_year, to_year, exposure)

    def build(self, from_year, to_year, exposure):
        self._call("build", from_year.ptr, to_year.ptr, exposure.ptr)
        return self

    def __len__(self):
        n = c_size_t()
        self._call("size", byref(n))
        return n.value

    def count(self, name):
        """Join counts: detailed_from, detailed_to, only_from, only_to,
        no_exposure, duplicate, matched."""
        n = c_size_t()
        self._call("count", name.encode(), byref(n))
        return n.value

    def occupation(self, i):
        """(OCC_CODE, title) of occupation i."""
        code, title = c_char_p(), c_char_p()
        self._call("occupation", int(i), byref(code), byref(title))
        return code.value.decode(), title.value.decode("utf-8", "replace")

    def column(self, name):
        """(values, statuses) of "exposure", "major" or "<field>_from/_to"."""
        return self._column("get_column", name, len(self))

    def simulate(self, model, topcode_ratio=208000 / 53490, min_households=1, truth=True):
        """The model's version of this panel (MODEL.md section 7): its
        occupations become the tasks of a copy of `model`, solved before and
        after AI.  Returns (wages, truth): panels of simulated wages (top-coded
        at topcode_ratio times the baseline mean, 0: never) and of the
        within-task compression alone (None unless truth)."""
        wages = Panel()
        tr = Panel() if truth else None
        st = lib().panel_simulate(self.ptr, model.ptr, float(topcode_ratio),
                                  int(min_households), wages.ptr,
                                  tr.ptr if tr is not None else None)
        raise_for(st, "aiineq_panel_simulate", lib().panel_errmsg, wages.ptr)
        return wages, tr

    def regress(self, outcome="log_wage", control_wage=False, major_fe=False,
                weights=False, cov="HC1"):
        """Regress the change in `outcome` (log_wage, log_emp, log_p90_p10,
        log_p50_p10, log_p90_p50) on standardised exposure: a fitted OLS."""
        code = OUTCOMES[outcome] if isinstance(outcome, str) else int(outcome)
        flags = ((CONTROL_WAGE if control_wage else 0) | (MAJOR_FE if major_fe else 0)
                 | (WEIGHTS if weights else 0))
        o = OLS()
        cv = COV[cov] if isinstance(cov, str) else int(cov)
        st = lib().panel_regress(self.ptr, code, flags, cv, o.ptr)
        raise_for(st, "aiineq_panel_regress", lib().ols_errmsg, o.ptr)
        o.k = int(o.stat("k"))
        return o


def outcome_name(outcome):
    return lib().outcome_name(int(outcome)).decode()


__all__ = ["Oews", "Exposure", "Panel", "outcome_name", "OUTCOMES", "CELL"]
