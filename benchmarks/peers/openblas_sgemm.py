#!/usr/bin/env python3
"""Peer baseline for benchmarks/EdgeBert.Benchmarks/Kernels/SgemmBenchmarks.cs.

FP32 GEMM y[M, N] = x[M, K] @ W[N, K].T at the BERT-base shapes, ONE thread, through
OpenBLAS (numpy and PyTorch 1.13 both link Debian's libopenblas0-pthread; without it torch
falls back to a reference BLAS that is ~30x slower, so this script checks and warns).

Run:  /usr/bin/python3 benchmarks/peers/openblas_sgemm.py [--repeats 20]
Prints one line per library and shape: GFLOP/s (2 FLOP per MAC) and GMAC/s, best of N.
"""
import argparse
import os

# Pin every BLAS to one thread before numpy/torch load their libraries.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import time  # noqa: E402

import numpy as np  # noqa: E402

M = 128
SHAPES = [(768, 768), (768, 3072), (3072, 768)]  # (K, N)


def best_seconds(fn, repeats):
    fn()  # warm-up: first call allocates and faults in the buffers
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def report(library, k, n, seconds):
    macs = M * k * n
    if 2 * macs / seconds < 10e9:
        print("WARNING: under 10 GFLOP/s looks like the reference BLAS; install libopenblas0-pthread")
    print(f"{library:6s} M={M} K={k:5d} N={n:5d}  {2 * macs / seconds / 1e9:8.1f} GFLOP/s"
          f"  {macs / seconds / 1e9:8.1f} GMAC/s  {seconds * 1e3:8.3f} ms")


def blas_name():
    try:
        info = np.show_config(mode="dicts")  # numpy >= 1.25
        return str(info.get("Build Dependencies", {}).get("blas", {}).get("name", "unknown"))
    except TypeError:
        return "see numpy.show_config()"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(42)
    print(f"numpy {np.__version__} (BLAS: {blas_name()}), 1 thread")
    for k, n in SHAPES:
        x = rng.standard_normal((M, k), dtype=np.float32)
        w = rng.standard_normal((n, k), dtype=np.float32)
        out = np.empty((M, n), dtype=np.float32)
        report("numpy", k, n, best_seconds(lambda: np.matmul(x, w.T, out=out), args.repeats))
    try:
        import torch
    except ImportError:
        print("torch not importable with this interpreter (use /usr/bin/python3)")
        return
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, threads={torch.get_num_threads()}")
    with torch.no_grad():
        for k, n in SHAPES:
            x = torch.randn(M, k)
            w = torch.randn(n, k)
            report("torch", k, n, best_seconds(lambda: torch.nn.functional.linear(x, w), args.repeats))


if __name__ == "__main__":
    main()
