#!/usr/bin/env bash
# Fetch the reference images used by the BRISQUE oracle test
# (tests/integration/brisque-oracle.test.ts) and the two real clips of the distortion-ladder test
# (tests/integration/ladders.test.ts) from Debian's `opencv-doc` package.
#
# Idempotent: does nothing when the images are already extracted.
# Result: .cache/opencv-doc/usr/share/doc/opencv-doc/examples/data/{baboon,fruits,...}.jpg
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/opencv-doc"
DATA="$CACHE/usr/share/doc/opencv-doc/examples/data"
IMAGES=(baboon.jpg fruits.jpg starry_night.jpg butterfly.jpg messi5.jpg text_defocus.jpg text_motion.jpg
  vtest.avi Megamind.avi)

have_all() {
  local f
  for f in "${IMAGES[@]}"; do
    [[ -s "$DATA/$f" ]] || return 1
  done
  return 0
}

if have_all; then
  echo "opencv-doc images and clips already present in $DATA"
  exit 0
fi

mkdir -p "$CACHE"
cd "$CACHE"

deb="$(ls -1 opencv-doc_*.deb 2>/dev/null | head -n 1 || true)"
if [[ -z "$deb" ]]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-get not found: download Debian's opencv-doc .deb into $CACHE by hand" >&2
    exit 1
  fi
  # `apt-get download` needs no root; it needs the package lists (apt-get update) to know opencv-doc.
  apt-get download opencv-doc 2>/dev/null || { apt-get update -q && apt-get download opencv-doc; }
  deb="$(ls -1 opencv-doc_*.deb | head -n 1)"
fi

# Extract only the example data folder (the package is large; the rest is HTML docs).
dpkg-deb --fsys-tarfile "$deb" | tar -x -f - --wildcards './usr/share/doc/opencv-doc/examples/data/*'

# Some Debian releases compress larger files in /usr/share/doc; undo that if it happened.
for f in "${IMAGES[@]}"; do
  if [[ ! -s "$DATA/$f" && -s "$DATA/$f.gz" ]]; then
    gunzip -k "$DATA/$f.gz"
  fi
done

if ! have_all; then
  echo "opencv-doc was extracted but some images are missing from $DATA:" >&2
  for f in "${IMAGES[@]}"; do [[ -s "$DATA/$f" ]] || echo "  $f" >&2; done
  exit 1
fi
echo "opencv-doc images ready in $DATA"
