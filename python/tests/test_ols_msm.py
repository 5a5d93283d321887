"""OLS and MSM through the binding: statsmodels' numbers, closed forms,
callbacks and their exceptions."""
import os
import tempfile
import unittest

import aiineq

try:
    import numpy as np
    import statsmodels.api as sm
except ImportError:   # the comparison needs Debian's python3-statsmodels
    sm = None


class TestOLS(unittest.TestCase):
    def data(self):
        rng = np.random.default_rng(7)
        n = 120
        X = np.column_stack([np.ones(n), rng.normal(size=n), rng.uniform(size=n)])
        y = X @ [0.5, -1.0, 2.0] + rng.normal(size=n) * (1 + X[:, 2])
        g = rng.integers(0, 12, size=n).astype(float)
        return y, X, g

    @unittest.skipIf(sm is None, "statsmodels not installed")
    def test_matches_statsmodels(self):
        y, X, g = self.data()
        for cov, kw in (("classical", {}), ("HC1", {"cov_type": "HC1"}),
                        ("HC3", {"cov_type": "HC3"})):
            ref = sm.OLS(y, X).fit(**kw)
            with aiineq.OLS(y, X, cov=cov) as o:
                o.fit()
                np.testing.assert_allclose(o.coef, ref.params, rtol=1e-10)
                np.testing.assert_allclose(o.se, ref.bse, rtol=1e-9)
                np.testing.assert_allclose(o.p, ref.pvalues, rtol=1e-7, atol=1e-14)
                self.assertAlmostEqual(o.r2, ref.rsquared, delta=1e-12)
                np.testing.assert_allclose(o.vcov, ref.cov_params(), rtol=1e-9)
        ref = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g.astype(int)})
        o = aiineq.OLS(y, X, clusters=g, cov="CR1").fit()
        np.testing.assert_allclose(o.se, ref.bse, rtol=1e-9)
        o = aiineq.OLS(y, X, clusters=g, cov="CR2", dist="bm").fit()
        df = o.df
        self.assertEqual(len(df), 3)
        self.assertTrue(all(0 < d < 11 for d in df))      # below G - 1 = 11 clusters
        self.assertEqual(list(aiineq.OLS(y, X, cov="HC1").fit().df), [float("inf")] * 3)
        w = 1 + X[:, 2]
        ref = sm.WLS(y, X, weights=w).fit()
        o = aiineq.OLS(y, X, weights=w).fit()
        np.testing.assert_allclose(o.coef, ref.params, rtol=1e-10)

    def test_lists_and_errors(self):
        y = [1.0, 2.0, 2.9, 4.2]
        X = [[1, 0], [1, 1], [1, 2], [1, 3]]
        o = aiineq.OLS(y, X, names=["const", "x"]).fit()
        self.assertEqual(o.names, ["const", "x"])
        self.assertAlmostEqual(o.coef[1], 5.25 / 5, delta=1e-12)   # Sxy / Sxx
        self.assertEqual(o.n, 4)
        with self.assertRaises(aiineq.NoConvergenceError) as cm:   # collinear columns
            aiineq.OLS(y, [[1, 2], [1, 2], [1, 2], [1, 2]]).fit()
        self.assertEqual(cm.exception.code, "AIINEQ_ERR_SINGULAR")
        with self.assertRaises(aiineq.ArgumentError):
            aiineq.OLS(y, X, weights=[1, 1, 0, 1])
        with self.assertRaises(ValueError):
            aiineq.OLS(y, [[1, 2], [1]])
        with self.assertRaises(aiineq.StateError):
            aiineq.OLS().fit()
        self.assertAlmostEqual(aiineq.t_pvalue(1.959963984540054, float("inf")), 0.05,
                               delta=1e-12)


