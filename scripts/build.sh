#!/usr/bin/env bash
# Publishes the native `edgebert` CLI into artifacts/bin (NativeAOT, linux-x64) and writes a
# random-weight sample model to artifacts/sample.ebm so `edgebert inspect` has something to read.
# ISA level: x86-64-v3 (AVX2/FMA/AVX-VNNI) by default; EDGEBERT_ISA_LEVEL=x86-64-v4 for AVX-512,
# x86-64-v2 for old CPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
level="${EDGEBERT_ISA_LEVEL:-x86-64-v3}"
dotnet publish src/EdgeBert.Cli -r linux-x64 -c Release -nologo -v q \
  -p:IlcInstructionSet="$level" -o artifacts/bin
echo "build: artifacts/bin/edgebert ($level)"
dotnet run --project src/EdgeBert.Trainer -c Release -- random-model --out artifacts/sample.ebm
artifacts/bin/edgebert inspect artifacts/sample.ebm > /dev/null
echo "build: artifacts/sample.ebm (random weights; try: artifacts/bin/edgebert inspect artifacts/sample.ebm)"
