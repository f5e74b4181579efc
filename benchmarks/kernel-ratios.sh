#!/usr/bin/env bash
# One side-by-side run for benchmarks/RESULTS.md: the OpenBLAS single-thread SGEMM peer, then
# every GEMM scheme of ours (M = 128, BERT-base shapes, one thread) under the JIT and as the
# NativeAOT x86-64-v4 binary. Run it on a quiet machine; it takes about two minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') on $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## OpenBLAS SGEMM, 1 thread (benchmarks/peers/openblas_sgemm.py)"
/usr/bin/python3 benchmarks/peers/openblas_sgemm.py
dotnet build src/EdgeBert.Cli -c Release -nologo -v q >/dev/null
echo "## edgebert bench --kernels under the JIT (.NET $(dotnet --version))"
dotnet src/EdgeBert.Cli/bin/Release/net10.0/edgebert.dll bench --kernels --budget-ms 400
EDGEBERT_CPU_VARIANTS=x86-64-v4 scripts/build.sh >/dev/null
echo "## edgebert bench --kernels as the NativeAOT x86-64-v4 binary"
artifacts/bin/edgebert bench --kernels --budget-ms 400