class TestMSM(unittest.TestCase):
    def test_callback_estimate_closed_form(self):
        # m(b) = (a, b, a + b) with unit standard errors: least squares.
        e = aiineq.Estimator()
        e.set_moment_fn(lambda b: [b[0], b[1], b[0] + b[1]], 3)
        e.set_targets([1.0, 2.0, 3.3], [1.0, 1.0, 1.0])
        e.add_param("a", -10, 10, 0).add_param("b", -10, 10, 0)
        e.set_options(xtol=1e-12, ftol=0)
        e.estimate()
        est = e.summary()
        self.assertAlmostEqual(est["a"][0], 1.1, delta=1e-6)
        self.assertAlmostEqual(est["b"][0], 2.1, delta=1e-6)
        # objective: three residuals of 0.1; G = [[1,0],[0,1],[1,1]]
        self.assertAlmostEqual(e.stat("objective"), 0.03, delta=1e-10)
        G = e.result("jacobian")
        self.assertEqual([list(map(round, row)) for row in G], [[1, 0], [0, 1], [1, 1]])
        self.assertEqual(len(e.result("lambda")), 2)
        self.assertAlmostEqual(aiineq.chi2_sf(3.841458820694124, 1), 0.05, delta=1e-12)

    def test_callback_exception_propagates(self):
        e = aiineq.Estimator()

        def boom(b):
            raise ZeroDivisionError("inside the moment function")
        e.set_moment_fn(boom, 2)
        e.set_targets([0, 0], [1, 1])
        e.add_param("a", -1, 1, 0)
        with self.assertRaises(ZeroDivisionError):
            e.estimate()
        with self.assertRaises(aiineq.StateError):     # no result yet
            e.stat("objective")

    def test_sensitivity_of_a_statistic(self):
        # T(b) = 2a + b: dT/db = (2, 1); dT/dmhat = (dT/db) Lambda
        e = aiineq.Estimator()
        e.set_moment_fn(lambda b: [b[0], b[1], b[0] + b[1]], 3)
        e.set_targets([1.0, 2.0, 3.3], [1.0, 1.0, 1.0])
        e.add_param("a", -10, 10, 0).add_param("b", -10, 10, 0)
        e.estimate()
        dm, db = e.stat_sensitivity(lambda b: 2 * b[0] + b[1])
        self.assertAlmostEqual(db[0], 2.0, delta=1e-6)
        self.assertAlmostEqual(db[1], 1.0, delta=1e-6)
        lam = e.result("lambda")
        for j in range(3):
            self.assertAlmostEqual(dm[j], 2 * lam[0][j] + lam[1][j], delta=1e-6)
        with self.assertRaises(aiineq.StateError):     # needs a model
            e.boundary_sensitivity("eta", 0.75, "xi", 0.0, 0.5)

    def test_targets_file(self):
        # rows for m2 and m6 only: the others keep the defaults
        t0, s0 = aiineq.moment_targets()
        e = aiineq.Estimator(aiineq.Model(n_workers=2000, n_firms=20))
        e.parse_targets("# a comment\nSE,Moment,target\n0.04,m2,0.3\n0.01,M6,-0.025\n")
        t, s = e.targets
        self.assertEqual(list(t), [t0[0], 0.3, t0[2], t0[3], t0[4], -0.025])
        self.assertEqual(list(s), [s0[0], 0.04, s0[2], s0[3], s0[4], 0.01])
        with self.assertRaises(aiineq.DataError) as cm:   # se = 0 on line 3
            e.parse_targets(b"moment,target,se\nm1,0.5,0.1\nm3,0.2,0\n")
        self.assertEqual(cm.exception.code, "AIINEQ_ERR_FORMAT")
        self.assertIn("line 3, column 8", str(cm.exception))
        t1, s1 = e.targets                                 # nothing changed
        self.assertEqual((list(t1), list(s1)), (list(t), list(s)))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "targets.csv")
            with open(path, "w") as f:
                f.write("moment,target,se\nm1,0.125,0.5\nm7,1,1\n")
            with self.assertRaises(aiineq.DataError) as cm:
                e.read_targets(path)
            self.assertIn(path, str(cm.exception))
            self.assertIn("unknown moment 'm7'", str(cm.exception))
            e.set_moment_fn(lambda b: [b[0]], 1)           # now m7 exists
            e.read_targets(path)
            t, s = e.targets
            self.assertEqual((t[0], s[0], t[6], s[6]), (0.125, 0.5, 1.0, 1.0))
            with self.assertRaises(aiineq.DataError) as cm:
                e.read_targets(os.path.join(d, "missing.csv"))
            self.assertEqual(cm.exception.code, "AIINEQ_ERR_IO")

    def test_lambda_block_structure_at_the_defaults(self):
        # MODEL.md section 6: the mechanism rates do not load on m6; chi does (~12).
        e = aiineq.Estimator(aiineq.Model(n_workers=5000, n_firms=50))
        e.evaluate([p[3] for p in e.params()])
        lam = e.result("lambda")
        self.assertEqual((len(lam), len(lam[0])), (6, 6))
        for p in range(5):
            self.assertLess(abs(lam[p][5]), 1e-6)
        self.assertTrue(8 < lam[5][5] < 16, lam[5][5])
        dm, db = e.boundary_sensitivity("eta", 0.75, "xi", 0.0, 0.6)
        self.assertEqual(db[4], 0.0)            # xi is the searched parameter
        dm2, db2 = e.stat_sensitivity("delta_gini", "eta", 0.25)
        self.assertEqual(len(dm2), 6)
        with aiineq.Model(n_workers=5000, n_firms=50) as m, m.solve() as r:
            at = e.model()
            self.assertEqual(at.theta, m.theta)
            self.assertEqual(e.result("moments")[5], r.delta_gini)

    def test_model_defaults_and_bad_input(self):
        m = aiineq.Model(n_workers=20000, n_firms=200)
        with aiineq.Estimator(m) as e:
            self.assertEqual([p[0] for p in e.params()],
                             ["theta", "h_ai", "beta_e", "c0", "xi", "chi"])
            self.assertEqual(e.n_moments, 6)
            with self.assertRaises(aiineq.ArgumentError):
                e.add_param("nonesuch", 0, 1, 0.5)
            with self.assertRaises(aiineq.ArgumentError):
                e.add_param("theta", 0.5, 0.1, 0.2)
            self.assertEqual(e.model().theta, 0.19)


if __name__ == "__main__":
    unittest.main()
