#!/usr/bin/env bash
# CI step: the Raspberry Pi build (linux-arm64), cross-compiled here and run under qemu user-mode
# emulation, once as a Cortex-A72 (Pi 4: AdvSimd, no dot product) and once as a Cortex-A76
# (Pi 5: AdvSimd + dotprod). Writes "PASSED FAILED" into $EDGEBERT_COUNTS.
#   1. The emulator check: tests/qemu-repro/stale_code_alias.c tells whether this qemu runs stale
#      code after a W^X JIT rewrites it (tests/qemu-repro/README.md). When it does, the JIT test runs
#      set DOTNET_EnableWriteXorExecute=0, and the log says so. Not counted: it tests qemu, not us.
#   2. The kernel and encoder NUnit tests (EdgeBert.Core.Tests: category Kernels, which includes
#      EncoderParityTests, and the Model namespace) in a self-contained arm64 publish of
#      tests/EdgeBert.TestRunner, per CPU. Every test naming AdvSimd must run (a skip counts as a
#      failure) and the log prints how many ran; the runner's own header must show the CPU's dotprod.
#   3. scripts/publish.sh linux-arm64: the NativeAOT CLI and libedgebert.so for armv8-a.
#   4. The C tests (tests/native/test_edgebert.c), cross-compiled with aarch64-linux-gnu-gcc against
#      that libedgebert.so, on a random model and on models/default.ebm, per CPU.
#   5. `edgebert info` per CPU: the AdvSimd kernels, dotprod only on the A76, no x86 advice; and the
#      README's main job, `edgebert classify "Win a free prize now"`, with the arm64 binary.
# Emulated timings mean nothing; the runs check correctness only. EDGEBERT_ARM64_PI5=1 also builds
# and checks the armv8.2-a+dotprod CLI (scripts/publish.sh linux-arm64-pi5) as an A76.
set -uo pipefail
cd "$(dirname "$0")/../.."
counts="${EDGEBERT_COUNTS:-/dev/null}"
out=artifacts/arm64
sysroot=/usr/aarch64-linux-gnu
cpus=(cortex-a72 cortex-a76)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

