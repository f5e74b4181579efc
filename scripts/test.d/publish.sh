#!/usr/bin/env bash
# Fast checks of scripts/publish.sh that need no NativeAOT build (a real publish takes minutes and
# runs in scripts/publish.sh itself, and the arm64 one in scripts/test.d/arm64.sh): unknown targets are
# usage errors (exit 2), and without the aarch64 cross toolchain (simulated here by pointing the
# sysroot at a missing folder) the linux-arm64 targets fail with the prerequisites instead of being
# skipped (exit 3).
# Writes "PASSED FAILED" into $EDGEBERT_COUNTS.
set -uo pipefail
cd "$(dirname "$0")/../.."
counts="${EDGEBERT_COUNTS:-/dev/null}"
passed=0 failed=0
check() { # name, expected exit, expected stderr fragment, args...
  local name="$1" want="$2" fragment="$3" err rc
  shift 3
  err="$(scripts/publish.sh "$@" 2>&1 >/dev/null)"; rc=$?
  if [ "$rc" = "$want" ] && [[ "$err" == *"$fragment"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "publish: FAILED $name: exit $rc (want $want), stderr: $err" >&2
  fi
}
check "unknown target" 2 "unknown target 'x86-64-v9'" x86-64-v9
if [ "$(uname -m)" != aarch64 ]; then
  EDGEBERT_AARCH64_SYSROOT=/nonexistent check "arm64 without the cross toolchain" 3 "gcc-aarch64-linux-gnu" linux-arm64
  EDGEBERT_AARCH64_SYSROOT=/nonexistent check "pi5 without the cross toolchain" 3 "missing: /nonexistent/lib/libc.so.6" linux-arm64-pi5
fi
echo "$passed $failed" > "$counts"
echo "publish step: $passed ok, $failed failing"
[ "$failed" = 0 ]
