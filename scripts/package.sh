#!/usr/bin/env bash
# Makes the release packages in artifacts/release (one command for all three):
#   edgebert-<version>-linux-x64.tar.gz    bin/edgebert (launcher) + libexec/edgebert/edgebert-x86-64-v{2,3,4},
#                                          lib/libedgebert.so (shim) + lib/libedgebert-x86-64-v{2,3,4}.so,
#   edgebert-<version>-linux-arm64.tar.gz  bin/edgebert and lib/libedgebert.so for armv8-a (Raspberry Pi 4/5);
#                                          both with include/edgebert.h, lib/pkgconfig/edgebert.pc,
#                                          lib/cmake/EdgeBert/ (EdgeBert::edgebert), bin/edgebert-classify (x64),
#                                          models/*.ebm + models/README.md, README.md and LICENSE;
#   EdgeBert.<version>.nupkg               NuGet package `EdgeBert` (the runtime library, src/EdgeBert.Core).
# Usage: scripts/package.sh [linux-x64] [linux-arm64] [nuget]
#   No argument: all three; linux-arm64 is then skipped, with the reason, when scripts/publish.sh
#   reports its cross-build prerequisites missing (exit 3). A target named explicitly must succeed.
# Installing an archive: unpack it anywhere (e.g. into /opt, or with --strip-components=1 into
# /usr/local); pkg-config and CMake find the prefix from their own files' location.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/native-common.sh
version="$(edgebert_version)"
release=artifacts/release
explicit=$#
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux-x64 linux-arm64 nuget)

# stage_common DIR: what every archive holds besides the binaries.
stage_common() {
  local dir="$1"
  install_dev_files "$dir" "$version"
  mkdir -p "$dir/models"
  install -m 0644 models/*.ebm models/README.md "$dir/models/"
  install -m 0644 README.md LICENSE "$dir/"
}

# archive NAME: artifacts/release/NAME.tar.gz from artifacts/release/stage/NAME (files owned by root, sorted).
archive() {
  tar -C "$release/stage" --sort=name --owner=0 --group=0 --numeric-owner -czf "$release/$1.tar.gz" "$1"
  printf 'package: %-48s %s bytes\n' "$release/$1.tar.gz" "$(stat -c %s "$release/$1.tar.gz")"
}

# linux-x64 from scripts/build.sh (artifacts/bin, artifacts/libexec) and native-aot/build.sh
# (artifacts/native), which it runs first unless EDGEBERT_PACKAGE_PREBUILT=1 says that they have
# just been run on this checkout (CI's package step: the earlier steps built them).
package_x64() {
  [ "$(uname -m)" = x86_64 ] || { echo "package: linux-x64 is built on an x86-64 machine" >&2; return 1; }
  local name="edgebert-$version-linux-x64" dir level
  dir="$release/stage/$name"
  if [ "${EDGEBERT_PACKAGE_PREBUILT:-0}" != 1 ]; then
    EDGEBERT_CPU_VARIANTS="x86-64-v2 x86-64-v3 x86-64-v4" scripts/build.sh
    EDGEBERT_CPU_VARIANTS="x86-64-v2 x86-64-v3 x86-64-v4" EDGEBERT_NATIVE_PREFIX=artifacts/native native-aot/build.sh
  fi
  for level in x86-64-v2 x86-64-v3 x86-64-v4; do
    [ -x "artifacts/libexec/edgebert/edgebert-$level" ] && [ -f "artifacts/native/lib/libedgebert-$level.so" ] ||
      { echo "package: the $level build is missing (run scripts/build.sh and native-aot/build.sh with all levels)" >&2; return 1; }
  done
  rm -rf "$dir"
  mkdir -p "$dir/bin" "$dir/lib" "$dir/libexec/edgebert"
  install -m 0755 artifacts/bin/edgebert artifacts/native/bin/edgebert-classify "$dir/bin/"
  install -m 0755 artifacts/libexec/edgebert/edgebert-x86-64-v[234] "$dir/libexec/edgebert/"
  install -m 0755 artifacts/native/lib/libedgebert.so artifacts/native/lib/libedgebert-x86-64-v[234].so "$dir/lib/"
  stage_common "$dir"
  archive "$name"
}

package_arm64() {
  local name="edgebert-$version-linux-arm64" dir rc=0
  dir="$release/stage/$name"
  scripts/publish.sh linux-arm64 || rc=$?
  if [ "$rc" -ne 0 ]; then
    if [ "$rc" -eq 3 ] && [ "$explicit" -eq 0 ]; then
      echo "package: linux-arm64 SKIPPED: its cross-build prerequisites are missing (above); name the target to make it fail instead"
      return 0
    fi
    return "$rc"
  fi
  rm -rf "$dir"
  mkdir -p "$dir/bin" "$dir/lib"
  install -m 0755 artifacts/publish/linux-arm64/edgebert "$dir/bin/edgebert"
  install -m 0755 artifacts/publish/linux-arm64/libedgebert.so "$dir/lib/libedgebert.so"
  stage_common "$dir"
  archive "$name"
}

package_nuget() {
  rm -f "$release"/EdgeBert.*.nupkg
  dotnet pack src/EdgeBert.Core -c Release -nologo -v q -o "$release"
  printf 'package: %-48s %s bytes\n' "$release/EdgeBert.$version.nupkg" "$(stat -c %s "$release/EdgeBert.$version.nupkg")"
}

mkdir -p "$release/stage"
for target in "${targets[@]}"; do
  case "$target" in
    linux-x64) package_x64 ;;
    linux-arm64) package_arm64 ;;
    nuget) package_nuget ;;
    *) echo "package: unknown target '$target' (linux-x64|linux-arm64|nuget)" >&2; exit 2 ;;
  esac
done
