#!/usr/bin/env bash
# Runs every test EdgeBert has and ends with one line "N passed, N failed" summed from the real
# results (TRX files of each dotnet test run, plus count files written by non-.NET steps).
#   1. the whole NUnit suite (all instruction sets this machine has);
#   2. the kernel tests again with AVX-512, AVX2 and all hardware intrinsics switched off;
#   3. extra steps in scripts/test.d/*.sh (C tests, PyTorch parity, ...), each of which writes
#      "PASSED FAILED" into the file named by $EDGEBERT_COUNTS.
set -uo pipefail
cd "$(dirname "$0")/.."
results=TestResults
rm -rf "$results"; mkdir -p "$results"
status=0

dotnet build EdgeBert.sln -c Release -nologo -v q || { echo "0 passed, 1 failed"; exit 1; }

echo "== NUnit: full suite"
dotnet test EdgeBert.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results/full" || status=1

# The .NET 10 runtime ignores DOTNET_EnableAVX512F and honours DOTNET_EnableAVX512; both are set
# so the mask reads the same to anyone who knows either name.
# DOTNET_EnableAVX512v2=0 switches off AVX-512 VBMI only (the W1A1 sextet vpermb tile), AVX-512 stays.
# KernelIsaMaskTests checks that each mask really took effect.
for mask in "DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0" "DOTNET_EnableAVX512v2=0" "DOTNET_EnableAVX2=0" "DOTNET_EnableHWIntrinsic=0"; do
  name="${mask%%=*}"
  echo "== NUnit: kernel tests with $mask"
  # shellcheck disable=SC2086 # $mask is a list of VAR=value words
  env $mask EDGEBERT_EXPECT_MASK="$name" dotnet test tests/EdgeBert.Core.Tests -c Release --no-build -nologo \
    --filter "TestCategory=Kernels" --logger "trx" --results-directory "$results/$name" || status=1
done

for step in scripts/test.d/*.sh; do
  [ -e "$step" ] || continue
  echo "== step: $step"
  EDGEBERT_COUNTS="$results/$(basename "$step" .sh).counts" bash "$step" || status=1
done

# Sum the counters of every TRX file and every counts file.
read -r passed failed < <(
  { find "$results" -name '*.trx' -print0 | xargs -0 -r grep -h -o '<Counters [^>]*>' |
      sed -E 's/.* passed="([0-9]+)" failed="([0-9]+)".*/\1 \2/'
    find "$results" -name '*.counts' -print0 | xargs -0 -r cat; } |
  awk '{p += $1; f += $2} END {print p + 0, f + 0}')
if [ "$passed" -eq 0 ]; then status=1; fi
if [ "$failed" -ne 0 ]; then status=1; fi
echo "$passed passed, $failed failed"
exit $status
