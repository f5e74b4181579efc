#!/usr/bin/env bash
# Issue #13's one-run comparison of EdgeBert with the runtimes a user already has, on the same
# BERT-base weights and inputs (12 layers, hidden 768, 12 heads, FFN 3072, random N(0, 0.02)
# weights from one seed):
#   latency     one 128-token sequence, batch 1, at 1 and 2 threads;
#   throughput  32 texts of 16-128 tokens (sequences/s), EdgeBert's ClassifyBatch against each
#               peer's best of three batch plans (own length / sorted batches of 8 / one padded batch);
# for EdgeBert FP32, W8A8, W2A8, W1A8, W1A1 (benchmarks/EdgeBert.Peers, JIT), PyTorch 1.13 FP32
# (OpenBLAS) and dynamic int8 (benchmarks/peers/bert_torch_bench.py), and ONNX Runtime 1.32 from
# C# on the FP32 export and its dynamic-int8 rewrite (benchmarks/peers/export_onnx.py). Then a
# markdown report with ratios and the sanity checks (same logits, int8 close to FP32).
#
#   benchmarks/end-to-end.sh [--quick] [--extras] [--rounds N] [OUT]      (OUT defaults to /tmp/edgebert-e2e)
#
# The engines run in N rounds (default 3) of 4 timed runs and 1 batch pass each, in the order
# PyTorch, ONNX Runtime, EdgeBert and reversed in every other round, so a host that slows down or
# speeds up during the ~12 minutes (a shared VM does) weighs on every engine alike; the report
# takes each engine's median of its round medians and its fastest run of all rounds.
#
#   --quick   2 layers, 3 runs and 1 batch pass per round, 1 round unless --rounds: checks that everything works (a minute or two)
#   --rounds  rounds of every engine (1 runs each engine once, with 10 runs and 3 batch passes)
#   --extras  also the peak RSS of the native CLI (W1A1 BERT-base) and the trainer throughput
#             (issues #4 and #5), which add a NativeAOT build and a few minutes
# Run it on a quiet machine: 3 rounds took 19 minutes on 2 cores (2026-12-04), --rounds 1 about
# 11 (under load 30-50 a single round took over 40). Models (~1 GB) are cached under
# artifacts/end-to-end/ (git-ignored) and rebuilt when their generators change.
set -euo pipefail
cd "$(dirname "$0")/.."
args="$*"
quick=0 extras=0 out=/tmp/edgebert-e2e rounds=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --extras) extras=1 ;;
    --rounds)
      rounds=${2:-}
      [[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "end-to-end.sh: --rounds needs a positive whole number" >&2; exit 2; }
      shift ;;
    -*) echo "end-to-end.sh: unknown option $1 (use --quick, --extras, --rounds N, OUT)" >&2; exit 2 ;;
    *) out=$1 ;;
  esac
  shift
done
layers=12 runs=4 batch_runs=1 warmup_ms=1000
[ $quick = 1 ] && rounds=${rounds:-1}
rounds=${rounds:-3}
[ "$rounds" = 1 ] && runs=10 batch_runs=3
[ $quick = 1 ] && layers=2 runs=3 batch_runs=1 warmup_ms=200
threads=1,2
python=/usr/bin/python3
mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.log "$out/loads.txt"
start=$SECONDS
progress() { printf '[%s +%3ds, load %s] %s\n' "$(date -u +%T)" $((SECONDS - start)) "$(cut -d' ' -f1 /proc/loadavg)" "$*" >&2; }
load_before() { echo "$1 $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/loads.txt"; }

# The peers run without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE from the caller's environment (only in
# their own commands); the OpenBLAS kernels are then the fastest of a quick probe, recorded below.
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores), $(uname -sr)"
  echo "command: benchmarks/end-to-end.sh $args"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src benchmarks || echo ' (with local changes)')"
  echo "uptime: $(uptime)"
  echo "caller OPENBLAS_CORETYPE: ${OPENBLAS_CORETYPE-(unset)}; OPENBLAS_L2_SIZE: ${OPENBLAS_L2_SIZE-(unset)} (both unset for the peers)"
} > "$out/header.txt"
cat "$out/header.txt" >&2

progress "building benchmarks/EdgeBert.Peers (Release)"
dotnet build benchmarks/EdgeBert.Peers -c Release -nologo -v q >/dev/null
harness=(dotnet benchmarks/EdgeBert.Peers/bin/Release/net10.0/EdgeBert.Peers.dll)

