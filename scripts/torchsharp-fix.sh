#!/usr/bin/env bash
# Makes TorchSharp's native bridge load where the system libstdc++ is older than GCC 13's
# (Debian 12 has GCC 12's, GLIBCXX up to 3.4.30).
#
# Why: TorchSharp-cpu 0.107.0's libLibTorchSharp.so was linked against GCC 13's libstdc++ and so
# requires the symbol version GLIBCXX_3.4.32 -- for exactly one symbol,
# std::ios_base_library_init() (_ZSt21ios_base_library_initv), which GCC 13 headers make every
# <iostream> user reference. LibTorch's own libraries need nothing newer than Debian 12 has, and a
# newer libstdc++ cannot be borrowed (Debian 13's needs glibc 2.38). Without a fix the first
# torch call fails with "version `GLIBCXX_3.4.32' not found".
#
# What, on the copy the app loads (never on the NuGet cache):
#   1. patchelf --clear-symbol-version _ZSt21ios_base_library_initv: the reference no longer
#      asks for GLIBCXX_3.4.32;
#   2. VER_FLG_WEAK on the GLIBCXX_3.4.32 entry of .gnu.version_r (torchsharp-fix/weaken_verneed.py):
#      glibc's loader then tolerates that the version is absent;
#   3. a tiny libedgebert-iosinit.so beside it (torchsharp-fix/ios_base_library_init.c) defines the
#      symbol as a no-op (GCC <= 12's libstdc++ initialises iostreams itself) and is added with
#      patchelf --add-needed; the bridge's RUNPATH starts with $ORIGIN, so it is found there.
#
# Usage: scripts/torchsharp-fix.sh DIR_OR_FILE...
#   Patches every libLibTorchSharp.so in the given build/publish directories (searched a few levels
#   deep, e.g. bin/Release/net10.0/runtimes/linux-x64/native/) or the given files. Run by the
#   MSBuild target in scripts/torchsharp-fix.targets after each build and publish of a project
#   that references TorchSharp. Idempotent: a patched library (one that already needs the shim)
#   is left alone. Does nothing where the system libstdc++ already provides GLIBCXX_3.4.32, or
#   where the library does not ask for it. Needs patchelf, a C compiler (cc) and python3, which
#   scripts/setup.sh installs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version=GLIBCXX_3.4.32
shim=libedgebert-iosinit.so

[ "$#" -gt 0 ] || { echo "usage: $0 DIR_OR_FILE..." >&2; exit 2; }

# The libstdc++ the loader would pick: ldconfig's cache first, then the usual places.
system_libstdcxx() {
  local path
  path="$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) |
    awk '/libstdc\+\+\.so\.6 .*x86-64/ { print $NF; exit }')" || true
  if [ -z "$path" ]; then
    for candidate in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
      [ -e "$candidate" ] && { path="$candidate"; break; }
    done
  fi
  echo "$path"
}

# EDGEBERT_LIBSTDCXX names another libstdc++ to judge by (scripts/test.d/torchsharp-fix.sh uses it).
libstdcxx="${EDGEBERT_LIBSTDCXX:-$(system_libstdcxx)}"
if [ -n "$libstdcxx" ] && grep -a -q "$version" "$libstdcxx"; then
  exit 0  # GCC 13 or newer: TorchSharp loads as shipped
fi

targets=()
for arg in "$@"; do
  if [ -f "$arg" ]; then
    targets+=("$arg")
  elif [ -d "$arg" ]; then
    while IFS= read -r -d '' f; do targets+=("$f"); done \
      < <(find "$arg" -maxdepth 5 -name libLibTorchSharp.so -type f -print0)
  fi
done
[ "${#targets[@]}" -gt 0 ] || exit 0

for tool in patchelf "${CC:-cc}" python3; do
  command -v "$tool" >/dev/null || {
    echo "torchsharp-fix: $tool is missing (scripts/setup.sh installs it); TorchSharp cannot load on this libstdc++ (${libstdcxx:-not found}) without the fix" >&2
    exit 1
  }
done

for lib in "${targets[@]}"; do
  dir="$(dirname "$lib")"
  if patchelf --print-needed "$lib" | grep -qx "$shim"; then
    continue  # already patched
  fi
  if ! grep -a -q "$version" "$lib"; then
    continue  # a TorchSharp build that does not need GCC 13's libstdc++
  fi
  if [ ! -f "$dir/$shim" ]; then
    "${CC:-cc}" -shared -fPIC -O2 -o "$dir/$shim.tmp" "$here/torchsharp-fix/ios_base_library_init.c"
    mv -f "$dir/$shim.tmp" "$dir/$shim"
  fi
  # Patch a copy and move it into place, so an interrupted run never leaves half a library.
  work="$lib.fixing"
  cp -f "$lib" "$work"
  patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$work"
  python3 "$here/torchsharp-fix/weaken_verneed.py" "$work" "$version"
  patchelf --add-needed "$shim" "$work"
  mv -f "$work" "$lib"
  echo "torchsharp-fix: patched $lib (system libstdc++ lacks $version)"
done
