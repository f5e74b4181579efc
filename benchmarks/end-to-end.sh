#!/usr/bin/env bash
# One run for benchmarks/RESULTS.md (issues #4 and #5): BERT-base (12 layers, hidden 768, 12 heads,
# FFN 3072), one 128-token sequence, batch 1, one thread, for every scheme of ours (BenchmarkDotNet,
# benchmarks/EdgeBert.Benchmarks/Runtime/EncoderBenchmarks.cs) and for PyTorch FP32 (OpenBLAS)
# and PyTorch dynamic int8 on the same shape; the peak RSS of a W1A1 BERT-base classification
# by the native CLI; and trainer throughput (small configuration, 2 threads) next to PyTorch's.
# Run it on a quiet machine; it takes about ten minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/edgebert-e2e}; mkdir -p "$out"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') on $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores); load: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "## PyTorch peers (benchmarks/peers/bert_torch_bench.py)"
/usr/bin/python3 benchmarks/peers/bert_torch_bench.py --runs 10 --warmup 2 --json "$out/torch.json"

echo "## EdgeBert, every scheme (BenchmarkDotNet)"
(cd benchmarks/EdgeBert.Benchmarks && dotnet run -c Release -- --filter '*EncoderBenchmarks*' \
   --job short --launchCount 1 --warmupCount 2 --iterationCount 5 --exporters github --artifacts "$out/bdn") |
  grep -E '^\|' || true

echo "## Peak RSS: native CLI classifying one ~300-token text with a W1A1 BERT-base model (load, tokenize, forward)"
EDGEBERT_CPU_VARIANTS=x86-64-v4 scripts/build.sh >/dev/null
dotnet run --project src/EdgeBert.Trainer -c Release -- random-model --out "$out/w1a1-base.ebm" \
  --scheme w1a1 --layers 12 --hidden 768 --heads 12 --ffn 3072 --max-positions 512 >/dev/null
text=$(printf 'free prize money offer click now %.0s' $(seq 1 30))
/usr/bin/time -f "max RSS %M KB, wall %e s" artifacts/bin/edgebert classify --model "$out/w1a1-base.ebm" "$text"

echo "## Trainer throughput, small configuration, 2 threads"
dotnet run --project src/EdgeBert.Trainer -c Release -- bench
/usr/bin/python3 benchmarks/peers/torch_train_bench.py --threads 2
