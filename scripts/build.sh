#!/usr/bin/env bash
# Publishes the native `edgebert` CLI (NativeAOT, linux-x64) and writes a random-weight sample
# model to artifacts/sample.ebm so `edgebert inspect` has something to read.
# On x86-64: one build per CPU level in artifacts/libexec/edgebert/edgebert-x86-64-v{2,3,4} and
# the launcher artifacts/bin/edgebert, which runs the best one this CPU supports (`edgebert info`
# says which and why; EDGEBERT_CPU_VARIANT=x86-64-v3 forces a lower one). EDGEBERT_CPU_VARIANTS
# limits the levels built (scripts/native-common.sh). On arm64: one build in artifacts/bin.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/native-common.sh
rm -rf artifacts/bin artifacts/libexec
if [ "$(uname -m)" = x86_64 ]; then
  levels="$(edgebert_x86_levels)"
  mkdir -p artifacts/libexec/edgebert
  for level in $levels; do
    publish_x86_variant src/EdgeBert.Cli "$level" "artifacts/obj/cli-publish-$level"
    install -m 0755 "artifacts/obj/cli-publish-$level/edgebert" "artifacts/libexec/edgebert/edgebert-$level"
  done
  make -s -C native-aot/variants launcher BIN="$PWD/artifacts/bin"
  echo "build: artifacts/bin/edgebert (launcher) + artifacts/libexec/edgebert/edgebert-{$(echo $levels | tr ' ' ,)}"
else
  dotnet publish src/EdgeBert.Cli -c Release -nologo -v q -o artifacts/bin
  echo "build: artifacts/bin/edgebert ($(uname -m))"
fi
dotnet run --project src/EdgeBert.Trainer -c Release -- random-model --out artifacts/sample.ebm
artifacts/bin/edgebert inspect artifacts/sample.ebm > /dev/null
echo "build: artifacts/sample.ebm (random weights; try: artifacts/bin/edgebert inspect artifacts/sample.ebm)"
