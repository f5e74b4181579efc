#!/usr/bin/env bash
# CI step: the x86-64 CPU variants (native-aot/variants). The launcher artifacts/bin/edgebert and the
# shim artifacts/native/lib/libedgebert.so must choose the best level this CPU supports (read
# independently from /proc/cpuinfo), run that level's kernels (AVX-512 for x86-64-v4, AVX2 for -v3,
# Vector128 for -v2), obey EDGEBERT_CPU_VARIANT for every lower level, refuse a bad value, fall
# back when a level is not installed, and the shim must export every function the variants do.
# Builds what is missing (scripts/build.sh, native-aot/build.sh). Writes "PASSED FAILED" into
# $EDGEBERT_COUNTS; on a non-x86-64 machine there is nothing to check ("0 0").
set -uo pipefail
cd "$(dirname "$0")/../.."
counts="${EDGEBERT_COUNTS:-/dev/null}"
if [ "$(uname -m)" != x86_64 ]; then
  echo "variants: not an x86-64 machine; nothing to check"; echo "0 0" > "$counts"; exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source scripts/test-lib.sh
fail() { echo "variants: $*" >&2; echo "$passed $((failed + 1))" > "$counts"; exit 1; }

native=artifacts/native
[ -x artifacts/bin/edgebert ] && [ -x artifacts/libexec/edgebert/edgebert-x86-64-v2 ] || scripts/build.sh || fail "scripts/build.sh failed"
[ -f "$native/lib/libedgebert-x86-64-v2.so" ] || native-aot/build.sh || fail "native-aot/build.sh failed"
cc -std=c11 -Wall -Werror -I"$native/include" -o "$work/consumer" tests/package/consumer.c \
  -L"$native/lib" -ledgebert -Wl,-rpath,"$PWD/$native/lib" || fail "building tests/package/consumer.c failed"

# The best level from the CPU's flags as Linux reports them (the oracle; the launcher uses cpuid).
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
has() { local f; for f; do [[ "$flags" == *" $f "* ]] || return 1; done; }
best=0
has cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3 && best=2
[ $best = 2 ] && has avx avx2 bmi1 bmi2 f16c fma abm movbe && best=3
[ $best = 3 ] && has avx512f avx512dq avx512cd avx512bw avx512vl && best=4
[ $best -ge 2 ] || fail "this CPU is below x86-64-v2"
isa_of() { case "$1" in 4) echo Avx512 ;; 3) echo Avx2 ;; 2) echo Vector128 ;; esac; }
echo "variants: this CPU's best level is x86-64-v$best ($(isa_of $best) kernels)"
texts=("Win a free prize now")

# cli_runs LEVEL EXPECTED-REASON [env...]: info names the level and the reason, the kernels are
# that level's, and the README's main job still answers spam.
cli_runs() {
  local level="$1" reason="$2" info; shift 2
  info="$(env "$@" artifacts/bin/edgebert info)" || return 1
  echo "$info" | grep -F "cpu variant: x86-64-v$level ($reason" || { echo "$info"; return 1; }
  echo "$info" | grep -x "kernel isa: $(isa_of "$level") .*" || { echo "$info"; return 1; }
  [ ! -f models/default.ebm ] || env "$@" artifacts/bin/edgebert classify "${texts[@]}" | grep -q "^spam"
}
# lib_runs LEVEL EXPECTED-REASON [env...]: the same through the C library.
lib_runs() {
  local level="$1" reason="$2" out; shift 2
  out="$(env "$@" "$work/consumer" "${model:-models/default.ebm}" "${texts[@]}")" || return 1
  echo "$out" | grep -F "kernels $(isa_of "$level") " || { echo "$out"; return 1; }
  echo "$out" | grep -F "cpu variant x86-64-v$level ($reason" || { echo "$out"; return 1; }
  echo "$out" | grep -q "^spam"
}
model=models/default.ebm
[ -f "$model" ] || model=artifacts/sample.ebm
[ -f "$model" ] || fail "no model to classify with (models/default.ebm or artifacts/sample.ebm)"
# The sample model's labels are not spam/ham: only the shipped model is checked for the answer.
[ "$model" = models/default.ebm ] || texts=()

