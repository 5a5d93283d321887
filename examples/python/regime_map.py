#!/usr/bin/python3
"""The two regimes of inequality: the sign of the change in the Gini over a
grid of the asset-embodied share eta and the rent-sharing elasticity xi.

Plots the map with matplotlib when it is installed (regime_map.png) and
writes the grid as CSV otherwise (regime_map.csv); an output path given as
the first argument and ending in .csv asks for CSV in any case.  AIINEQ_EXAMPLE_WORKERS sets the simulated households
(20000 by default; the paper's figures use 200000) and AIINEQ_EXAMPLE_GRID
the points per axis (7 by default).
"""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "python"))
import aiineq  # noqa: E402

N = int(os.environ.get("AIINEQ_EXAMPLE_WORKERS", "20000"))
G = int(os.environ.get("AIINEQ_EXAMPLE_GRID", "7"))


def grid(lo, hi, n):
    return [lo + (hi - lo) * i / (n - 1) for i in range(n)]


def regime_map(etas, xis):
    with aiineq.Model(n_workers=N, n_firms=max(1, N // 100)) as m:
        try:                              # the library's own grid (aiineq_regime_map)
            return aiineq.regime_map(m, "eta", etas, "xi", xis)
        except (NotImplementedError, AttributeError):   # older library: solve per point
            pass
        rows = []
        for xi in xis:
            m.xi = xi
            row = []
            for eta in etas:
                m.eta = eta
                with m.solve() as r:
                    row.append(r.delta_gini)
            rows.append(row)
    return rows


def main(argv):
    etas, xis = grid(0.0, 1.0, G), grid(0.0, 0.5, G)
    dg = regime_map(etas, xis)
    want_csv = len(argv) > 1 and argv[1].endswith(".csv")
    try:
        if want_csv:
            raise ImportError
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        plt = None
    if plt is None:
        out = argv[1] if len(argv) > 1 else "regime_map.csv"
        with open(out, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["xi", "eta", "delta_gini", "regime"])
            for xi, row in zip(xis, dg):
                for eta, v in zip(etas, row):
                    w.writerow([xi, eta, "%.6f" % v,
                                "concentration" if v > 0 else "compression"])
        print("wrote", out)
        return 0
    out = argv[1] if len(argv) > 1 else "regime_map.png"
    fig, ax = plt.subplots(figsize=(6, 4.5))
    lim = max(abs(v) for row in dg for v in row) or 1.0
    im = ax.pcolormesh(etas, xis, dg, cmap="RdBu_r", vmin=-lim, vmax=lim, shading="nearest")
    ax.contour(etas, xis, dg, levels=[0.0], colors="k")
    ax.set_xlabel("asset-embodied share of AI value, eta")
    ax.set_ylabel("rent-sharing elasticity, xi")
    ax.set_title("Change in Gini after AI (black line: regime boundary)")
    fig.colorbar(im, ax=ax, label="delta Gini")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print("wrote", out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
