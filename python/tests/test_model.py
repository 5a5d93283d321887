"""The model handle through the binding: the same reference values as
tests/test_model.c, exceptions for bad input, lifetime and leaks."""
import ctypes
import ctypes.util
import gc
import math
import os
import subprocess
import sys
import unittest

import aiineq
from aiineq import _lib

REALS = {"sigma_a": 0.5, "beta_e": 0.27, "c0": 0.63, "kappa": 0.5, "sigma_z": 0.5,
         "tau": 0.3, "tau_e": 0.3, "theta": 0.19, "h_ai": 0.89, "sigma_ces": 1.5,
         "alpha_phi": 3.0, "sigma_k": 1.0, "rho_phik": 0.5, "rho_sort": 0.3, "xi": 0.10,
         "eta": 0.75, "chi": 0.37, "top10": 0.89, "rho_own": 0.3, "adopt_pre": 0.0,
         "adopt_post": 1.0, "eq_tol": 1e-10}
INTS = {"n_quad": 64, "n_workers": 200000, "n_firms": 2000, "seed": 1, "eq_max_iter": 10000}


def malloc_in_use():
    """Bytes currently allocated by glibc malloc (mallinfo2)."""
    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    return info.uordblks + info.hblkhd


class TestCore(unittest.TestCase):
    def test_version(self):
        self.assertEqual(aiineq.version(), "0.3.0")
        self.assertEqual(aiineq.__version__, aiineq.version())
        self.assertEqual(_lib.lib().version_number(), 300)

    def test_strerror(self):
        self.assertEqual(aiineq.strerror(0), "success")
        self.assertEqual(aiineq.strerror(-2), "out of memory")
        self.assertEqual(aiineq.strerror(-999), "unknown status")
        names = {aiineq.strerror(s) for s in range(-14, 0)}
        self.assertEqual(len(names), 14)


class TestModel(unittest.TestCase):
    def test_defaults_as_mapping_and_attributes(self):
        with aiineq.Model() as m:
            for k, v in REALS.items():
                self.assertEqual(m[k], v, k)
                self.assertIsInstance(m[k], float)
            for k, v in INTS.items():
                self.assertEqual(getattr(m, k), v, k)
                self.assertIsInstance(m[k], int)
            self.assertEqual(len(m), 27)
            self.assertEqual(set(m), set(REALS) | set(INTS))
            self.assertEqual(dict(m)["theta"], 0.19)

    def test_set_and_constructor(self):
        m = aiineq.Model(theta=0.25, n_workers=20000)
        self.assertEqual(m.theta, 0.25)
        self.assertEqual(m["n_workers"], 20000)
        m.eta = 0.25
        m["seed"] = -1              # any 64-bit value
        self.assertEqual(m.seed, -1)
        m.n_quad = 32.0             # an integral float is accepted
        self.assertEqual(m.n_quad, 32)
        m.update(xi=0.3, chi=0.5)
        self.assertEqual((m.xi, m.chi), (0.3, 0.5))

    def test_bad_input_raises_and_changes_nothing(self):
        m = aiineq.Model()
        cases = [("theta", 1.5, "AIINEQ_ERR_RANGE"), ("theta", math.nan, "AIINEQ_ERR_NONFINITE"),
                 ("theta", math.inf, "AIINEQ_ERR_NONFINITE"),
                 ("n_quad", 1, "AIINEQ_ERR_RANGE"), ("n_quad", 2.5, "AIINEQ_ERR_TYPE"),
                 ("nonesuch", 1.0, "AIINEQ_ERR_NAME")]
        for name, value, code in cases:
            with self.assertRaises(aiineq.ArgumentError, msg=name) as cm:
                m[name] = value
            e = cm.exception
            self.assertEqual(e.code, code)
            self.assertLess(e.status, 0)
            self.assertIn(name, e.message)
            self.assertIsInstance(e, ValueError)
        self.assertEqual(m.theta, 0.19)
        self.assertEqual(m.n_quad, 64)
        with self.assertRaises(KeyError):
            m["nonesuch"]
        with self.assertRaises(AttributeError):
            m.nonesuch
        with self.assertRaises(TypeError):
            del m["theta"]
        with self.assertRaises(OverflowError):
            m.seed = 2**64

    def test_tasks(self):
        m = aiineq.Model()
        x, nu = m.tasks
        self.assertEqual(list(x), [0, .25, .5, .75, 1])
        self.assertEqual(list(nu), [.2] * 5)
        m.tasks = ([0, .5, 1], [120, 80, 40])
        x, nu = m.tasks
        self.assertEqual(m.n_tasks, 3)
        for got, want in zip(nu, [.5, 1 / 3, 1 / 6]):
            self.assertAlmostEqual(got, want, places=15)
        for bad, code in [(([0, 2], [1, 1]), "AIINEQ_ERR_RANGE"),
                          (([0, math.nan], [1, 1]), "AIINEQ_ERR_NONFINITE"),
                          (([0, .5], [1, 0]), "AIINEQ_ERR_RANGE"),
                          (([], []), "AIINEQ_ERR_SIZE")]:
            with self.assertRaises(aiineq.ArgumentError) as cm:
                m.set_tasks(*bad)
            self.assertEqual(cm.exception.code, code)
        with self.assertRaises(ValueError):
            m.set_tasks([0, 1], [1])
        with self.assertRaises(TypeError):
            m.set_tasks(3, 4)
        self.assertEqual(m.n_tasks, 3)
        if aiineq.HAVE_NUMPY:
            import numpy as np
            m.set_tasks(np.array([0.0, 1.0]), np.array([3, 1]))
            self.assertEqual(list(m.tasks[1]), [0.75, 0.25])

    def test_copy_is_independent(self):
        m = aiineq.Model(eta=0.5)
        c = m.copy()
        c.eta = 0.25
        self.assertEqual((m.eta, c.eta), (0.5, 0.25))
        self.assertEqual(c.errmsg(), "")

    def test_parameters(self):
        ps = aiineq.parameters()
        self.assertEqual(len(ps), 27)
        by = {p.name: p for p in ps}
        self.assertEqual(by["theta"].default, 0.19)
        self.assertEqual((by["theta"].lower, by["theta"].upper), (0.0, 1.0))
        self.assertTrue(by["n_quad"].integer)
        self.assertEqual((by["n_quad"].lower, by["n_quad"].upper), (2, 200))
        self.assertTrue(by["alpha_phi"].lo_open)

    def test_close_and_context_manager(self):
        m = aiineq.Model()
        m.close()
        m.close()                       # idempotent
        with self.assertRaises(ValueError):
            m.theta
        self.assertIn("closed", repr(m))
        with aiineq.Model() as m2:
            self.assertEqual(m2.theta, 0.19)
        with self.assertRaises(ValueError):
            m2["theta"] = 0.1


