#!/usr/bin/env bash
# Self-check of the peer harness of benchmarks/end-to-end.sh (issue #13): builds
# benchmarks/EdgeBert.Peers (not in the solution; a build failure counts as one failed test) and
# runs benchmarks/peers/test_peers.py (int8 ONNX rewrite, batch plans). Writes "PASSED FAILED"
# into $EDGEBERT_COUNTS. Without torch and onnx in /usr/bin/python3 the step fails under CI=true
# (scripts/setup.sh installs python3-torch and python3-onnx) and is reported skipped otherwise.
set -uo pipefail
cd "$(dirname "$0")/../.."
counts="${EDGEBERT_COUNTS:-/dev/null}"
python="${EDGEBERT_TORCH_PYTHON:-/usr/bin/python3}"

source scripts/test-python.sh
require_python peers "torch numpy onnx" "python3-torch python3-onnx"

if ! dotnet build benchmarks/EdgeBert.Peers -c Release -nologo -v q; then
  echo "peers: benchmarks/EdgeBert.Peers does not build" >&2
  echo "0 1" > "$counts"
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$python" benchmarks/peers/test_peers.py --counts "$work/unittest.counts"
status=$?
if [ -s "$work/unittest.counts" ]; then
  cp "$work/unittest.counts" "$counts"
else
  echo "peers: test_peers.py wrote no counts (crashed?)" >&2
  echo "0 1" > "$counts"
  status=1
fi
exit $status
