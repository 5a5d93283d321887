"""Inequality measures through the binding, against closed forms computed
here in plain Python."""
import math
import unittest

import aiineq

X = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]


def gini_sorted(x):
    y = sorted(x)
    n = len(y)
    return 2 * sum((i + 1) * v for i, v in enumerate(y)) / (n * sum(y)) - (n + 1) / n


class TestIneq(unittest.TestCase):
    def test_closed_forms(self):
        with aiineq.Distribution(X) as d:
            self.assertAlmostEqual(d.gini(), gini_sorted(X), delta=1e-15)
            n = len(X)
            self.assertAlmostEqual(d.gini(sample=True), gini_sorted(X) * n / (n - 1),
                                   delta=1e-15)
            mu = sum(X) / n
            self.assertAlmostEqual(d.theil(), sum(v / mu * math.log(v / mu) for v in X) / n,
                                   delta=1e-14)
            self.assertAlmostEqual(d.mld(), sum(math.log(mu / v) for v in X) / n, delta=1e-14)
            # top 25% = the two largest of eight equal-weight values: (9 + 6) / 31
            self.assertAlmostEqual(d.top_share(0.25), 15 / 31, delta=1e-15)
            L = d.lorenz([0.0, 0.25, 1.0])
            self.assertEqual((L[0], L[2]), (0.0, 1.0))
            self.assertAlmostEqual(L[1], 2 / 31, delta=1e-15)
            info = d.info
            self.assertEqual((info["n_obs"], info["n_distinct"]), (8, 7))
            self.assertAlmostEqual(info["mean"], 31 / 8, delta=1e-15)
            self.assertGreater(d.gini_se(), 0.0)
            lo, hi = d.gini_ci(0.95)
            self.assertLess(lo, d.gini())
            self.assertGreater(hi, d.gini())
            b1, b2 = d.gini_bootstrap(50, 7), d.gini_bootstrap(50, 7)
            self.assertEqual(b1, b2)                     # deterministic for a seed
        self.assertEqual(aiineq.gini(X), gini_sorted(X))
        # integer weights act like repeated values in the population formula
        self.assertAlmostEqual(aiineq.gini([1, 2], [2, 1]), gini_sorted([1, 1, 2]),
                               delta=1e-15)

    def test_sources_add_up(self):
        wages = [v * 0.7 for v in X]
        capital = [v * 0.3 for v in X]
        d = aiineq.Distribution(X)
        dec = d.gini_sources([wages, capital])
        self.assertAlmostEqual(sum(dec["contrib"]), d.gini(), delta=1e-13)
        self.assertAlmostEqual(dec["share"][0], 0.7, delta=1e-13)

    def test_bad_input(self):
        d = aiineq.Distribution()
        with self.assertRaises(aiineq.StateError):
            d.gini()
        for bad, code in (([], "AIINEQ_ERR_SIZE"), ([1.0, math.nan], "AIINEQ_ERR_NONFINITE"),
                          ([1.0, -2.0], "AIINEQ_ERR_RANGE"), ([0.0, 0.0], "AIINEQ_ERR_DEGENERATE")):
            with self.assertRaises(aiineq.Error) as cm:
                d.set(bad)
            self.assertEqual(cm.exception.code, code)
        with self.assertRaises(aiineq.ArgumentError):
            aiineq.Distribution(X).top_share(1.5)
        with self.assertRaises(ValueError):
            aiineq.gini([1, 2], [1])
        self.assertGreater(aiineq.Distribution([1.0, -2.0, 5.0], allow_negative=True).gini(), 0)


if __name__ == "__main__":
    unittest.main()
