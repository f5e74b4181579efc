#!/usr/bin/env bash
# Installs what EdgeBert needs on a fresh Debian 12 machine (run as root or with sudo):
# the C toolchain NativeAOT links with, the PyTorch/OpenBLAS reference used by parity tests and
# benchmarks, Node.js (tokenizer fixtures, data fetch), cmake and valgrind for the C tests,
# patchelf for the TorchSharp fix on systems older than GCC 13 (scripts/torchsharp-fix.sh, which
# every build of the trainer runs on its copy of the TorchSharp bridge), and the aarch64 cross
# toolchain plus qemu user-mode emulation that build and test the Raspberry Pi (linux-arm64)
# binaries (scripts/publish.sh linux-arm64, scripts/test.d/arm64.sh).
# The .NET 10 SDK must already be installed (see README.md).
set -euo pipefail
sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
command -v dotnet >/dev/null || { echo "setup: the .NET SDK (10.x) is missing; see README.md" >&2; exit 1; }

packages=(clang gcc zlib1g-dev cmake make pkg-config valgrind python3 python3-torch python3-numpy libopenblas0-pthread patchelf python3-onnx
  gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross lld qemu-user-static binfmt-support)
# Node.js may come from elsewhere than apt; install Debian's only when there is none.
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "${missing[@]}"
fi
dotnet restore EdgeBert.sln -nologo -v q
echo "setup: ok"
