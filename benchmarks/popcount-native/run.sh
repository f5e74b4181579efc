#!/usr/bin/env bash
# Builds and runs the XNOR+VPOPCNTQ tile beside the C# kernels (`edgebert bench --kernels`) in one run.
# Not part of the product or CI. Usage: benchmarks/popcount-native/run.sh [path to edgebert CLI dll]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
cli="${1:-$root/src/EdgeBert.Cli/bin/Release/net10.0/edgebert.dll}"
gcc -O3 -march=native -mavx512f -mavx512vpopcntdq "$here/xnor_popcnt.c" -o "$here/xnor_popcnt"
echo "date: $(date -u +%FT%TZ); load: $(uptime)"
grep -m1 'model name' /proc/cpuinfo
"$here/xnor_popcnt" 128 3072 768 1.0
dotnet "$cli" bench --kernels --threads 1
echo "load after: $(uptime)"
