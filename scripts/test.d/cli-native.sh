#!/usr/bin/env bash
# CI step: the README's build command publishes the NativeAOT CLI and a sample model, and the
# native binary works on it. Writes "PASSED FAILED" to $EDGEBERT_COUNTS.
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0; failed=0
check() { # name, command...
  local name="$1"; shift
  if out=$("$@" 2>&1); then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; echo "$out" | tail -20; fi
}
check "scripts/build.sh publishes the native CLI" scripts/build.sh
check "native binary is an ELF executable" bash -c 'file artifacts/bin/edgebert | grep -q ELF || head -c4 artifacts/bin/edgebert | grep -q ELF'
check "edgebert info" bash -c 'artifacts/bin/edgebert info | grep -q "kernel isa:"'
check "README main job: classify with the embedded default model" bash -c '
  [ ! -f models/default.ebm ] || artifacts/bin/edgebert classify "Win a free prize now" | grep -q "^spam"'
check "start-up: no GC before the first result, every phase traced (EDGEBERT_TRACE_STARTUP)" bash -c '
  [ ! -f models/default.ebm ] || { trace=$(EDGEBERT_TRACE_STARTUP=1 artifacts/bin/edgebert classify "Win a free prize now" 2>&1 >/dev/null) &&
    echo "$trace" | grep -q "model loaded" && echo "$trace" | tail -1 | grep -q "result printed.*GCs gen0/1/2: 0/0/0"; }'
check "a damaged model is one error line and exit 1" bash -c '
  bad=$(mktemp) && head -c 3000 artifacts/sample.ebm > "$bad" && err=$(artifacts/bin/edgebert classify --model "$bad" hello 2>&1 >/dev/null); code=$?; rm -f "$bad"
  [ $code -eq 1 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] && echo "$err" | grep -q "^edgebert: error: "'
check "edgebert inspect on the sample model" bash -c 'artifacts/bin/edgebert inspect artifacts/sample.ebm | grep -q "compression"'
check "edgebert inspect on a missing file exits 1" bash -c 'artifacts/bin/edgebert inspect /nonexistent.ebm; test $? -eq 1'
check "edgebert bench --kernels (smoke, not a timing)" bash -c 'artifacts/bin/edgebert bench --kernels --tokens 4 --budget-ms 1 | grep -q "^w1a1 "'
# Issue 15, in the NativeAOT binary (its argv decoding is the runtime's, not the JIT host's).
check "an unknown option is exit 2 naming the nearest valid one" bash -c '
  err=$(artifacts/bin/edgebert classify --modle x.ebm hi 2>&1 >/dev/null); code=$?
  [ $code -eq 2 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] && echo "$err" | grep -q "unknown option .--modle.; did you mean --model?"'
check "texts starting with @ are literal (no response files)" bash -c '
  artifacts/bin/edgebert tokenize --model artifacts/sample.ebm --json "@everyone you won" @/etc/hostname | grep -q "\"text\":\"@/etc/hostname\""'
check "invalid UTF-8 in an argument is exit 1 naming the argument and byte offset" bash -c '
  err=$(artifacts/bin/edgebert tokenize --model artifacts/sample.ebm "$(printf "ab\xffc")" 2>&1 >/dev/null); code=$?
  [ $code -eq 1 ] && [ "$err" = "edgebert: error: argument 4 is not valid UTF-8: byte offset 2 (0xFF)" ]'
check "--threads beyond the C API limit is exit 2" bash -c '
  artifacts/bin/edgebert classify --model artifacts/sample.ebm --threads 100000 hi 2>/dev/null; test $? -eq 2'
echo "$passed $failed" > "${EDGEBERT_COUNTS:-/dev/null}"
[ "$failed" -eq 0 ]
