"""Solving through the binding: the reference numbers of tests/test_solve.c
(NumPy reference equilibrium, N = 20000, J = 200), households as views,
exceptions."""
import gc
import math
import unittest
import weakref

import aiineq

P_REF = [1.0192023902720952, 1.0128932873688574, 1.0033508609911794, 0.9906399488062485,
         0.9748675591709276]


def small(**kw):
    return aiineq.Model(n_workers=20000, n_firms=200, **kw)


class TestSolve(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = small()
        cls.r = cls.m.solve()

    def test_equilibrium_matches_numpy_reference(self):
        r = self.r
        for got, want in zip(r.equilibrium("p", aiineq.POST), P_REF):
            self.assertAlmostEqual(got, want, delta=1e-10)
        mu, V = r.equilibrium("mu", "pre"), r.equilibrium("V", aiineq.PRE)
        self.assertEqual(len(mu), 10)
        for k in range(5):
            self.assertAlmostEqual(mu[2 * k], -0.13791305041189666, delta=1e-10)
            self.assertAlmostEqual(mu[2 * k + 1], 0.49388923353790454, delta=1e-10)
            self.assertAlmostEqual(V[2 * k], 0.22021612280763045, delta=1e-10)
            self.assertAlmostEqual(V[2 * k + 1], 0.2173477666421475, delta=1e-10)
        self.assertEqual(list(r.equilibrium("p", aiineq.PRE)), [1.0] * 5)
        self.assertAlmostEqual(r.m1, 0.3473600758905799, delta=1e-10)
        self.assertAlmostEqual(r.stat("m2"), 0.0006830636197467882, delta=1e-10)
        self.assertAlmostEqual(r.stat("m4"), 0.38118347100053057, delta=1e-10)
        self.assertAlmostEqual(r.college_share_post, 0.3609200595191195, delta=1e-10)

    def test_moments_and_stats(self):
        r = self.r
        m = r.moments()
        self.assertEqual(len(m), aiineq.N_MOMENTS)
        self.assertEqual(m[5], r.delta_gini)
        self.assertAlmostEqual(m[4], 0.1, delta=1e-9)     # the firm regression slope is xi
        stats = r.stats()
        self.assertLess(stats["residual_post"], 1e-10)
        self.assertEqual(r.dims, (5, 20000))
        t, se = aiineq.moment_targets()
        self.assertEqual(list(t), [0.34, 0.0, 0.65, 0.38, 0.10, 0.01])
        self.assertEqual(list(se), [0.05, 0.03, 0.05, 0.02, 0.03, 0.005])

    def test_households_are_views_without_copy(self):
        r = self.r
        y, w, c = (r.households(f) for f in ("income", "wage", "capital_income"))
        self.assertEqual(len(y), 20000)
        for i in range(0, 20000, 997):
            self.assertEqual(y[i], w[i] + c[i])
        firm, task = r.households("firm"), r.households("task", aiineq.PRE)
        self.assertTrue(all(0 <= f < 200 for f in firm[:500]))
        self.assertTrue(all(0 <= t < 5 for t in task[:500]))
        if aiineq.HAVE_NUMPY:
            import numpy as np
            self.assertFalse(y.flags.owndata)
            self.assertFalse(y.flags.writeable)
            again = r.households("income")
            self.assertEqual(y.ctypes.data, again.ctypes.data)   # same memory: no copy
            self.assertEqual(firm.dtype, np.int32)

    def test_views_outlive_close(self):
        r = self.m.solve()
        inc = r.households("income")
        first = float(inc[0])
        owner = weakref.ref(r._h)
        r.close()
        gc.collect()
        self.assertIsNotNone(owner())                 # still held by the view
        self.assertTrue(owner().ptr)
        self.assertEqual(float(inc[0]), first)
        del inc
        gc.collect()
        self.assertIsNone(owner())                    # freed with the last view
        with self.assertRaises(ValueError):
            r.moments()

    def test_threads_do_not_change_results(self):
        m = small()
        m.threads = 1
        self.assertEqual(m.threads, 1)
        with self.assertRaises(aiineq.ArgumentError):
            m.threads = -1
        with m.solve() as r1:
            m.threads = 2
            with m.solve() as r2:
                self.assertEqual(list(r1.households("income")[:1000]),
                                 list(r2.households("income")[:1000]))
                self.assertEqual(r1.gini_post, r2.gini_post)

    def test_channel_switches(self):
        with self.m.solve(aiineq.HOLD_PRICES) as r:
            self.assertEqual(list(r.equilibrium("p", aiineq.POST)), [1.0] * 5)
        with self.m.solve(aiineq.HOLD_COMPRESSION | aiineq.HOLD_ASSET_RENTS) as r:
            self.assertEqual(r.delta_gini, 0.0)

    def test_errors(self):
        m = small(eq_max_iter=1)
        with self.assertRaises(aiineq.NoConvergenceError) as cm:
            m.solve()
        self.assertEqual(cm.exception.code, "AIINEQ_ERR_NOCONV")
        self.assertIn("residual", cm.exception.message)
        m.eq_max_iter = 10000
        m.n_workers, m.n_firms = 100, 100
        m.n_firms = 101
        with self.assertRaises(aiineq.ArgumentError) as cm:
            m.solve()
        self.assertIn("n_firms", cm.exception.message)
        with self.assertRaises(aiineq.ArgumentError):
            self.r.stat("nonesuch")
        with self.assertRaises(aiineq.ArgumentError):
            self.r.households("nonesuch")
        with self.assertRaises(aiineq.ArgumentError):
            self.r.households("income", 2)
        with self.assertRaises(ValueError):
            self.r.households("income", "during")
        self.assertTrue(math.isfinite(self.r.gini_pre))


if __name__ == "__main__":
    unittest.main()
