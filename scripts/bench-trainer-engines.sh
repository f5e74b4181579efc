#!/usr/bin/env bash
# Training throughput (forward+backward tokens/s) of the same BERT configuration on the trainer
# (TorchSharp/LibTorch 2.10; its classic engine, its own autograd, was removed in issue 14) and on PyTorch 1.13
# (Debian's python3-torch, benchmarks/peers/torch_train_bench.py), one after the other in one run,
# with the machine's load printed before each (figures from a shared machine are only comparable
# within one run). Arguments are passed to both, e.g. the SpamAssassin teacher:
#   scripts/bench-trainer-engines.sh --layers 2 --hidden 128 --heads 2 --ffn 512 --seq-len 128 --batch-size 16 --vocab-size 8000 --threads 2
# The torch engine sets OMP_WAIT_POLICY=PASSIVE for itself (Torch/TorchRuntime.cs: spinning OpenMP
# workers are 15x slower on a shared machine); PyTorch gets the same setting here unless the caller
# set one, so both LibTorch users wait the same way.
# Build first: dotnet build src/EdgeBert.Trainer -c Release
set -euo pipefail
cd "$(dirname "$0")/.."
trainer=src/EdgeBert.Trainer/bin/Release/net10.0/edgebert-train.dll
[ -f "$trainer" ] || { echo "build the trainer first: dotnet build src/EdgeBert.Trainer -c Release" >&2; exit 1; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$trainer" bench "$@"
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
  OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" /usr/bin/python3 benchmarks/peers/torch_train_bench.py "$@"
else
  echo "PyTorch (python3-torch) not installed: skipped"
fi