# Model files: the FP32 .ebm the peers load, the inputs, and the two ONNX models; reused while the
# code that generates them is unchanged.
cache=artifacts/end-to-end/L$layers
stamp=$(cat benchmarks/EdgeBert.Peers/BenchShape.cs benchmarks/EdgeBert.Peers/BenchInputs.cs \
  src/EdgeBert.Tooling/RandomBert.cs benchmarks/peers/export_onnx.py scripts/torch/bert_reference.py | sha256sum | cut -c1-16)
if [ "$(cat "$cache/stamp" 2>/dev/null)" != "$stamp" ] || [ ! -f "$cache/bert-int8.onnx" ]; then
  rm -rf "$cache"; mkdir -p "$cache"
  progress "writing the $layers-layer FP32 model and inputs ($cache)"
  "${harness[@]}" prepare --out "$cache" --layers "$layers"
  progress "exporting ONNX FP32 and rewriting it to dynamic int8 (torch.onnx.export, python3-onnx)"
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $python benchmarks/peers/export_onnx.py --model "$cache/model-fp32.ebm" --out "$cache"
  echo "$stamp" > "$cache/stamp"
else
  progress "reusing the models in $cache"
fi

peer_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
progress "probing OpenBLAS kernel sets for the PyTorch FP32 peer"
core=$("${peer_env[@]}" $python benchmarks/peers/openblas_core.py)
[ -n "$core" ] && peer_env+=(OPENBLAS_CORETYPE="$core")
echo "openblas: ${core:-automatic}" >> "$out/header.txt"

counts=(--runs "$runs" --batch-runs "$batch_runs")
echo "rounds: $rounds (engines interleaved, order reversed every other round; $runs timed runs and $batch_runs batch passes per round)" >> "$out/header.txt"
run_torch() {
  for t in ${threads//,/ }; do
    progress "round $1/$rounds: PyTorch FP32 and dynamic int8, $t thread(s)"
    load_before "torch-$t$2"
    "${peer_env[@]}" $python benchmarks/peers/bert_torch_bench.py --model "$cache/model-fp32.ebm" --inputs "$cache/inputs.json" \
      --threads "$t" "${counts[@]}" --warmup 2 --batch-strategies own-length,sorted-8,padded-32 --json "$out/torch-$t$2.json" > "$out/torch-$t$2.log"
  done
}
run_ort() {
  for variant in fp32 int8; do
    progress "round $1/$rounds: ONNX Runtime $variant, threads $threads"
    load_before "ort-$variant$2"
    "${peer_env[@]}" "${harness[@]}" ort --dir "$cache" --model "$cache/bert-$variant.onnx" --variant "$variant" --threads "$threads" \
      "${counts[@]}" --warmup-ms "$warmup_ms" --optimized-model "$out/bert-$variant.ort-optimized.onnx" --json "$out/ort-$variant$2.json"
  done
}
run_edgebert() {
  progress "round $1/$rounds: EdgeBert FP32, W8A8, W2A8, W1A8, W1A1, threads $threads"
  load_before "edgebert$2"
  "${harness[@]}" edgebert --dir "$cache" --threads "$threads" "${counts[@]}" --warmup-ms "$warmup_ms" --json "$out/edgebert$2.json"
}
for ((r = 1; r <= rounds; r++)); do
  suffix=""; [ "$rounds" -gt 1 ] && suffix=".r$r"
  if (( r % 2 )); then run_torch $r "$suffix"; run_ort $r "$suffix"; run_edgebert $r "$suffix"
  else run_edgebert $r "$suffix"; run_ort $r "$suffix"; run_torch $r "$suffix"; fi
done

progress "report"
$python benchmarks/peers/report.py "$out" | tee "$out/report.md"
rm -f "$out"/*.ort-optimized.onnx

if [ $extras = 1 ]; then
  echo "## Peak RSS: native CLI classifying one ~300-token text with a W1A1 BERT-base model (load, tokenize, forward)"
  EDGEBERT_CPU_VARIANTS=x86-64-v4 scripts/build.sh >/dev/null
  dotnet run --project src/EdgeBert.Trainer -c Release -- random-model --out "$out/w1a1-base.ebm" \
    --scheme w1a1 --layers 12 --hidden 768 --heads 12 --ffn 3072 --max-positions 512 >/dev/null
  text=$(printf 'free prize money offer click now %.0s' $(seq 1 30))
  /usr/bin/time -f "max RSS %M KB, wall %e s" artifacts/bin/edgebert classify --model "$out/w1a1-base.ebm" "$text"
  echo "## Trainer throughput, small configuration, 2 threads"
  dotnet run --project src/EdgeBert.Trainer -c Release -- bench
  $python benchmarks/peers/torch_train_bench.py --threads 2
fi
progress "done in $((SECONDS - start)) s; results in $out"
