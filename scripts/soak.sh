#!/usr/bin/env bash
# Soak test of the C ABI (issue 15; not part of scripts/test.sh): N threads x S sessions on one
# model with mixed valid and invalid inputs and model load/free churn, every answer compared with
# the single-threaded one, RSS sampled after the warm-up and at the end (tests/native/soak/soak.c).
#   scripts/soak.sh [--duration SECONDS] [--threads N] [--sessions S] [--model FILE]
# Defaults: 60 s, 4 threads, 2 sessions each, models/default.ebm (else a small random model).
# Uses artifacts/native when libedgebert.so is there (else runs native-aot/build.sh first).
# Exit 0 only with 0 wrong answers, 0 unexpected statuses and RSS growth <= 5% after warm-up.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=60 threads=4 sessions=2 model=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --sessions) sessions="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    *) echo "soak.sh: unknown option $1 (--duration, --threads, --sessions, --model)" >&2; exit 2 ;;
  esac
done
prefix="$PWD/artifacts/native"
[ -f "$prefix/lib/libedgebert.so" ] || EDGEBERT_NATIVE_PREFIX="$prefix" native-aot/build.sh
make -s -C tests/native PREFIX="$prefix" build/soak
if [ -z "$model" ]; then
  if [ -f models/default.ebm ]; then model=models/default.ebm
  else
    model="$(mktemp --suffix=.ebm)"
    dotnet run --project src/EdgeBert.Trainer -c Release -- random-model --out "$model" \
      --layers 2 --hidden 64 --heads 2 --ffn 128 --max-positions 64 --labels ham,spam --seed 7 > /dev/null
  fi
fi
echo "soak: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "soak: load before: $(uptime)"
status=0
tests/native/build/soak "$model" --duration "$duration" --threads "$threads" --sessions "$sessions" || status=$?
echo "soak: load after: $(uptime)"
exit $status
