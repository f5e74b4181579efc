#!/usr/bin/env bash
# NativeAOT compatibility and binary size of the two tokenizers (issue 14, docs/tokenizer.md):
# publishes benchmarks/tokenizer-aot once with ours and once with Microsoft.ML.Tokenizers, counts
# the trim/AOT warnings (IL2xxx/IL3xxx) of each publish, prints the binary sizes and checks that
# both binaries print the same ids for one sentence.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/tokenizer-aot
mkdir -p "$out"
vocab=tests/EdgeBert.Core.Tests/Text/Fixtures/vocab.txt
text="Hi Jane, please find attached the report for the third quarter."
for impl in EdgeBert Ml; do
  rm -rf "$out/$impl" "benchmarks/tokenizer-aot/obj" "benchmarks/tokenizer-aot/bin"
  dotnet publish benchmarks/tokenizer-aot/TokenizerAot.csproj -r linux-x64 -c Release -nologo \
    -p:Tokenizer="$impl" -o "$out/$impl" > "$out/$impl.log" 2>&1 || { cat "$out/$impl.log" >&2; exit 1; }
  warnings="$( { grep -E 'warning IL[23][0-9]{3}' "$out/$impl.log" || true; } | sort -u | wc -l)"
  size="$(stat -c %s "$out/$impl/tokenizer-aot")"
  ids="$("$out/$impl/tokenizer-aot" "$vocab" "$text")"
  echo "tokenizer-aot: $impl: $size bytes, $warnings trim/AOT warnings (distinct lines), ids: $ids"
done