check "CLI default: x86-64-v$best, $(isa_of $best) kernels" cli_runs "$best" "the best level this CPU supports"
check "C library default: x86-64-v$best, $(isa_of $best) kernels" lib_runs "$best" "the best level this CPU supports"
for level in $(seq 2 "$best"); do
  check "CLI EDGEBERT_CPU_VARIANT=x86-64-v$level: $(isa_of $level) kernels" \
    cli_runs "$level" "forced by EDGEBERT_CPU_VARIANT=x86-64-v$level" EDGEBERT_CPU_VARIANT=x86-64-v$level
  check "C library EDGEBERT_CPU_VARIANT=x86-64-v$level: $(isa_of $level) kernels" \
    lib_runs "$level" "forced by EDGEBERT_CPU_VARIANT=x86-64-v$level" EDGEBERT_CPU_VARIANT=x86-64-v$level
done

check "CLI: a bad EDGEBERT_CPU_VARIANT is one error line and exit 2" bash -c '
  err=$(EDGEBERT_CPU_VARIANT=x86-64-v9 artifacts/bin/edgebert info 2>&1 >/dev/null); code=$?
  [ $code -eq 2 ] && [ "$err" = "edgebert: error: EDGEBERT_CPU_VARIANT='"'x86-64-v9'"' is not one of x86-64-v2, x86-64-v3, x86-64-v4" ]'
check "C library: a bad EDGEBERT_CPU_VARIANT fails every call with INVALID_ARGUMENT (1) and says why" bash -c '
  err=$(EDGEBERT_CPU_VARIANT=avx512 "$1" "$2" 2>&1 >/dev/null); code=$?
  [ $code -eq 1 ] && echo "$err" | grep -q "status 1): libedgebert: EDGEBERT_CPU_VARIANT=.avx512. is not one of"' _ "$work/consumer" "$model"

# Only x86-64-v2 installed: both fall back to it and say that the best level is missing.
mkdir -p "$work/tree/bin" "$work/tree/libexec/edgebert" "$work/tree/lib"
cp artifacts/bin/edgebert "$work/tree/bin/" && cp artifacts/libexec/edgebert/edgebert-x86-64-v2 "$work/tree/libexec/edgebert/"
cp "$native/lib/libedgebert.so" "$native/lib/libedgebert-x86-64-v2.so" "$work/tree/lib/"
if [ "$best" -gt 2 ]; then
  check "CLI with only x86-64-v2 installed falls back to it" bash -c '
    "$1/bin/edgebert" info | grep -F "cpu variant: x86-64-v2 (the best level this CPU supports" | grep -F "x86-64-v$2 is not installed"' _ "$work/tree" "$best"
  check "C library with only x86-64-v2 installed falls back to it" bash -c '
    LD_LIBRARY_PATH="$1/lib" "$2" "$3" | grep -F "cpu variant x86-64-v2 (" | grep -F "x86-64-v$4 is not installed"' _ "$work/tree" "$work/consumer" "$model" "$best"
fi
rm -f "$work/tree/lib/libedgebert-x86-64-v2.so"
check "C library with no variant installed: calls fail with UNSUPPORTED (10) and the reason" bash -c '
  err=$(LD_LIBRARY_PATH="$1/lib" "$2" "$3" 2>&1 >/dev/null); echo "$err"
  echo "$err" | grep -q "status 10): libedgebert: no build for x86-64-v2..x86-64-v. is installed"' _ "$work/tree" "$work/consumer" "$model"

check "the shim exports every function the variants export, under the same symbol version" bash -c '
  exports() { nm -D --defined-only "$1" | awk "\$3 ~ /^edgebert_/ {print \$3}" | sort; }
  [ -n "$(exports "$1/libedgebert-x86-64-v2.so")" ] && diff <(exports "$1/libedgebert-x86-64-v2.so") <(exports "$1/libedgebert.so")' _ "$native/lib"

echo "$passed $failed" > "$counts"
echo "variants step: $passed ok, $failed failing"
[ "$failed" -eq 0 ]
