#!/usr/bin/env bash
# Publishes the native `edgebert` CLI and libedgebert.so (NativeAOT) once per instruction-set level:
#   artifacts/publish/<level>/{edgebert, libedgebert.so}
# Usage: scripts/publish.sh [x86-64-v2|x86-64-v3|x86-64-v4|linux-arm64|linux-arm64-pi5]...
#   no argument: the three x86-64 levels. Which one to pick: docs/deployment.md.
# A NativeAOT binary uses only the instruction sets it was compiled for (KERNELS.md), so a level is
# a promise about the CPU; `edgebert info` prints what a given binary was built for and what it uses.
# linux-arm64 is a cross build whose packs are not in our CI's package registry: without them the
# script prints the prerequisites and fails (exit 3) instead of skipping the target.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
x86_levels=(x86-64-v2 x86-64-v3 x86-64-v4)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${x86_levels[@]}")

# The level each x86 target needs from the CPU, as /proc/cpuinfo names the flags (x86-64 psABI levels).
cpu_flags_needed() {
  case "$1" in
    x86-64-v2) echo "sse4_2 popcnt ssse3" ;;
    x86-64-v3) echo "sse4_2 popcnt avx2 fma bmi2 movbe" ;;
    x86-64-v4) echo "sse4_2 popcnt avx2 fma avx512f avx512bw avx512cd avx512dq avx512vl" ;;
  esac
}

this_cpu_runs() {
  local flags
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  for f in $(cpu_flags_needed "$1"); do
    [[ "$flags" == *" $f "* ]] || { echo "$f"; return 1; }
  done
}

arm64_prerequisites() {
  cat >&2 <<'TXT'
publish: linux-arm64 needs, on the build machine (see docs/deployment.md):
  - the NuGet packages microsoft.netcore.app.runtime.linux-arm64 and
    runtime.linux-arm64.microsoft.dotnet.ilcompiler (same version as the SDK's runtime),
    restorable from nuget.org or a local feed (our CI registry does not carry them);
  - a linker for aarch64: clang + lld with an arm64 sysroot (e.g. Debian's
    gcc-aarch64-linux-gnu + libc6-dev-arm64-cross), or build on the Raspberry Pi itself
    with the .NET 10 SDK (64-bit Raspberry Pi OS).
The arm64 build is untested by our CI.
TXT
}

publish_one() {
  local target="$1" rid ilc_set out
  case "$target" in
    x86-64-v2|x86-64-v3|x86-64-v4) rid=linux-x64; ilc_set="$target" ;;
    linux-arm64) rid=linux-arm64; ilc_set="armv8-a" ;;          # Raspberry Pi 4 and 5
    linux-arm64-pi5) rid=linux-arm64; ilc_set="armv8.2-a,dotprod" ;; # Pi 5 (Cortex-A76): SDOT
    *) echo "publish: unknown target '$target' (x86-64-v2|x86-64-v3|x86-64-v4|linux-arm64|linux-arm64-pi5)" >&2; return 2 ;;
  esac
  # Cross-building from x86-64: the arm64 packs must already be in the NuGet cache, since our CI's
  # registry cannot restore them (EDGEBERT_ARM64_RESTORE=1 lets dotnet try your own feeds instead).
  # On an arm64 machine (the Pi itself) dotnet restores them like any package.
  if [ "$rid" = linux-arm64 ] && [ "$(uname -m)" != aarch64 ] && [ "${EDGEBERT_ARM64_RESTORE:-0}" != 1 ]; then
    local cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}" version
    version="$(ls "$cache/microsoft.dotnet.ilcompiler" 2>/dev/null | sort -V | tail -1)"
    for pack in microsoft.netcore.app.runtime.linux-arm64 runtime.linux-arm64.microsoft.dotnet.ilcompiler; do
      if [ -z "$version" ] || [ ! -d "$cache/$pack/$version" ]; then
        echo "publish: $target: package $pack ${version:-(no ILCompiler in the cache)} is not in $cache" >&2
        arm64_prerequisites
        return 3
      fi
    done
  fi
  out="$root/artifacts/publish/$target"
  rm -rf "$out" && mkdir -p "$out" || return 1
  # A separate native intermediate folder per target: the ILC step would otherwise see up-to-date
  # objects from another level and link them unchanged.
  local common=(-r "$rid" -c Release -nologo -v q "-p:IlcInstructionSet=$ilc_set"
    "-p:NativeIntermediateOutputPath=$root/artifacts/obj/$target/native/")
  if ! dotnet publish src/EdgeBert.Cli "${common[@]}" -o "$out/cli" ||
     ! dotnet publish native-aot/EdgeBert.Native "${common[@]}" -o "$out/lib"; then
    echo "publish: $target failed" >&2
    [ "$rid" = linux-arm64 ] && arm64_prerequisites
    return 1
  fi
  mv "$out/cli/edgebert" "$out/edgebert" || return 1
  mv "$out/lib/libedgebert.so" "$out/libedgebert.so" || return 1
  rm -rf "$out/cli" "$out/lib"
  echo "publish: $target ($rid, IlcInstructionSet=$ilc_set)"
  for f in "$out/edgebert" "$out/libedgebert.so"; do
    printf '  %-48s %s bytes\n' "${f#"$root"/}" "$(stat -c %s "$f")"
  done
  if [ "$rid" = linux-x64 ] && [ "$(uname -m)" = x86_64 ]; then
    local missing
    if missing="$(this_cpu_runs "$target")"; then
      "$out/edgebert" info | sed -n '2,3p;/^cpu features/p;/^note:/p' | sed 's/^/  /'
    else
      echo "  not smoke-run: this CPU lacks $missing, which $target requires (the binary would refuse to start)"
    fi
  fi
}

status=0
for t in "${targets[@]}"; do
  publish_one "$t" || status=$?
done
exit "$status"
