"""Picks the OpenBLAS kernel set (OPENBLAS_CORETYPE) that runs the PyTorch peer fastest here.

OpenBLAS 0.3.21 (Debian 12) picks its kernels from the CPU model at load time and falls back to
"Prescott" (SSE3, ~7 GFLOP/s) for models it does not know, such as recent Xeons: the FP32 peer
would then be ~10x slower than it can be. This script times one BERT-base SGEMM (128 x 768 x
3072, one thread, numpy: the same libopenblas torch loads) with the automatic choice and with
each candidate forced, in a child process each, and prints the fastest candidate's name on
stdout (empty when the automatic choice is fastest); a table goes to stderr. Run it with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (benchmarks/end-to-end.sh does).

    /usr/bin/python3 benchmarks/peers/openblas_core.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

CANDIDATES = ("", "SapphireRapids", "Cooperlake", "SkylakeX", "Haswell", "Zen")

PROBE = """
import ctypes, json, os, time
import numpy as np
library = next(line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.split()[-1])
blas = ctypes.CDLL(library)
blas.openblas_get_corename.restype = ctypes.c_char_p
a = np.random.default_rng(1).random((128, 768), dtype=np.float32)
b = np.random.default_rng(2).random((768, 3072), dtype=np.float32)
a @ b
best = min((lambda t: (a @ b, time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(15))
print(json.dumps({"corename": blas.openblas_get_corename().decode(), "gflops": 2 * 128 * 768 * 3072 / best / 1e9}))
"""


def probe(coretype: str) -> dict | None:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        return None
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # A forced name OpenBLAS does not know falls back to another core: not a candidate of its own.
    if coretype and result["corename"].lower() != coretype.lower():
        return None
    return result


def main() -> int:
    results = {c: probe(c) for c in CANDIDATES}
    usable = {c: r for c, r in results.items() if r is not None}
    if not usable:
        print("openblas_core: no probe ran (is numpy with OpenBLAS installed?)", file=sys.stderr)
        return 1
    best = max(usable, key=lambda c: usable[c]["gflops"])
    for c, r in results.items():
        label = c or "(automatic)"
        line = "not available" if r is None else f"{r['corename']:<16} {r['gflops']:7.1f} GFLOP/s"
        print(f"  OPENBLAS_CORETYPE={label:<16} {line}{'   <- fastest' if c == best else ''}", file=sys.stderr)
    print(best)
    return 0


if __name__ == "__main__":
    sys.exit(main())
