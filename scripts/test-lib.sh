#!/usr/bin/env bash
# Sourced by scripts/test.d steps: check NAME COMMAND... runs the command, prints "ok   NAME" or
# "FAIL NAME" with the last lines of its output, and counts it in $passed / $failed.
passed=0 failed=0
check() {
  local name="$1" out; shift
  if out=$("$@" 2>&1); then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; echo "$out" | tail -20; fi
}
