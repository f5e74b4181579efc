#!/usr/bin/env bash
# C ABI step: publishes libedgebert.so (native-aot/build.sh: lib, include, pkg-config, C example),
# writes a small random model, builds and runs the C tests (tests/native), then runs the
# C tests again under valgrind memcheck (leaks, invalid accesses; the threads tests included: 4
# threads, one model, a session each, with one kernel thread and with two on the thread pool). Writes "PASSED FAILED" into $EDGEBERT_COUNTS: the C test
# cases, plus one each for the pkg-config file, the C example's parity with the C# API, and the
# valgrind run; with models/default.ebm present, its C test cases and parity check are added.
set -uo pipefail
cd "$(dirname "$0")/../.."
counts="${EDGEBERT_COUNTS:-/dev/null}"
prefix="$PWD/artifacts/native"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() { echo "native: $*" >&2; echo "0 1" > "$counts"; exit 1; }

EDGEBERT_NATIVE_PREFIX="$prefix" native-aot/build.sh || fail "native-aot/build.sh failed"
make -s -C tests/native PREFIX="$prefix" || fail "building the C tests failed"
# The parity check runs one NUnit test; test.sh has built it, a lone run builds it here.
[ -f tests/EdgeBert.Native.Tests/bin/Release/net10.0/EdgeBert.Native.Tests.dll ] ||
  dotnet build tests/EdgeBert.Native.Tests -c Release -nologo -v q > /dev/null || fail "building EdgeBert.Native.Tests failed"

# test.sh has just built the solution, so the trainer is reused when present.
build=()
[ -f src/EdgeBert.Trainer/bin/Release/net10.0/edgebert-train.dll ] && build=(--no-build)
model="$work/native.ebm"
dotnet run --project src/EdgeBert.Trainer -c Release "${build[@]}" -- random-model --out "$model" \
  --layers 2 --hidden 32 --heads 2 --ffn 64 --max-positions 32 --labels neg,neu,pos --seed 7 > /dev/null ||
  fail "edgebert-train random-model failed"

status=0
tests/native/build/test_edgebert "$model" --counts "$work/c.counts" || status=1
[ -s "$work/c.counts" ] || fail "test_edgebert wrote no counts (crashed?)"
read -r passed failed < "$work/c.counts"

# The installed pkg-config file must point at the tree it sits in.
if command -v pkg-config > /dev/null; then
  flags="$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs edgebert)"
  if [ "$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --variable=includedir edgebert)" -ef "$prefix/include" ] &&
     [[ "$flags" == *-ledgebert* ]]; then
    passed=$((passed + 1))
  else
    echo "native: edgebert.pc gives '$flags', not $prefix" >&2; failed=$((failed + 1)); status=1
  fi
else
  echo "native: pkg-config check SKIPPED (pkg-config not installed)"
fi

# The C example must print exactly what the C# API computes for the same texts (one per line of
# tests/native/texts.txt): CExampleParityTests reads its output and compares bit for bit.
# Bit equality needs the same instruction sets on both sides: the library is compiled for
# EDGEBERT_ISA_LEVEL (x86-64-v3 = AVX2 by default), so the JIT side gets AVX-512 switched off
# then (float sums in other widths round differently in the last bits).
mapfile -t texts < tests/native/texts.txt
mask=()
case "${EDGEBERT_ISA_LEVEL:-x86-64-v3}" in
  x86-64-v4) ;;
  x86-64-v3) mask=(DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0) ;;
  *) mask=(DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0 DOTNET_EnableAVX2=0) ;;
esac
parity() { # model file
  if "$prefix/bin/edgebert-classify" "$1" "${texts[@]}" > "$work/example.out" &&
     env "${mask[@]}" EDGEBERT_C_EXAMPLE_MODEL="$1" EDGEBERT_C_EXAMPLE_TEXTS="$PWD/tests/native/texts.txt" \
     EDGEBERT_C_EXAMPLE_OUTPUT="$work/example.out" dotnet test tests/EdgeBert.Native.Tests -c Release --no-build -nologo \
       -v q --filter "FullyQualifiedName~CExampleParityTests" > "$work/parity.out" 2>&1 &&
     grep -q "Passed:     1" "$work/parity.out"; then
    passed=$((passed + 1))
  else
    cat "$work/parity.out" >&2 2>/dev/null
    echo "native: the C example's output on $1 differs from the C# API (or did not run)" >&2
    failed=$((failed + 1)); status=1
  fi
}
parity "$model"

# The shipped trained model, when there is one: the C tests and the parity once more on real weights.
if [ -f models/default.ebm ]; then
  tests/native/build/test_edgebert models/default.ebm --counts "$work/default.counts" || status=1
  if [ -s "$work/default.counts" ]; then
    read -r p f < "$work/default.counts"; passed=$((passed + p)); failed=$((failed + f))
  else
    echo "native: test_edgebert on models/default.ebm wrote no counts (crashed?)" >&2; failed=$((failed + 1)); status=1
  fi
  parity "$PWD/models/default.ebm"
fi

# Valgrind: NativeAOT's GC reserves 256 GiB of address space at start-up, which valgrind refuses,
# so the region range is cut to 1 GiB (hex, as all DOTNET_ GC settings). The suppressions cover
# only the runtime's permanent allocations; see tests/native/valgrind.supp.
if command -v valgrind > /dev/null; then
  if DOTNET_GCRegionRange=40000000 valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,possible \
       --error-exitcode=99 --suppressions=tests/native/valgrind.supp \
       tests/native/build/test_edgebert "$model" > "$work/valgrind.out" 2>&1; then
    passed=$((passed + 1))
  else
    cat "$work/valgrind.out" >&2
    echo "native: valgrind found errors or leaks in the C tests" >&2
    failed=$((failed + 1)); status=1
  fi
elif [ "${CI:-}" = "true" ]; then
  echo "native: valgrind is not installed (CI installs it); failing" >&2
  failed=$((failed + 1)); status=1
else
  echo "native: valgrind SKIPPED (not installed)"
fi

echo "$passed $failed" > "$counts"
echo "native step: $passed ok, $failed failing"
exit $status
