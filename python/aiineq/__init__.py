"""aiineq: Python binding (ctypes) of the aiineq C library.

AI, skill homogenization and inequality: the task-based model of "When AI
Levels the Playing Field" (2026), its equilibrium, simulated households,
moments, estimation, regimes, inequality measures and occupation-level
regressions.

The C library libaiineq.so.0 is loaded at import from, in order: the
AIINEQ_LIBRARY environment variable, the source tree's build/lib, the system
linker path.  ``aiineq.load(path)`` loads another one.  Errors raise
``aiineq.Error`` subclasses carrying ``status``, ``code`` and ``message``.

    >>> import aiineq
    >>> with aiineq.Model(theta=0.2) as m:
    ...     m.eta = 0.25
"""
from . import _lib
from ._lib import (ArgumentError, DataError, Error, NoConvergenceError, StateError,
                   load)

_lib.load()

from ._arrays import HAVE_NUMPY  # noqa: E402
from .model import Model, ParamInfo, parameters  # noqa: E402
from .solve import (HOLD_ASSET_RENTS, HOLD_BEHAVIOUR, HOLD_COMPRESSION,  # noqa: E402
                    HOLD_PRICES, N_MOMENTS, POST, PRE, Result, moment_targets, solve)
from .ols import OLS, t_pvalue  # noqa: E402
from .ineq import Distribution, gini  # noqa: E402
from .oews import Exposure, Oews, Panel, outcome_name  # noqa: E402
from .msm import Estimator, chi2_sf  # noqa: E402
from .regime import (regime_boundary, regime_map, shapley_channels,  # noqa: E402
                     source_decomposition)


def version():
    """Version of the loaded C library, "MAJOR.MINOR.PATCH"."""
    return _lib.lib().version_string().decode()


def strerror(status):
    """The library's description of a status code."""
    return _lib.lib().strerror(int(status)).decode()


def library_path():
    """Path (or name) the C library was loaded from."""
    return _lib.lib().path


__version__ = "0.3.0"
__all__ = ["Model", "ParamInfo", "parameters", "Result", "solve", "moment_targets",
           "Error", "ArgumentError", "NoConvergenceError", "DataError", "StateError",
           "load", "version", "strerror", "library_path", "HAVE_NUMPY", "PRE", "POST",
           "HOLD_COMPRESSION", "HOLD_BEHAVIOUR", "HOLD_PRICES", "HOLD_ASSET_RENTS",
           "N_MOMENTS", "OLS", "t_pvalue", "Estimator", "chi2_sf",
           "Distribution", "gini", "Oews", "Exposure", "Panel", "outcome_name",
           "shapley_channels", "regime_boundary", "regime_map", "source_decomposition"]