class TestLifetime(unittest.TestCase):
    def test_no_leak_over_10000_cycles(self):
        gc.collect()
        live0 = _lib.Handle.live
        for _ in range(200):            # warm up caches and allocator pools
            aiineq.Model().copy()
            aiineq.OLS([1.0, 2.0, 4.0], [[1, 0], [1, 1], [1, 2]]).fit()
            aiineq.Distribution([1.0, 2.0, 4.0]).gini()
        gc.collect()
        before = malloc_in_use()
        for i in range(10000):
            if i % 2:
                with aiineq.Model(theta=0.2) as m:
                    m.copy().close()
            else:
                m = aiineq.Model()      # freed by the garbage collector
                c = m.copy()
                c.eta = 0.3
                del m, c
            if _lib.lib().has("dist_new") and _lib.lib().has("ols_new"):
                with aiineq.Distribution([1.0, 2.0, 4.0]) as d:
                    d.gini()
                aiineq.OLS([1.0, 2.0, 4.0], [[1, 0], [1, 1], [1, 2]]).fit()
        gc.collect()
        grown = malloc_in_use() - before
        self.assertEqual(_lib.Handle.live, live0)
        # 10^4 leaked models would be megabytes; allow allocator noise only.
        self.assertLess(grown, 64 * 1024, "malloc in use grew by %d bytes" % grown)


class TestLoader(unittest.TestCase):
    def run_py(self, code, env):
        e = dict(os.environ)
        e.update(env)
        return subprocess.run([sys.executable, "-c", code], env=e, capture_output=True,
                              text=True, cwd=os.path.dirname(os.path.abspath(__file__)))

    def test_env_var_names_what_it_tried(self):
        r = self.run_py("import aiineq", {"AIINEQ_LIBRARY": "/nonexistent/libaiineq.so.0",
                                          "PYTHONPATH": os.path.dirname(os.path.dirname(
                                              aiineq.__file__))})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ImportError", r.stderr)
        self.assertIn("/nonexistent/libaiineq.so.0", r.stderr)
        self.assertIn("AIINEQ_LIBRARY", r.stderr)

    def test_load_argument(self):
        path = aiineq.library_path()
        lib = aiineq.load(path)
        self.assertEqual(aiineq.library_path(), path)
        self.assertEqual(lib.version_number(), 300)
        with self.assertRaises(ImportError):
            _lib.Library("/nonexistent/libaiineq.so.0")
        with self.assertRaises(ImportError) as cm:       # a library, but not aiineq
            _lib.Library(ctypes.util.find_library("m"))
        self.assertIn("not libaiineq", str(cm.exception))
        self.assertEqual(aiineq.library_path(), path)   # a failed load changes nothing


if __name__ == "__main__":
    unittest.main()
