#!/usr/bin/env bash
# CI step: `scripts/package.sh linux-x64 nuget` (reusing this checkout's builds when the earlier
# steps made them), then the packages' consumers:
#   - the unpacked x64 archive holds the documented files and its CLI runs the README's main job;
#   - a C program (tests/package/consumer.c) built against it with `pkg-config --cflags --libs
#     edgebert`, and one built with CMake find_package(EdgeBert) (tests/package/CMakeLists.txt), run;
#   - a new console app (tests/package/NuGetConsumer) restores `EdgeBert` from a local folder feed
#     holding the .nupkg (other packages from the machine's usual sources) and classifies a text.
# Writes "PASSED FAILED" into $EDGEBERT_COUNTS.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/native-common.sh
counts="${EDGEBERT_COUNTS:-/dev/null}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source scripts/test-lib.sh
version="$(edgebert_version)"
text="Win a free prize now"

# The earlier steps (cli-native, native) have built the CLI and library variants of this checkout;
# rebuilding them would cost six more NativeAOT compilations.
prebuilt=0
[ -x artifacts/libexec/edgebert/edgebert-x86-64-v4 ] && [ -f artifacts/native/lib/libedgebert-x86-64-v4.so ] && prebuilt=1
if ! EDGEBERT_PACKAGE_PREBUILT=$prebuilt scripts/package.sh linux-x64 nuget > "$work/package.log" 2>&1; then
  tail -30 "$work/package.log" >&2
  echo "package: scripts/package.sh linux-x64 nuget failed" >&2; echo "0 1" > "$counts"; exit 1
fi
grep '^package:' "$work/package.log"
passed=1
root="$work/edgebert-$version-linux-x64"
tar -C "$work" -xzf "artifacts/release/edgebert-$version-linux-x64.tar.gz"

check "the x64 archive holds the documented files" bash -c '
  for f in bin/edgebert libexec/edgebert/edgebert-x86-64-v2 libexec/edgebert/edgebert-x86-64-v3 libexec/edgebert/edgebert-x86-64-v4 \
           lib/libedgebert.so lib/libedgebert-x86-64-v2.so lib/libedgebert-x86-64-v3.so lib/libedgebert-x86-64-v4.so \
           include/edgebert.h lib/pkgconfig/edgebert.pc lib/cmake/EdgeBert/EdgeBertConfig.cmake \
           lib/cmake/EdgeBert/EdgeBertConfigVersion.cmake models/README.md models/default.ebm README.md LICENSE; do
    [ -s "$1/$f" ] || { echo "missing: $f"; exit 1; }
  done' _ "$root"
check "the archive's CLI runs the README main job and names its CPU variant" bash -c '
  "$1/bin/edgebert" classify "$2" | grep -q "^spam" && "$1/bin/edgebert" info | grep -q "^cpu variant: x86-64-v"' _ "$root" "$text"
check "a C program built with pkg-config --cflags --libs edgebert runs" bash -c '
  flags=$(PKG_CONFIG_PATH="$1/lib/pkgconfig" pkg-config --cflags --libs edgebert) &&
  cc -std=c11 -Wall -Werror -o "$2/pc-consumer" tests/package/consumer.c $flags -Wl,-rpath,"$1/lib" &&
  out=$("$2/pc-consumer" "$1/models/default.ebm" "$3") && echo "$out" &&
  echo "$out" | grep -q "^info: edgebert .*; cpu variant x86-64-v" && echo "$out" | grep -q "^spam"' _ "$root" "$work" "$text"
check "a C program built with CMake find_package(EdgeBert) runs" bash -c '
  cmake -S tests/package -B "$2/cmake" -DCMAKE_PREFIX_PATH="$1" > "$2/cmake.log" &&
  cmake --build "$2/cmake" >> "$2/cmake.log" && out=$("$2/cmake/edgebert-consumer" "$1/models/default.ebm" "$3") &&
  echo "$out" | grep -q "^spam" || { cat "$2/cmake.log"; echo "$out"; exit 1; }' _ "$root" "$work" "$text"

# The NuGet consumer: a folder feed for EdgeBert only (package source mapping), the machine's
# enabled sources for its dependencies. Our own package is dropped from the global cache first, so
# the restore takes this build's .nupkg, not one cached by an earlier run.
feed="$work/feed" app="$work/app"
mkdir -p "$feed" "$app"
cp "artifacts/release/EdgeBert.$version.nupkg" "$feed/"
cp tests/package/NuGetConsumer/Program.cs "$app/"
sed "s/@VERSION@/$version/" tests/package/NuGetConsumer/NuGetConsumer.csproj.in > "$app/NuGetConsumer.csproj"
mapfile -t sources < <(dotnet nuget list source --format short | awk '$1 == "E" {print $2}')
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"edgebert-local\" value=\"$feed\" />"
  for i in "${!sources[@]}"; do echo "    <add key=\"source$i\" value=\"${sources[$i]}\" />"; done
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="edgebert-local"><package pattern="EdgeBert" /></packageSource>'
  for i in "${!sources[@]}"; do echo "    <packageSource key=\"source$i\"><package pattern=\"*\" /></packageSource>"; done
  echo '  </packageSourceMapping>'
  echo '</configuration>'
} > "$app/NuGet.config"
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/edgebert/$version"
check "a new console app restores EdgeBert from a folder feed and classifies" bash -c '
  cd "$1" && out=$(dotnet run -c Release -- "$2/models/default.ebm" "$3" 2>&1) && echo "$out" &&
  echo "$out" | grep -q "^kernels: " && echo "$out" | grep -q "^spam"' _ "$app" "$root" "$text"

echo "$passed $failed" > "$counts"
echo "package step: $passed ok, $failed failing"
[ "$failed" -eq 0 ]
