#!/usr/bin/env bash
# Renders the demo export as a clerk would see it printed: XLSX → PDF (LibreOffice Calc) → one PNG a page.
#
#   scripts/render-export.sh [OUT_DIR]        (default: out/render)
#
# Needs: libreoffice-calc, fonts-noto-cjk (the Chinese glyphs), poppler-utils (pdftoppm).
# Not run in CI. Builds with the scratch folder in $SCRATCH (default .build-export).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-out/render}"
SCRATCH="${SCRATCH:-.build-export}"
for tool in libreoffice pdftoppm; do
    command -v "$tool" >/dev/null || { echo "需要 $tool（apt-get install libreoffice-calc poppler-utils fonts-noto-cjk）" >&2; exit 1; }
done
swift build --scratch-path "$SCRATCH" --product budget >/dev/null
BIN="$SCRATCH/debug/budget"
rm -rf "$OUT"; mkdir -p "$OUT"
"$BIN" demo --dir "$OUT/demo" >/dev/null
XLSX="$OUT/demo/zezhou-2025-公开表.xlsx"
"$BIN" export "$OUT/demo/zezhou-2025.budget" --out "$OUT/tables.xlsx" --split "$OUT/split" >/dev/null
# One PDF a table (each split file holds one sheet), so every page is named after its table.
PROFILE="$(mktemp -d)"
trap 'rm -rf "$PROFILE"' EXIT
for f in "$OUT"/split/*.xlsx; do
    libreoffice -env:UserInstallation=file://"$PROFILE" --headless --convert-to pdf --outdir "$OUT/pdf" "$f" >/dev/null 2>&1
done
libreoffice -env:UserInstallation=file://"$PROFILE" --headless --convert-to pdf --outdir "$OUT" "$XLSX" >/dev/null 2>&1
for p in "$OUT"/pdf/*.pdf; do
    name="$(basename "$p" .pdf)"
    mkdir -p "$OUT/png"
    pdftoppm -png -r 70 "$p" "$OUT/png/$name"
done
echo "PDF：$OUT/$(basename "$XLSX" .xlsx).pdf"
echo "每张表的页面图片：$OUT/png/"
ls "$OUT/png"