missing=()
for tool in qemu-aarch64-static aarch64-linux-gnu-gcc clang; do command -v "$tool" > /dev/null || missing+=("$tool"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "arm64: ${missing[*]} missing (scripts/setup.sh installs them); failing" >&2
    echo "0 1" > "$counts"; exit 1
  fi
  echo "arm64: SKIPPED (${missing[*]} missing; scripts/setup.sh installs them)"
  echo "0 0" > "$counts"; exit 0
fi

emulate() { # cpu, program, args...: run an arm64 program as that CPU
  local cpu="$1"; shift
  QEMU_CPU="$cpu" qemu-aarch64-static -L "$sysroot" "$@"
}
check() { # name, command...: one counted check, its output shown only when it fails
  local name="$1" output; shift
  if output=$("$@" 2>&1); then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; echo "$output" | tail -20; fi
}
add_counts() { # file written by a counted run; a missing file is one failure
  local p f
  if [ -s "$1" ] && read -r p f < "$1"; then passed=$((passed + p)); failed=$((failed + f))
  else echo "arm64: $1 was not written (the run crashed?)"; failed=$((failed + 1)); fi
}

# 1. The emulator defect (tests/qemu-repro/README.md).
jit_env=()
if ! aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -o "$work/stale_code_alias" tests/qemu-repro/stale_code_alias.c; then
  echo "arm64: building tests/qemu-repro/stale_code_alias.c failed"; failed=$((failed + 1))
elif emulate cortex-a72 "$work/stale_code_alias" > "$work/stale.out"; then
  echo "arm64: this qemu re-reads code rewritten through a W^X alias; the JIT runs keep the .NET default (W^X on)"
else
  sed 's/^/  /' "$work/stale.out"
  echo "arm64: WORKAROUND: this qemu runs stale code after a W^X JIT rewrites it (tests/qemu-repro/README.md);"
  echo "arm64: the emulated JIT test runs set DOTNET_EnableWriteXorExecute=0. Real arm64 CPUs need no such setting."
  jit_env=(DOTNET_EnableWriteXorExecute=0)
fi

# 2. NUnit kernel and encoder tests, JIT, both CPUs side by side (one emulated process per core).
selection=(--category Kernels --namespace EdgeBert.Core.Tests.Model --require-isa AdvSimd)
if dotnet publish tests/EdgeBert.TestRunner -c Release -r linux-arm64 --self-contained -nologo -v q -o "$out/test-runner"; then
  for cpu in "${cpus[@]}"; do
    env "${jit_env[@]}" QEMU_CPU="$cpu" qemu-aarch64-static -L "$sysroot" "$out/test-runner/edgebert-test-runner" \
      "${selection[@]}" --counts "$work/nunit-$cpu.counts" > "$work/nunit-$cpu.log" 2>&1 &
  done
  wait
  for cpu in "${cpus[@]}"; do
    echo "== NUnit under qemu as a $cpu"
    cat "$work/nunit-$cpu.log"
    add_counts "$work/nunit-$cpu.counts"
  done
  check "the A72 run had AdvSimd and no dotprod" grep -q "^runner: arm64 dotprod no:" "$work/nunit-cortex-a72.log"
  check "the A76 run had AdvSimd and dotprod (SDOT kernels)" grep -q "^runner: arm64 dotprod yes: .*SDOT" "$work/nunit-cortex-a76.log"
else
  echo "arm64: publishing tests/EdgeBert.TestRunner for linux-arm64 failed"; failed=$((failed + 1))
fi

# 3. The NativeAOT CLI and library (armv8-a runs on every 64-bit Pi).
bin=artifacts/publish/linux-arm64
targets=(linux-arm64)
[ "${EDGEBERT_ARM64_PI5:-0}" = 1 ] && targets+=(linux-arm64-pi5)
if scripts/publish.sh "${targets[@]}"; then
  passed=$((passed + 1))
else
  echo "FAIL scripts/publish.sh ${targets[*]}"; failed=$((failed + 1))
fi

# 4. The C tests against the arm64 libedgebert.so.
if [ -f "$bin/libedgebert.so" ] &&
   aarch64-linux-gnu-gcc -O1 -g -Wall -Wextra -Werror -std=c11 -D_POSIX_C_SOURCE=200809L -pthread \
     -Inative-aot/include -o "$work/test_edgebert" tests/native/test_edgebert.c \
     -L"$bin" -ledgebert -Wl,-rpath,"$PWD/$bin"; then
  models=("$work/random.ebm")
  trainer_build=()
  [ -f src/EdgeBert.Trainer/bin/Release/net10.0/edgebert-train.dll ] && trainer_build=(--no-build)
  dotnet run --project src/EdgeBert.Trainer -c Release "${trainer_build[@]}" -- random-model --out "$work/random.ebm" \
    --layers 2 --hidden 32 --heads 2 --ffn 64 --max-positions 32 --labels neg,neu,pos --seed 7 > /dev/null ||
    { echo "arm64: edgebert-train random-model failed"; failed=$((failed + 1)); models=(); }
  [ -f models/default.ebm ] && models+=(models/default.ebm)
  for cpu in "${cpus[@]}"; do
    for model in "${models[@]}"; do
      echo "== C tests under qemu as a $cpu on $(basename "$model")"
      emulate "$cpu" "$work/test_edgebert" "$model" --counts "$work/c.counts" | grep -v '^PASS '
      add_counts "$work/c.counts"; rm -f "$work/c.counts"
    done
  done
else
  echo "arm64: no arm64 libedgebert.so, or the C tests did not cross-compile"; failed=$((failed + 1))
fi

# 5. The CLI: info per CPU (AdvSimd, dotprod on the A76 only, no x86 advice) and the README's job.
info_says() { # cpu, binary, dotprod sign (+ or -)
  local info
  info="$(emulate "$1" "$2" info)" || return 1
  echo "$info"
  # No upgrade note and no x86 instruction set named anywhere (the host's cpuinfo is x86 under qemu).
  grep -q "^kernel isa: AdvSimd " <<< "$info" && grep -q "^  w1a1   AdvSimd " <<< "$info" &&
    grep -q "^cpu features: advsimd+ dotprod$3\$" <<< "$info" && ! grep -q -i "^note:\|x86\|avx\|sse" <<< "$info" &&
    { [ "$3" = - ] || grep -q "^  w8a8   AdvSimd\$" <<< "$info"; }
}
if [ -x "$bin/edgebert" ]; then
  check "edgebert info as a Cortex-A72: AdvSimd kernels, no dotprod, no x86 advice" info_says cortex-a72 "$bin/edgebert" -
  check "edgebert info as a Cortex-A76: AdvSimd kernels, SDOT (dotprod), no x86 advice" info_says cortex-a76 "$bin/edgebert" +
  if [ "${EDGEBERT_ARM64_PI5:-0}" = 1 ]; then
    check "the armv8.2-a+dotprod build's info as a Cortex-A76" info_says cortex-a76 artifacts/publish/linux-arm64-pi5/edgebert +
  fi
  if [ -f models/default.ebm ]; then
    for cpu in "${cpus[@]}"; do
      check "README main job on arm64 as a $cpu: classify \"Win a free prize now\" is spam" bash -c \
        "QEMU_CPU=$cpu qemu-aarch64-static -L $sysroot $bin/edgebert classify 'Win a free prize now' | grep '^spam'"
    done
  fi
fi

echo "$passed $failed" > "$counts"
echo "arm64 step: $passed ok, $failed failing"
[ "$failed" -eq 0 ]
