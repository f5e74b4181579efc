#!/usr/bin/env bash
# Start-to-first-result of the native CLI (issue #7: target <= 50 ms for
# `edgebert classify "Win a free prize now"` on the embedded default model).
# Usage: benchmarks/startup.sh [EDGEBERT_BINARY] (default: publishes artifacts/bin/edgebert with scripts/build.sh's settings)
# Env: N (runs per command, default 50); SKIP_PUBLISH=1 to time an existing binary as is;
#   BASELINE=/path/to/an/older/edgebert adds its two rows, interleaved, for a before/after table.
# Every command is timed from posix_spawn to exit, interleaved round by round with the baselines
# `true` (the harness's own fork/exec/wait cost) and a NativeAOT hello world (the runtime's own
# start-up on this machine); the load average is printed before and after, because on a shared
# machine the numbers mean little without it.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${N:-50}"
bin="${1:-artifacts/bin/edgebert}"
python="$(command -v python3)"
if [ "${SKIP_PUBLISH:-0}" != 1 ] && [ $# -eq 0 ]; then
  dotnet publish src/EdgeBert.Cli -r linux-x64 -c Release -nologo -v q -p:IlcInstructionSet=x86-64-v3 -o artifacts/bin
fi
[ -x "$bin" ] || { echo "startup: $bin not found (run scripts/build.sh first)" >&2; exit 1; }
hello=artifacts/startup/hello/hello-aot
if [ ! -x "$hello" ]; then
  dotnet publish benchmarks/startup/HelloAot.csproj -r linux-x64 -c Release -nologo -v q -o artifacts/startup/hello
fi
echo "startup: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "startup: binary $bin ($(stat -c %s "$bin") bytes), N=$n"
echo "startup: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
rows=('`true`' true
  'NativeAOT hello world' "$hello"
  '`edgebert --version`' "$bin --version"
  '`edgebert classify "Win a free prize now"`' "$bin classify 'Win a free prize now'")
if [ -n "${BASELINE:-}" ]; then
  [ -x "$BASELINE" ] || { echo "startup: BASELINE $BASELINE is not an executable" >&2; exit 1; }
  rows+=('baseline `edgebert --version`' "$BASELINE --version"
    'baseline `edgebert classify "Win a free prize now"`' "$BASELINE classify 'Win a free prize now'")
fi
"$python" benchmarks/startup/time_runs.py "$n" "${rows[@]}"
echo "startup: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
