#!/usr/bin/env bash
# The C# encoder against the PyTorch reference (scripts/torch/bert_reference.py) on FP32 random
# models (the reference refuses activation-quantized schemes; those are held to the scalar
# reference in tests/EdgeBert.Core.Tests/Model). For each model: logits within 1e-5 absolute,
# pooled vectors and last hidden states within 1e-4. Writes "PASSED FAILED" into $EDGEBERT_COUNTS.
# Without torch in /usr/bin/python3 the step fails under CI=true and is reported skipped otherwise.
set -uo pipefail
cd "$(dirname "$0")/../.."
counts="${EDGEBERT_COUNTS:-/dev/null}"
python="${EDGEBERT_TORCH_PYTHON:-/usr/bin/python3}"

source scripts/test-python.sh
require_python encoder-torch "torch numpy" "python3-torch"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
trainer=(dotnet src/EdgeBert.Trainer/bin/Release/net10.0/edgebert-train.dll)
cli=(dotnet src/EdgeBert.Cli/bin/Release/net10.0/edgebert.dll)
if [ ! -f "${trainer[1]}" ] || [ ! -f "${cli[1]}" ]; then
  dotnet build src/EdgeBert.Cli -c Release -nologo -v q && dotnet build src/EdgeBert.Trainer -c Release -nologo -v q || {
    echo "encoder-torch: build failed" >&2; echo "0 1" > "$counts"; exit 1; }
fi

# Sequences of lengths 2, 5, 17 and 40 (the maximum), one sentence pair; ids < 183 (the generated vocabulary).
cat > "$work/ids.json" <<'JSON'
[{"ids": [2, 3]},
 {"ids": [2, 57, 101, 140, 3]},
 {"ids": [2, 11, 12, 13, 14, 15, 16, 17, 3, 120, 121, 122, 123, 124, 125, 126, 3], "type_ids": [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]},
 {"ids": [2, 180, 179, 178, 177, 176, 175, 174, 173, 172, 171, 170, 169, 168, 167, 166, 165, 164, 163, 162, 161, 160, 159, 158, 157, 156, 155, 154, 153, 152, 151, 150, 149, 148, 147, 146, 145, 144, 143, 3]}]
JSON

passed=0 failed=0
run_case() {
  local name="$1"; shift
  local model="$work/$name.ebm"
  if ! "${trainer[@]}" random-model --out "$model" --max-positions 40 --labels neg,neu,pos "$@" > /dev/null \
     || ! "${cli[@]}" classify --model "$model" --ids "$work/ids.json" --reference-json "$work/$name.runtime.json" --hidden \
     || ! OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$python" scripts/torch/bert_reference.py logits \
          --model "$model" --input "$work/ids.json" --output "$work/$name.torch.json" --hidden; then
    echo "encoder-torch: $name: a command failed" >&2
    failed=$((failed + 1))
    return
  fi
  if "$python" - "$work/$name.torch.json" "$work/$name.runtime.json" "$name" <<'PY'
import json, sys
import numpy as np
expected, actual = (json.load(open(p)) for p in sys.argv[1:3])
worst = {}
for key, atol in (("logits", 1e-5), ("pooled", 1e-4)):
    worst[key] = float(np.abs(np.array(expected[key]) - np.array(actual[key])).max())
    ok_key = worst[key] <= atol
    if not ok_key:
        print(f"encoder-torch: {sys.argv[3]}: {key} differ by {worst[key]:.3g} > {atol}", file=sys.stderr)
        sys.exit(1)
worst["hidden"] = max(float(np.abs(np.array(e) - np.array(a)).max()) for e, a in zip(expected["hidden"], actual["hidden"]))
if worst["hidden"] > 1e-4:
    print(f"encoder-torch: {sys.argv[3]}: hidden states differ by {worst['hidden']:.3g} > 1e-4", file=sys.stderr)
    sys.exit(1)
print(f"encoder-torch: {sys.argv[3]}: ok (largest differences: " + ", ".join(f"{k} {v:.2g}" for k, v in worst.items()) + ")")
PY
  then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

run_case gelu --layers 2 --hidden 48 --heads 4 --ffn 80 --seed 7
run_case relu --layers 3 --hidden 64 --heads 8 --ffn 96 --activation relu --seed 8
run_case odd --layers 1 --hidden 70 --heads 7 --ffn 99 --seed 9
# A width-pruned model (metadata headSize): one head of 32 dimensions on hidden 48.
run_case pruned --layers 2 --hidden 48 --heads 1 --head-size 32 --ffn 40 --seed 10

echo "$passed $failed" > "$counts"
[ "$failed" -eq 0 ]
