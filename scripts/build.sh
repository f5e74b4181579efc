#!/usr/bin/env bash
# Publishes the native `edgebert` CLI into artifacts/bin (NativeAOT, linux-x64).
# ISA level: x86-x64-v3 (AVX2/FMA/AVX-VNNI) by default; EDGEBERT_ISA_LEVEL=x86-x64-v4 for AVX-512,
# x86-x64-v2 for old CPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
level="${EDGEBERT_ISA_LEVEL:-x86-x64-v3}"
dotnet publish src/EdgeBert.Cli -r linux-x64 -c Release -nologo -v q \
  -p:IlcInstructionSet="$level" -o artifacts/bin
echo "build: artifacts/bin/edgebert ($level)"
