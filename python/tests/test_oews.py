"""OEWS and exposure readers and the occupation panel through the binding:
special values, errors, and the panel regression against statsmodels on the
columns the panel exposes."""
import math
import os
import tempfile
import unittest

import aiineq
from util import ROOT

SHARED = os.environ.get("AIQ_SHARED_DIR", os.path.join(os.path.dirname(ROOT), "shared"))
DATA = os.path.join(SHARED, "data")
TINY = ("OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\n"
        "11-1011,Chief Executives,detailed,200,\"190,000\",#,#,#\n"
        "15-1252,Software Developers,detailed,**,120000,70000,110000,*\n")

try:
    import numpy as np
    import statsmodels.api as sm
except ImportError:
    sm = None


class TestReaders(unittest.TestCase):
    def test_parse_special_values(self):
        with aiineq.Oews(text=TINY) as t:
            self.assertEqual(len(t), 2)
            self.assertEqual(t.text(1, "occ_title"), "Software Developers")
            vals, st = t.column("a_mean")
            self.assertEqual(list(vals), [190000.0, 120000.0])
            self.assertEqual(t.column("a_pct90")[1], ["topcoded", "na"])
            self.assertEqual(t.column("tot_emp")[1], ["value", "na_emp"])
            with self.assertRaises(aiineq.ArgumentError):
                t.column("nonesuch")

    def test_errors(self):
        with self.assertRaises(aiineq.DataError) as cm:
            aiineq.Oews("/nonexistent/oews.csv")
        self.assertIn("/nonexistent/oews.csv", cm.exception.message)
        with tempfile.NamedTemporaryFile("w", suffix=".csv") as f:
            f.write('OCC_CODE,A_MEAN\n"11-1011,5\n')
            f.flush()
            with self.assertRaises(aiineq.DataError) as cm:
                aiineq.Oews(f.name)
            self.assertEqual(cm.exception.code, "AIINEQ_ERR_FORMAT")

    @unittest.skipUnless(os.path.isdir(DATA) and sm is not None, "needs ../shared/data")
    def test_panel_regression_matches_statsmodels(self):
        a = aiineq.Oews(os.path.join(DATA, "oews", "oews_national_2019.csv"))
        b = aiineq.Oews(os.path.join(DATA, "oews", "oews_national_2023.csv"))
        x = aiineq.Exposure(os.path.join(DATA, "exposure", "gpts_are_gpts_occ_level.csv"))
        p = aiineq.Panel(a, b, x)
        n = len(p)
        self.assertEqual(p.count("matched"), n)
        self.assertGreater(n, 500)
        code, title = p.occupation(0)
        self.assertRegex(code, r"^\d\d-\d\d\d\d$")
        expo = np.asarray(p.column("exposure")[0])
        w0, s0 = p.column("a_mean_from")
        w1, s1 = p.column("a_mean_to")
        ok = np.array([u == "value" and v == "value" for u, v in zip(s0, s1)])
        z = (expo - expo.mean()) / expo.std(ddof=1)
        y = np.log(np.asarray(w1)[ok]) - np.log(np.asarray(w0)[ok])
        X = np.column_stack([np.ones(ok.sum()), z[ok]])
        ref = sm.OLS(y, X).fit(cov_type="HC1")
        with p.regress("log_wage", cov="HC1") as r:
            self.assertEqual(r.names[:2], ["const", "exposure_sd"])
            np.testing.assert_allclose(r.coef, ref.params, rtol=1e-9)
            np.testing.assert_allclose(r.se, ref.bse, rtol=1e-9)
            self.assertEqual(r.n, ok.sum())
        self.assertTrue(math.isfinite(x[code[:7]]))
        if aiineq._lib.lib().has("panel_simulate"):
            sim, truth = p.simulate(aiineq.Model(n_workers=20000, n_firms=200))
            self.assertEqual(len(sim), n)
            self.assertEqual(sim.occupation(0), p.occupation(0))
            with sim.regress("log_wage", cov="HC1") as r:
                self.assertTrue(math.isfinite(r.coef[1]))
            # the truth panel keeps employment: no change in log employment
            e0, e1 = truth.column("tot_emp_from")[0], truth.column("tot_emp_to")[0]
            self.assertEqual(list(e0), list(e1))
        self.assertEqual(aiineq.outcome_name(0) != "", True)


if __name__ == "__main__":
    unittest.main()
