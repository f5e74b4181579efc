#!/usr/bin/env bash
# Publishes libedgebert.so (NativeAOT) and lays out an install tree:
#   artifacts/native/lib/libedgebert.so
#   artifacts/native/include/edgebert.h
#   artifacts/native/lib/pkgconfig/edgebert.pc   (relocatable: prefix is found from the .pc's place)
#   artifacts/native/lib/cmake/EdgeBert/         (find_package(EdgeBert): target EdgeBert::edgebert)
#   artifacts/native/bin/edgebert-classify       (the C example, built against that tree)
# On x86-64, lib/libedgebert.so is a small C shim (native-aot/variants/shim.c) that loads the
# best of lib/libedgebert-x86-64-v{2,3,4}.so for the CPU on the first call (EDGEBERT_CPU_VARIANT
# forces a lower one; edgebert_system_info() says which and why). EDGEBERT_CPU_VARIANTS limits
# the levels built (scripts/native-common.sh).
# EDGEBERT_ISA_LEVEL=armv8-a (Raspberry Pi 4 and 5) or armv8.2-a,dotprod (Pi 5) builds one
# linux-arm64 library instead, cross-compiled on x86-64 with Debian's aarch64 toolchain
# (scripts/setup.sh). EDGEBERT_NATIVE_PREFIX changes the tree's location.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/native-common.sh
prefix="${EDGEBERT_NATIVE_PREFIX:-artifacts/native}"
version="$(edgebert_version)"
arm_level=""
case "${EDGEBERT_ISA_LEVEL:-}" in
  armv8*) arm_level="$EDGEBERT_ISA_LEVEL" ;;
  "") [ "$(uname -m)" = aarch64 ] && arm_level=armv8-a ;;
  *) echo "native: EDGEBERT_ISA_LEVEL '$EDGEBERT_ISA_LEVEL' is not an arm64 level (x86-64 builds use EDGEBERT_CPU_VARIANTS)" >&2; exit 2 ;;
esac
strip_tool=strip cc=()
if [ -n "$arm_level" ] && [ "$(uname -m)" != aarch64 ]; then strip_tool=aarch64-linux-gnu-strip; cc=(CC=aarch64-linux-gnu-gcc); fi
mkdir -p "$prefix/lib" "$prefix/bin"

# StripSymbols=false, then strip only the DWARF: the installed library keeps its symbol table
# (function names for gdb, perf and valgrind; valgrind 3.19 cannot read the runtime's DWARF 5 and
# tests/native/valgrind.supp matches runtime frames by name). EDGEBERT_NATIVE_STRIP=all strips
# everything for the smallest file (about half the size).
install_library() { # published .so, installed name
  install -m 0755 "$1" "$prefix/lib/$2"
  if [ "${EDGEBERT_NATIVE_STRIP:-debug}" = all ]; then "$strip_tool" "$prefix/lib/$2"
  else "$strip_tool" --strip-debug "$prefix/lib/$2"; fi
}

if [ -z "$arm_level" ]; then
  levels="$(edgebert_x86_levels)"
  rm -f "$prefix"/lib/libedgebert-x86-64-v*.so
  for level in $levels; do
    publish_x86_variant native-aot/EdgeBert.Native "$level" "artifacts/obj/native-publish-$level" -p:StripSymbols=false
    install_library "artifacts/obj/native-publish-$level/libedgebert.so" "libedgebert-$level.so"
  done
  make -s -C native-aot/variants shim LIB="$(cd "$prefix/lib" && pwd)" VERSION="$version"
  built="lib/libedgebert.so (shim) + lib/libedgebert-{$(echo $levels | tr ' ' ,)}.so"
else
  # One native intermediate folder per level: ILC would otherwise take another level's up-to-date
  # objects and link them unchanged. MSBuild splits -p: values at commas: the level list goes in
  # escaped, and folder names use "+".
  publish="artifacts/obj/native-publish-${arm_level//,/+}"
  dotnet publish native-aot/EdgeBert.Native -r linux-arm64 -c Release -nologo -v q \
    -p:IlcInstructionSet="${arm_level//,/%2C}" -p:StripSymbols=false \
    -p:NativeIntermediateOutputPath="$PWD/artifacts/obj/native-lib-${arm_level//,/+}/" -o "$publish"
  install_library "$publish/libedgebert.so" libedgebert.so
  built="lib/libedgebert.so (linux-arm64, $arm_level)"
fi

install_dev_files "$prefix" "$version"
make -s -C native-aot/examples PREFIX="$(cd "$prefix" && pwd)" "${cc[@]}"
echo "native: $prefix: $built, include/edgebert.h, lib/pkgconfig/edgebert.pc, lib/cmake/EdgeBert, bin/edgebert-classify"
