"""The Python examples run (small sizes) and print what they promise."""
import csv
import os
import subprocess
import sys
import tempfile
import unittest

from util import ROOT

EX = os.path.join(ROOT, "examples", "python")


def run(script, *args, **env):
    e = dict(os.environ, AIINEQ_EXAMPLE_WORKERS="2000", **env)
    return subprocess.run([sys.executable, os.path.join(EX, script)] + list(args),
                          env=e, capture_output=True, text=True, timeout=120)


class TestExamples(unittest.TestCase):
    def test_quickstart(self):
        r = run("quickstart.py")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("rejected: parameter 'theta'", r.stdout)
        self.assertIn("Gini before AI", r.stdout)
        self.assertIn("m6 = ", r.stdout)

    def test_regime_map_csv(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "map.csv")
            r = run("regime_map.py", out, AIINEQ_EXAMPLE_GRID="3")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out) as f:
                rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 9)
        # eta = 0 (no asset-embodied value): compression; eta = 1, xi = 0: concentration
        by = {(float(x["eta"]), float(x["xi"])): float(x["delta_gini"]) for x in rows}
        self.assertLess(by[(0.0, 0.0)], 0.0)
        self.assertGreater(by[(1.0, 0.0)], 0.0)


if __name__ == "__main__":
    unittest.main()
