"""Regimes through the binding (N = 20000): the map agrees with single
solves bit for bit, Shapley values add up, the boundary is a root, and
progress callbacks stop the computation or pass their exceptions on."""
import math
import unittest

import aiineq


def small():
    return aiineq.Model(n_workers=20000, n_firms=200)


class TestRegime(unittest.TestCase):
    def test_map_matches_single_solves(self):
        m = small()
        etas, xis = [0.25, 0.75], [0.1, 0.3]
        dg = aiineq.regime_map(m, "eta", etas, "xi", xis)
        self.assertEqual(len(dg), 2)
        for iy, xi in enumerate(xis):
            for ix, eta in enumerate(etas):
                with aiineq.Model(n_workers=20000, n_firms=200, eta=eta, xi=xi) as one:
                    with one.solve() as r:
                        self.assertEqual(dg[iy][ix], r.delta_gini)
        # MODEL.md: proprietary AI (eta1 = 0.75) concentrates, commodity AI compresses
        self.assertGreater(dg[0][1], 0.0)
        self.assertLess(dg[0][0], 0.0)
        self.assertEqual(m.eta, 0.75)      # the caller's model is not changed

    def test_shapley_adds_up(self):
        s = aiineq.shapley_channels(small())
        self.assertEqual(set(s["contrib"]), set(aiineq.regime.CHANNELS))
        self.assertAlmostEqual(sum(s["contrib"].values()), s["delta_gini"] - s["base"],
                               delta=1e-12)
        with small() as m, m.solve() as r:
            self.assertEqual(s["delta_gini"], r.delta_gini)
        m0 = small()
        m0.theta = 0.0
        self.assertEqual(aiineq.shapley_channels(m0)["contrib"]["compression"], 0.0)

    def test_source_decomposition(self):
        with small() as m, m.solve() as r:
            for eco, g in ((aiineq.PRE, r.gini_pre), (aiineq.POST, r.gini_post)):
                d = r.source_decomposition(eco)
                self.assertAlmostEqual(d["gini"], g, delta=1e-12)
                self.assertAlmostEqual(sum(d["contrib"].values()), g, delta=1e-12)
                self.assertAlmostEqual(sum(d["share"].values()), 1.0, delta=1e-12)
                # independently: the wage share is total wages over total income
                w, y = r.households("wage", eco), r.households("income", eco)
                self.assertAlmostEqual(d["share"]["wages"], sum(w) / sum(y), delta=1e-9)
            with self.assertRaises(aiineq.ArgumentError):
                r.source_decomposition(5)

    def test_boundary_is_a_root(self):
        m = small()
        roots, found, at = aiineq.regime_boundary(m, "eta", [0.75], "xi", 0.0, 0.5, tol=1e-7)
        self.assertTrue(found[0])
        self.assertTrue(0.0 < roots[0] < 0.5)
        self.assertLessEqual(abs(at[0]), 1e-7)
        roots, found, at = aiineq.regime_boundary(m, "eta", [0.0], "xi", 0.0, 0.05)
        self.assertFalse(found[0])            # commodity-free AI: no sign change
        self.assertTrue(math.isnan(roots[0]))

    def test_progress_stop_and_errors(self):
        m = small()
        calls = []
        with self.assertRaises(aiineq.StateError) as cm:
            aiineq.regime_map(m, "eta", [0.25, 0.75], "xi", [0.1],
                              progress=lambda d, t: calls.append((d, t)) or True)
        self.assertEqual(cm.exception.code, "AIINEQ_ERR_STOPPED")
        self.assertEqual(len(calls), 1)

        def boom(done, total):
            raise KeyboardInterrupt
        with self.assertRaises(KeyboardInterrupt):
            aiineq.regime_map(m, "eta", [0.25], "xi", [0.1], progress=boom)
        with self.assertRaises(aiineq.ArgumentError):
            aiineq.regime_map(m, "nonesuch", [0.25], "xi", [0.1])
        with self.assertRaises(aiineq.ArgumentError):
            aiineq.regime_boundary(m, "eta", [0.5], "xi", 0.4, 0.1)


if __name__ == "__main__":
    unittest.main()
