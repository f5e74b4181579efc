#!/usr/bin/env bash
# Fast checks of scripts/publish.sh that need no NativeAOT build (a real publish takes minutes and
# runs in scripts/publish.sh itself): unknown targets are usage errors (exit 2), and without the
# arm64 packs the linux-arm64 targets fail with the prerequisites instead of being skipped (exit 3).
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
if [ "$(uname -m)" != aarch64 ] && [ ! -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.netcore.app.runtime.linux-arm64" ]; then
  check "arm64 without packs" 3 "The arm64 build is untested" linux-arm64
  check "pi5 without packs" 3 "runtime.linux-arm64.microsoft.dotnet.ilcompiler" linux-arm64-pi5
fi
echo "$passed $failed" > "$counts"
echo "publish step: $passed ok, $failed failing"
[ "$failed" = 0 ]
