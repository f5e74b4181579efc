#!/usr/bin/env bash
# Publishes libedgebert.so (NativeAOT) and lays out an install tree:
#   artifacts/native/lib/libedgebert.so
#   artifacts/native/include/edgebert.h
#   artifacts/native/lib/pkgconfig/edgebert.pc   (relocatable: prefix is found from the .pc's place)
#   artifacts/native/bin/edgebert-classify       (the C example, built against that tree)
# ISA level: x86-64-v3 (AVX2/FMA) by default; EDGEBERT_ISA_LEVEL=x86-64-v4 for AVX-512,
# x86-64-v2 for old CPUs; armv8-a (Raspberry Pi 4 and 5) or armv8.2-a,dotprod (Pi 5) build for
# linux-arm64, cross-compiled on x86-64 with Debian's aarch64 toolchain (scripts/setup.sh).
# EDGEBERT_NATIVE_PREFIX changes the tree's location.
set -euo pipefail
cd "$(dirname "$0")/.."
level="${EDGEBERT_ISA_LEVEL:-x86-64-v3}"
prefix="${EDGEBERT_NATIVE_PREFIX:-artifacts/native}"
publish="artifacts/obj/native-publish"
rid=linux-x64 strip_tool=strip cc=()
case "$level" in
  armv8*) rid=linux-arm64
          [ "$(uname -m)" = aarch64 ] || { strip_tool=aarch64-linux-gnu-strip; cc=(CC=aarch64-linux-gnu-gcc); } ;;
esac

# StripSymbols=false, then strip only the DWARF: the installed library keeps its symbol table
# (function names for gdb, perf and valgrind; valgrind 3.19 cannot read the runtime's DWARF 5 and
# tests/native/valgrind.supp matches runtime frames by name). EDGEBERT_NATIVE_STRIP=all strips
# everything for the smallest file (about half the size).
# One native intermediate folder per level: ILC would otherwise take another level's up-to-date
# objects and link them unchanged (as scripts/publish.sh found).
# MSBuild splits -p: values at commas: the level list goes in escaped, and folder names use "+".
dotnet publish native-aot/EdgeBert.Native -r "$rid" -c Release -nologo -v q \
  -p:IlcInstructionSet="${level//,/%2C}" -p:StripSymbols=false \
  -p:NativeIntermediateOutputPath="$PWD/artifacts/obj/native-lib-${level//,/+}/" -o "$publish"

mkdir -p "$prefix/lib/pkgconfig" "$prefix/include" "$prefix/bin"
install -m 0755 "$publish/libedgebert.so" "$prefix/lib/libedgebert.so"
if [ "${EDGEBERT_NATIVE_STRIP:-debug}" = all ]; then "$strip_tool" "$prefix/lib/libedgebert.so"
else "$strip_tool" --strip-debug "$prefix/lib/libedgebert.so"; fi
install -m 0644 native-aot/include/edgebert.h "$prefix/include/edgebert.h"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)"
sed "s/@VERSION@/${version:-0.0.0}/" native-aot/edgebert.pc.in > "$prefix/lib/pkgconfig/edgebert.pc"
make -s -C native-aot/examples PREFIX="$(cd "$prefix" && pwd)" "${cc[@]}"
echo "native: $prefix/{lib/libedgebert.so,include/edgebert.h,lib/pkgconfig/edgebert.pc,bin/edgebert-classify} ($rid, $level)"
