"""The model handle: parameters (as a mapping and as attributes) and the task table."""
import collections
import collections.abc
import ctypes
from ctypes import byref, c_char_p, c_double, c_int64, c_size_t, c_uint

from . import _arrays
from ._lib import Wrapped, lib, new_handle, raise_for

PARAM_INTEGER, PARAM_LO_OPEN, PARAM_HI_OPEN = 1, 2, 4

ParamInfo = collections.namedtuple(
    "ParamInfo", "name description default lower upper integer lo_open hi_open")

_PARAMS = None


def parameters():
    """Every model parameter (name, description, default, bounds, flags), in
    the library's order, as ParamInfo tuples."""
    global _PARAMS
    if _PARAMS is None:
        L, out = lib(), []
        for i in range(L.param_count()):
            name, desc = c_char_p(), c_char_p()
            dflt, lo, hi, flags = c_double(), c_double(), c_double(), c_uint()
            raise_for(L.param_info(i, byref(name), byref(desc), byref(dflt), byref(lo),
                                   byref(hi), byref(flags)), "aiineq_param_info")
            f = flags.value
            integer = bool(f & PARAM_INTEGER)
            out.append(ParamInfo(name.value.decode(), desc.value.decode(),
                                 int(dflt.value) if integer else dflt.value, lo.value,
                                 hi.value, integer, bool(f & PARAM_LO_OPEN),
                                 bool(f & PARAM_HI_OPEN)))
        _PARAMS = collections.OrderedDict((p.name, p) for p in out)
    return list(_PARAMS.values())


def _info(name):
    parameters()
    return _PARAMS.get(name)


class Model(Wrapped, collections.abc.MutableMapping):
    """A model of MODEL.md: parameters and task table, defaults at creation.

    Parameters are read and written as a mapping (``m["theta"] = 0.2``) or as
    attributes (``m.theta = 0.2``); ``Model(theta=0.2, n_workers=20000)``
    sets them at creation.  Every value is validated by the C library; a
    rejected value raises ArgumentError and leaves the model unchanged.
    Deleting a key is not supported (there is always a value).

    The handle is freed by ``close()``, by ``with Model() as m:``, or when
    the object is garbage-collected.
    """

    def __init__(self, tasks=None, **params):
        L = lib()
        object.__setattr__(self, "_h", new_handle(L.model_new, L.model_free)[0])
        if tasks is not None:
            self.set_tasks(*tasks)
        for k, v in params.items():
            self[k] = v

    @classmethod
    def _wrap(cls, handle):
        m = cls.__new__(cls)
        object.__setattr__(m, "_h", handle)
        return m

    _kind, _errmsg = "model", "model_errmsg"

    def errmsg(self):
        """Message of the last failure on this model ("" if none)."""
        return lib().model_errmsg(self.ptr).decode()

    def copy(self):
        """An independent deep copy."""
        L = lib()
        return Model._wrap(new_handle(L.model_copy, L.model_free, L.model_errmsg,
                                      self.ptr, self.ptr)[0])

    __copy__ = copy

    # -- parameters: the mapping
    def __getitem__(self, name):
        info = _info(name)
        if info is None:
            raise KeyError(name)
        if info.integer:
            v = c_int64()
            self._check(lib().model_get_int(self.ptr, name.encode(), byref(v)),
                        "aiineq_model_get_int")
        else:
            v = c_double()
            self._check(lib().model_get_double(self.ptr, name.encode(), byref(v)),
                        "aiineq_model_get_double")
        return v.value

    def __setitem__(self, name, value):
        info = _info(name) if isinstance(name, str) else None
        key = str(name).encode()
        if info is not None and info.integer:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if not isinstance(value, int) or isinstance(value, bool):
                # let the library say what is wrong (wrong type)
                self._check(lib().model_set_double(self.ptr, key, float(value)),
                            "aiineq_model_set_double")
            if not -2**63 <= value < 2**63:
                raise OverflowError("%s = %d does not fit in int64" % (name, value))
            self._check(lib().model_set_int(self.ptr, key, value), "aiineq_model_set_int")
        else:
            self._check(lib().model_set_double(self.ptr, key, float(value)),
                        "aiineq_model_set_double")

    def __delitem__(self, name):
        raise TypeError("model parameters cannot be deleted")

    def __iter__(self):
        return iter([p.name for p in parameters()])

    def __len__(self):
        return len(parameters())

    def __contains__(self, name):
        return _info(name) is not None

    # -- parameters: attributes
    def __getattr__(self, name):
        if not name.startswith("_") and _info(name) is not None:
            return self[name]
        raise AttributeError(name)

    def __setattr__(self, name, value):
        if _info(name) is not None:
            self[name] = value
        else:
            object.__setattr__(self, name, value)

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | set(self))

    def __repr__(self):
        if self._h is None or not self._h.ptr:
            return "<aiineq.Model (closed)>"
        return "<aiineq.Model %d tasks, theta=%g, eta=%g, xi=%g>" % (
            self.n_tasks, self["theta"], self["eta"], self["xi"])

    # -- threads
    @property
    def threads(self):
        """Threads a solve may use (0: OpenMP's default).  Results do not
        depend on it."""
        n = ctypes.c_int()
        self._check(lib().model_get_threads(self.ptr, byref(n)), "aiineq_model_get_threads")
        return n.value

    @threads.setter
    def threads(self, n):
        self._check(lib().model_set_threads(self.ptr, int(n)), "aiineq_model_set_threads")

    # -- task table
    @property
    def n_tasks(self):
        k = c_size_t()
        self._check(lib().model_get_n_tasks(self.ptr, byref(k)), "aiineq_model_get_n_tasks")
        return k.value

    def set_tasks(self, x, nu):
        """Replace the task table: exposures x in [0, 1] and weights nu > 0
        (renormalised to sum to one; employment counts may be passed)."""
        px, nx, kx = _arrays.doubles_in(x, "x")
        pn, nn, kn = _arrays.doubles_in(nu, "nu")
        if nx != nn:
            raise ValueError("x has %d tasks but nu has %d" % (nx, nn))
        self._check(lib().model_set_tasks(self.ptr, px, pn, nx), "aiineq_model_set_tasks")
        del kx, kn

    @property
    def tasks(self):
        """(x, nu): exposures and normalised weights (NumPy arrays or lists)."""
        k = self.n_tasks
        x, nu = _arrays.doubles_out(k), _arrays.doubles_out(k)
        self._check(lib().model_get_tasks(self.ptr, x, nu, k), "aiineq_model_get_tasks")
        return _arrays.result(x), _arrays.result(nu)

    @tasks.setter
    def tasks(self, value):
        self.set_tasks(*value)

    # -- solving (aiineq_solve.h)
    def solve(self, flags=0):
        """Solve both economies and simulate the households: a Result.
        `flags` holds channels at baseline (HOLD_* constants)."""
        from .solve import Result
        L = lib()
        if flags:
            h = new_handle(L.solve_ex, L.result_free, L.model_errmsg, self.ptr, self.ptr,
                           int(flags))[0]
        else:
            h = new_handle(L.solve, L.result_free, L.model_errmsg, self.ptr, self.ptr)[0]
        return Result(h)


__all__ = ["Model", "ParamInfo", "parameters"]
