#!/usr/bin/env bash
# Checks scripts/torchsharp-fix.sh on a fresh copy of TorchSharp's libLibTorchSharp.so from the
# NuGet cache: the patch sets VER_FLG_WEAK on GLIBCXX_3.4.32, clears the symbol's version and adds
# the shim; a second run changes nothing; and judged by a libstdc++ that has GLIBCXX_3.4.32 the
# library is left as shipped. (That the patched library really loads is TorchSharpLoadTests'
# job.) Writes "PASSED FAILED" into $EDGEBERT_COUNTS.
set -uo pipefail
cd "$(dirname "$0")/../.."
counts="${EDGEBERT_COUNTS:-/dev/null}"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
original="$packages/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so"
passed=0 failed=0
check() {  # check NAME COMMAND...
  if "${@:2}"; then passed=$((passed + 1)); else echo "torchsharp-fix: FAILED: $1" >&2; failed=$((failed + 1)); fi
}
if [ ! -f "$original" ]; then
  echo "torchsharp-fix: $original missing (dotnet restore first)" >&2
  echo "0 1" > "$counts"; exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/patched" "$work/new-enough"
cp "$original" "$work/patched/"
cp "$original" "$work/new-enough/"
printf 'GLIBCXX_3.4.32\n' > "$work/libstdc++-13.so.6"  # all the check reads is the version string

if grep -a -q GLIBCXX_3.4.32 "$(/sbin/ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ { print $NF; exit }')"; then
  echo "torchsharp-fix: this system's libstdc++ has GLIBCXX_3.4.32; judging by an older one is not possible here, patch checks skipped"
else
  lib="$work/patched/libLibTorchSharp.so"
  check "patch runs" bash scripts/torchsharp-fix.sh "$work/patched"
  check "GLIBCXX_3.4.32 is weak" sh -c "readelf -V '$lib' | grep -q 'Name: GLIBCXX_3.4.32  Flags: WEAK'"
  check "the shim is needed" sh -c "patchelf --print-needed '$lib' | grep -qx libedgebert-iosinit.so"
  check "the shim exports the symbol" sh -c "nm -D --defined-only '$work/patched/libedgebert-iosinit.so' | grep -q ' _ZSt21ios_base_library_initv$'"
  check "the symbol asks for no version" sh -c "! readelf --dyn-syms -W '$lib' | grep -q '_ZSt21ios_base_library_initv@'"
  before="$(sha256sum < "$lib")"
  check "second run" bash scripts/torchsharp-fix.sh "$work/patched"
  check "second run changes nothing" test "$before" = "$(sha256sum < "$lib")"
fi
check "new-enough libstdc++ run" env EDGEBERT_LIBSTDCXX="$work/libstdc++-13.so.6" bash scripts/torchsharp-fix.sh "$work/new-enough"
check "new-enough libstdc++ leaves the library as shipped" cmp -s "$original" "$work/new-enough/libLibTorchSharp.so"
check "new-enough libstdc++ builds no shim" test ! -e "$work/new-enough/libedgebert-iosinit.so"
echo "torchsharp-fix: $passed passed, $failed failed"
echo "$passed $failed" > "$counts"
[ "$failed" -eq 0 ]
