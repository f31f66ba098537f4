#!/usr/bin/env bash
# Checks what AMO review relies on: the Firefox zip built from the sources zip, the way README.md
# tells a reviewer (unpack, `npm ci`, `npm run zip`), holds the same files, byte for byte, as the
# one built here.
#
#   bash scripts/check-reproducible-zip.sh          # builds both zips here first (npm run zip)
#   KEEP=1 bash scripts/check-reproducible-zip.sh   # keeps the temporary directory to look at
#
# Needs the npm registry (or npm's cache) for `npm ci`. Exits 0 when every file matches;
# otherwise prints the files that differ and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

name=$(node -p "require('./package.json').name")
version=$(node -p "require('./package.json').version")
firefox_zip="$name-$version-firefox-mv3.zip"
sources_zip="$name-$version-sources.zip"

echo "check-zip: building $firefox_zip and $sources_zip here (npm run zip)"
npm run --silent zip >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/activity-logger-zip-check-XXXXXX")
cleanup() { if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "check-zip: kept $work"; fi; }
trap cleanup EXIT

cp ".output/$firefox_zip" "$work/here.zip"
mkdir "$work/sources"
unzip -q ".output/$sources_zip" -d "$work/sources"

echo "check-zip: in $work/sources: npm ci, then npm run zip (as a reviewer would)"
(
  cd "$work/sources"
  npm ci --no-audit --no-fund --prefer-offline >"$work/npm-ci.log" 2>&1 || { tail -20 "$work/npm-ci.log"; exit 1; }
  npm run --silent zip >"$work/zip.log" 2>&1 || { tail -20 "$work/zip.log"; exit 1; }
)

mkdir "$work/a" "$work/b"
unzip -q "$work/here.zip" -d "$work/a"
unzip -q "$work/sources/.output/$firefox_zip" -d "$work/b"

status=0
if ! diff <(cd "$work/a" && find . -type f | sort) <(cd "$work/b" && find . -type f | sort) >"$work/names.diff"; then
  echo "check-zip: the two zips do not hold the same files (< here, > from sources):"
  cat "$work/names.diff"
  status=1
fi
count=0
while IFS= read -r file; do
  count=$((count + 1))
  if [ -f "$work/b/$file" ] && ! cmp -s "$work/a/$file" "$work/b/$file"; then
    echo "check-zip: differs: $file"
    status=1
  fi
done < <(cd "$work/a" && find . -type f | sort)

if [ "$status" -eq 0 ]; then
  echo "check-zip: OK: all $count files of $firefox_zip are identical when built from $sources_zip"
  if cmp -s "$work/here.zip" "$work/sources/.output/$firefox_zip"; then
    echo "check-zip: the zip files themselves are byte-identical too ($(sha256sum "$work/here.zip" | cut -c1-16)…)"
  fi
else
  echo "check-zip: FAILED: the zip built from the sources differs (KEEP=1 to inspect)"
fi
exit "$status"
