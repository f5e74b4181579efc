#!/usr/bin/env bash
# Self-check of the Python side of the PyTorch parity (scripts/torch): writes a small random FP32
# model with the trainer, then runs scripts/torch/test_reference.py on it (.ebm reader, reference
# network, float32 vs float64, CLI). Writes "PASSED FAILED" into $EDGEBERT_COUNTS.
# Without torch in /usr/bin/python3 the step fails under CI=true and is reported skipped otherwise.
set -uo pipefail
cd "$(dirname "$0")/../.."
counts="${EDGEBERT_COUNTS:-/dev/null}"
python="${EDGEBERT_TORCH_PYTHON:-/usr/bin/python3}"  # overridable to check the no-torch path

source scripts/test-python.sh
require_python torch-reference "torch numpy" "python3-torch"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
model="$work/random.ebm"
# test.sh has just built the solution, so the trainer is reused when present. The options are the
# ones RANDOM_OPTIONS in test_reference.py expects.
build=()
[ -f src/EdgeBert.Trainer/bin/Release/net10.0/edgebert-train.dll ] && build=(--no-build)
if ! dotnet run --project src/EdgeBert.Trainer -c Release "${build[@]}" -- random-model --out "$model" \
     --layers 2 --hidden 48 --heads 4 --ffn 80 --max-positions 40 --labels neg,neu,pos --seed 7; then
  echo "torch-reference: edgebert-train random-model failed" >&2
  echo "0 1" > "$counts"
  exit 1
fi

EDGEBERT_TEST_EBM="$model" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
  "$python" scripts/torch/test_reference.py --counts "$work/unittest.counts"
status=$?
if [ -s "$work/unittest.counts" ]; then
  cp "$work/unittest.counts" "$counts"
else
  echo "torch-reference: test_reference.py wrote no counts (crashed?)" >&2
  echo "0 1" > "$counts"
  status=1
fi
exit $status
