"""Run the binding's tests (unittest discovery in this directory) and end
with one plain summary line: "python: N passed, N failed, N skipped".
Under CI (CI set) a skipped test counts as a failure: CI has ../shared/data and
statsmodels, so a skip there means a test silently did not run."""
import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))
suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py", top_level_dir=here)
res = unittest.TextTestRunner(verbosity=int(os.environ.get("VERBOSE", "1"))).run(suite)
failed = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
skipped = len(res.skipped)
if os.environ.get("CI") and skipped:
    failed, skipped = failed + skipped, 0
print("python: %d passed, %d failed, %d skipped" % (res.testsRun - failed - skipped,
                                                    failed, skipped))
sys.exit(0 if failed == 0 and res.testsRun > 0 else 1)
