"""Array conversion between Python and C: NumPy arrays when NumPy is present
(views without copying for library-owned memory), lists otherwise."""
import ctypes
from ctypes import c_double, c_int32

try:
    import numpy as np
except ImportError:  # NumPy is optional
    np = None

HAVE_NUMPY = np is not None


def doubles_in(values, name="array"):
    """Input array -> (pointer, length, keepalive).  A C-contiguous float64
    NumPy array is passed without copying; anything else is copied."""
    if np is not None and isinstance(values, np.ndarray):
        arr = np.ascontiguousarray(values, dtype=np.float64)
        if arr.ndim != 1:
            raise ValueError("%s must be one-dimensional" % name)
        return arr.ctypes.data_as(ctypes.POINTER(c_double)), arr.size, arr
    try:
        seq = [float(v) for v in values]
    except TypeError:
        raise TypeError("%s must be a sequence of numbers" % name) from None
    buf = (c_double * len(seq))(*seq)
    return ctypes.cast(buf, ctypes.POINTER(c_double)), len(seq), buf


def doubles_out(n):
    """A fresh C double buffer of length n (zeroed)."""
    return (c_double * n)()


def result(buf):
    """Turn a filled doubles_out buffer into the user-facing array (no copy:
    the NumPy array owns the ctypes buffer through its base)."""
    if np is not None:
        return np.frombuffer(buf, dtype=np.float64)
    return list(buf)


def view(ptr, n, owner, ctype=c_double):
    """Read-only view of n elements at ptr (library-owned memory).  The view
    keeps `owner` (the Handle) alive, so the memory outlives every view."""
    if n == 0 or not ptr:
        return np.empty(0, dtype=np.float64 if ctype is c_double else np.int32) \
            if np is not None else []
    addr = ctypes.cast(ptr, ctypes.c_void_p).value
    buf = (ctype * n).from_address(addr)
    buf._aiineq_owner = owner
    if np is None:
        return list(buf)
    arr = np.frombuffer(buf, dtype=np.float64 if ctype is c_double else np.int32)
    arr.flags.writeable = False
    return arr


__all__ = ["HAVE_NUMPY", "doubles_in", "doubles_out", "result", "view", "c_int32"]


def matrix(buf, rows, cols):
    """A filled row-major buffer as a rows x cols matrix (NumPy 2-D array
    without copying, or a list of row lists)."""
    if np is not None:
        return np.frombuffer(buf, dtype=np.float64).reshape(rows, cols)
    vals = list(buf)
    return [vals[i * cols:(i + 1) * cols] for i in range(rows)]


def copy(ptr, n):
    """A copy of n doubles at ptr (memory the caller does not keep)."""
    vals = ptr[:n]
    return np.array(vals, dtype=np.float64) if np is not None else vals
