#!/usr/bin/env bash
# Sourced by the scripts/test.d steps that need Debian's Python packages (PyTorch reference,
# peers): require_python STEP "MODULE..." "APT PACKAGE..." returns when $python imports every
# module; otherwise it writes the counts into $counts and exits the step: failing under CI=true
# (scripts/setup.sh installs the packages), reported skipped elsewhere.
require_python() {
  local step="$1" modules="$2" packages="$3" what
  "$python" -c "import ${modules// /, }" 2>/dev/null && return 0
  what="${modules// //}"
  if [ "${CI:-}" = "true" ]; then
    echo "$step: $python has no $what (CI installs $packages); failing" >&2
    echo "0 1" > "$counts"
    exit 1
  fi
  echo "$step: SKIPPED ($python has no $what; install $packages)"
  echo "0 0" > "$counts"
  exit 0
}
