#!/usr/bin/python3
"""Write the seed corpus of fuzz/fuzz_params.c into fuzz/corpus/params/.

Each seed is a short sequence of operations in the harness's byte format
(opcode byte, then arguments).  Run from the repository root; the files are
committed, so this only needs re-running when the format changes.  Inputs
found by `make fuzz` that raise coverage are added next to these (named by
libFuzzer after their SHA-1).
"""
import os
import struct

OUT = "fuzz/corpus/params"
# parameter indices, in the order of lib/params.h
P = {n: i for i, n in enumerate(
    "sigma_a beta_e c0 kappa sigma_z tau tau_e theta h_ai sigma_ces alpha_phi sigma_k "
    "rho_phik rho_sort xi eta chi top10 rho_own adopt_pre adopt_post n_quad n_workers "
    "n_firms seed eq_tol eq_max_iter".split())}


def set_double(name, v):
    return bytes([0, P[name]]) + struct.pack("<d", v)


def set_double_raw(name, v):  # arbitrary (unknown) name
    b = name.encode()
    return bytes([0, 200, len(b)]) + b + struct.pack("<d", v)


def set_int(name, v, small=False):
    return bytes([1, P[name]]) + struct.pack("<q", v) + bytes([1 if small else 0])


def set_tasks(flags, xs, nus):
    out = bytes([2, flags]) + struct.pack("<I", len(xs))
    for x, nu in zip(xs, nus):
        out += struct.pack("<d", x) if flags & 16 else bytes([x])
        out += struct.pack("<d", nu) if flags & 32 else bytes([nu])
    return out


def copy():
    return bytes([3])


def query(name_idx, info_idx):
    return bytes([4, name_idx]) + struct.pack("<I", info_idx)


inf, nan = float("inf"), float("nan")
seeds = {
    "valid_doubles": set_double("theta", 0.5) + set_double("sigma_ces", 1.0)
    + set_double("rho_own", -0.99) + copy(),
    "range_edges": set_double("top10", 0.1) + set_double("top10", 1.0)
    + set_double("alpha_phi", 1.0) + set_double("rho_sort", 0.999999) + set_double("xi", 1.0),
    "nonfinite": set_double("theta", nan) + set_double("eta", inf) + set_double("chi", -inf),
    "wrong_type": set_double("n_workers", 10.0) + set_int("theta", 1) + set_double("seed", 3.0),
    "unknown_name": set_double_raw("thetaa", 0.1) + set_double_raw("", 0.1) + bytes([0, 255]),
    "ints": set_int("n_workers", 1000, True) + set_int("n_firms", 0) + set_int("seed", -1)
    + set_int("n_quad", 201) + set_int("eq_max_iter", 2**62) + copy(),
    "tasks_small": set_tasks(0, [0, 128, 255], [1, 5, 9]) + copy(),
    "tasks_raw": set_tasks(16 | 32, [0.0, 1.0, 0.5], [1e-300, 1e300, 2.0])
    + set_tasks(16 | 32, [1.5], [1.0]) + set_tasks(16 | 32, [0.5], [0.0])
    + set_tasks(16 | 32, [nan], [1.0]) + set_tasks(16 | 32, [0.5, 0.5], [1e308, 1e308]),
    "tasks_null": set_tasks(1, [1], [1]) + set_tasks(2, [1], [1]) + set_tasks(0, [], []),
    "tasks_big": bytes([2, 8]) + struct.pack("<I", 100001) + bytes([2, 8])
    + struct.pack("<I", 100000),
    "queries": query(0, 0) + query(26, 26) + query(27, 27) + query(254, 63)
    + bytes([4, 200, 4]) + b"seed" + struct.pack("<I", 5),
}
os.makedirs(OUT, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds written to {OUT}")
