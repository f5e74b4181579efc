#!/usr/bin/env bash
# Publishes the native `edgebert` CLI and libedgebert.so (NativeAOT) once per instruction-set level:
#   artifacts/publish/<level>/{edgebert, libedgebert.so}
# Usage: scripts/publish.sh [x86-64-v2|x86-64-v3|x86-64-v4|linux-arm64|linux-arm64-pi5]...
#   no argument: the three x86-64 levels. Which one to pick: docs/deployment.md.
# A NativeAOT binary uses only the instruction sets it was compiled for (KERNELS.md), so a level is
# a promise about the CPU; `edgebert info` prints what a given binary was built for and what it uses.
# linux-arm64 is cross-built on x86-64 (clang --target=aarch64-linux-gnu with Debian's aarch64 cross
# toolchain; scripts/setup.sh installs it); without that toolchain the script prints the
# prerequisites and fails (exit 3) instead of skipping the target. With qemu-user installed, each arm64
# binary is smoke-run under emulation (`edgebert info` as a Cortex-A72 or A76).
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
publish: linux-arm64 needs, on an x86-64 build machine (see docs/deployment.md):
  - clang, and Debian's aarch64 cross toolchain and libraries:
    apt-get install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross lld
    (scripts/setup.sh installs them; the .NET arm64 packs restore from NuGet like any package);
  - or build on the Raspberry Pi itself (64-bit Raspberry Pi OS, .NET 10 SDK, clang).
TXT
}

# Missing pieces of the aarch64 cross toolchain, empty when complete (or when building on arm64).
# EDGEBERT_AARCH64_SYSROOT moves the sysroot looked for (tests point it at an empty folder).
arm64_missing_toolchain() {
  [ "$(uname -m)" != aarch64 ] || return 0
  local missing=() sysroot="${EDGEBERT_AARCH64_SYSROOT:-/usr/aarch64-linux-gnu}"
  command -v clang > /dev/null || missing+=(clang)
  command -v aarch64-linux-gnu-ld > /dev/null || missing+=(aarch64-linux-gnu-ld)
  [ -e "$sysroot/lib/libc.so.6" ] || missing+=("$sysroot/lib/libc.so.6")
  echo "${missing[*]}"
}

publish_one() {
  local target="$1" rid ilc_set out
  case "$target" in
    x86-64-v2|x86-64-v3|x86-64-v4) rid=linux-x64; ilc_set="$target" ;;
    linux-arm64) rid=linux-arm64; ilc_set="armv8-a" ;;                # Raspberry Pi 4 and 5 (Cortex-A72/A76)
    linux-arm64-pi5) rid=linux-arm64; ilc_set="armv8.2-a,dotprod" ;; # Pi 5 (Cortex-A76): SDOT
    *) echo "publish: unknown target '$target' (x86-64-v2|x86-64-v3|x86-64-v4|linux-arm64|linux-arm64-pi5)" >&2; return 2 ;;
  esac
  if [ "$rid" = linux-arm64 ]; then
    local missing
    missing="$(arm64_missing_toolchain)"
    if [ -n "$missing" ]; then
      echo "publish: $target: the aarch64 cross toolchain is incomplete (missing: $missing)" >&2
      arm64_prerequisites
      return 3
    fi
  fi
  out="$root/artifacts/publish/$target"
  rm -rf "$out" && mkdir -p "$out" || return 1
  # A separate native intermediate folder per target: the ILC step would otherwise see up-to-date
  # objects from another level and link them unchanged.
  # MSBuild splits -p: values at commas, so the list "armv8.2-a,dotprod" goes in escaped (%2C).
  local common=(-r "$rid" -c Release -nologo -v q "-p:IlcInstructionSet=${ilc_set//,/%2C}"
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
  elif [ "$rid" = linux-arm64 ] && [ "$(uname -m)" != aarch64 ] && command -v qemu-aarch64-static > /dev/null; then
    local cpu=cortex-a72
    [ "$target" = linux-arm64-pi5 ] && cpu=cortex-a76
    echo "  smoke-run under qemu-aarch64-static as a $cpu:"
    QEMU_CPU=$cpu qemu-aarch64-static -L /usr/aarch64-linux-gnu "$out/edgebert" info |
      sed -n '2,3p;/^cpu features/p;/^note:/p' | sed 's/^/  /'
  fi
}

status=0
for t in "${targets[@]}"; do
  publish_one "$t" || status=$?
done
exit "$status"
