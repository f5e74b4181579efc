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
# the levels built (scripts/native-common.sh). EDGEBERT_NATIVE_PREFIX changes the tree's location.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/native-common.sh
prefix="${EDGEBERT_NATIVE_PREFIX:-artifacts/native}"
version="$(edgebert_version)"
mkdir -p "$prefix/lib" "$prefix/bin"

# StripSymbols=false, then strip only the DWARF: the installed library keeps its symbol table
# (function names for gdb, perf and valgrind; valgrind 3.19 cannot read the runtime's DWARF 5 and
# tests/native/valgrind.supp matches runtime frames by name). EDGEBERT_NATIVE_STRIP=all strips
# everything for the smallest file (about half the size).
install_library() { # published .so, installed name
  install -m 0755 "$1" "$prefix/lib/$2"
  if [ "${EDGEBERT_NATIVE_STRIP:-debug}" = all ]; then strip "$prefix/lib/$2"
  else strip --strip-debug "$prefix/lib/$2"; fi
}

if [ "$(uname -m)" = x86_64 ]; then
  levels="$(edgebert_x86_levels)"
  rm -f "$prefix"/lib/libedgebert-x86-64-v*.so
  for level in $levels; do
    publish_x86_variant native-aot/EdgeBert.Native "$level" "artifacts/obj/native-publish-$level" -p:StripSymbols=false
    install_library "artifacts/obj/native-publish-$level/libedgebert.so" "libedgebert-$level.so"
  done
  make -s -C native-aot/variants shim LIB="$(cd "$prefix/lib" && pwd)" VERSION="$version"
  built="lib/libedgebert.so (shim) + lib/libedgebert-{$(echo $levels | tr ' ' ,)}.so"
else
  dotnet publish native-aot/EdgeBert.Native -c Release -nologo -v q -p:StripSymbols=false -o artifacts/obj/native-publish
  install_library artifacts/obj/native-publish/libedgebert.so libedgebert.so
  built="lib/libedgebert.so ($(uname -m))"
fi

install_dev_files "$prefix" "$version"
make -s -C native-aot/examples PREFIX="$(cd "$prefix" && pwd)"
echo "native: $prefix: $built, include/edgebert.h, lib/pkgconfig/edgebert.pc, lib/cmake/EdgeBert, bin/edgebert-classify"
