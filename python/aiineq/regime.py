"""The two regimes (aiineq_regime.h): Shapley decomposition of the change
in the Gini over the four channels, the regime boundary along a parameter
grid and 2-D regime maps."""
from ctypes import byref, c_double, c_int

from . import _arrays
from ._lib import REGIME_PROGRESS_FN, lib, raise_for

CHANNELS = ("compression", "behaviour", "prices", "asset_rents")
SOURCES = ("wages", "capital")
FOUND, NO_SIGN_CHANGE = 0, 1


class _Progress:
    """A Python progress callable f(done, total) -> truthy to stop, as a C
    callback; an exception it raises is re-raised after the C call."""

    def __init__(self, f):
        self.exc = None
        self.cfunc = REGIME_PROGRESS_FN(self._call) if f is not None else REGIME_PROGRESS_FN()
        self.f = f

    def _call(self, done, total, user):
        try:
            return 1 if self.f(done, total) else 0
        except BaseException as e:   # re-raised by check()
            self.exc = e
            return 1

    def check(self, status, function, model):
        if status < 0 and self.exc is not None:
            raise self.exc
        return raise_for(status, function, lib().model_errmsg, model.ptr)


def shapley_channels(model):
    """Shapley values of the change in the Gini over the four channels:
    dict(contrib={channel: value}, delta_gini, base)."""
    n = len(CHANNELS)
    out = _arrays.doubles_out(n)
    dg, base = c_double(), c_double()
    raise_for(lib().shapley_channels(model.ptr, out, n, byref(dg), byref(base)),
              "aiineq_shapley_channels", lib().model_errmsg, model.ptr)
    return {"contrib": dict(zip(CHANNELS, list(out))), "delta_gini": dg.value,
            "base": base.value}


def regime_boundary(model, grid_param, grid, root_param, lo, hi, tol=0.0, progress=None):
    """For each value of `grid_param` in `grid`, the value of `root_param` in
    [lo, hi] where the change in the Gini is zero: (roots, found, dgini_at_root);
    roots are NaN where the bracket holds no sign change (found False)."""
    pg, n, keep = _arrays.doubles_in(grid, "grid")
    root, dgr = _arrays.doubles_out(n), _arrays.doubles_out(n)
    flags = (c_int * n)()
    cb = _Progress(progress)
    cb.check(lib().regime_boundary(model.ptr, grid_param.encode(), pg, n, root_param.encode(),
                                   float(lo), float(hi), float(tol), root, flags, dgr,
                                   cb.cfunc, None), "aiineq_regime_boundary", model)
    return _arrays.result(root), [f == FOUND for f in flags], _arrays.result(dgr)


def regime_map(model, px, x, py, y, progress=None):
    """Change in the Gini on the grid x (parameter px) by y (parameter py):
    a len(y) x len(x) matrix (positive: concentration regime)."""
    pxp, nx, kx = _arrays.doubles_in(x, "x")
    pyp, ny, ky = _arrays.doubles_in(y, "y")
    out = _arrays.doubles_out(nx * ny)
    cb = _Progress(progress)
    cb.check(lib().regime_map(model.ptr, px.encode(), pxp, nx, py.encode(), pyp, ny, out,
                              nx * ny, cb.cfunc, None), "aiineq_regime_map", model)
    return _arrays.matrix(out, ny, nx)


def source_decomposition(result, economy=1):
    """Lerman-Yitzhaki decomposition of the income Gini of one economy of a
    Result into wages and capital income: dict(gini, share, gini_s, corr,
    contrib), the last four as {source: value}; sum of contrib = gini."""
    from .solve import _economy
    n = len(SOURCES)
    outs = [_arrays.doubles_out(n) for _ in range(4)]
    g = c_double()
    raise_for(lib().source_decomposition(result.ptr, _economy(economy), *outs, n, byref(g)),
              "aiineq_source_decomposition")
    parts = [dict(zip(SOURCES, list(o))) for o in outs]
    return dict(zip(("share", "gini_s", "corr", "contrib"), parts), gini=g.value)


__all__ = ["shapley_channels", "regime_boundary", "regime_map", "source_decomposition",
           "CHANNELS", "SOURCES"]
