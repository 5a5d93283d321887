#!/usr/bin/python3
"""aiineq from Python: configure the model, solve it before and after AI, and
read the inequality statistics, the six moments and the simulated households.

Run from the source tree after `make`:
    /usr/bin/python3 examples/python/quickstart.py
(with the Debian package installed, `import aiineq` needs no path set-up).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "python"))
import aiineq  # noqa: E402

N = int(os.environ.get("AIINEQ_EXAMPLE_WORKERS", "20000"))


def main():
    print("aiineq %s (%s)" % (aiineq.version(), aiineq.library_path()))
    with aiineq.Model(n_workers=N, n_firms=N // 100) as m:
        m.eta = 0.75                      # proprietary AI: asset-embodied share eta1
        try:
            m.theta = 1.5                 # rejected: theta is a rate in [0, 1]
        except aiineq.ArgumentError as e:
            print("rejected:", e.message)
        with m.solve() as r:
            print("Gini before AI %.4f, after %.4f, change %+.4f"
                  % (r.gini_pre, r.gini_post, r.delta_gini))
            print("labour share before %.3f, after %.3f"
                  % (r.labour_share_pre, r.labour_share_post))
            targets, se = aiineq.moment_targets()
            for i, (v, t) in enumerate(zip(r.moments(), targets), 1):
                print("m%d = %+.4f (target %+.2f)" % (i, v, t))
            income = r.households("income", aiineq.POST)   # NumPy view, no copy
            print("%d households, mean income after AI %.4f"
                  % (len(income), sum(income) / len(income)))
        m.eta = 0.25                      # commodity AI
        with m.solve() as r:
            print("commodity AI (eta = 0.25): change in Gini %+.4f" % r.delta_gini)


if __name__ == "__main__":
    main()
