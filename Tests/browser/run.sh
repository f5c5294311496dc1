#!/usr/bin/env bash
# The browser end-to-end tests: headless Chromium driven by selenium (Debian's python3-selenium,
# hence /usr/bin/python3) against `budget serve` on the demo. The 10^5-line speed run is
# skipped here (BUDGET_PERF_N=0); run it by hand with BUDGET_PERF_N=100000.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BUDGET_BIN="${BUDGET_BIN:-$(swift build --show-bin-path)/budget}"
export BUDGET_PERF_N="${BUDGET_PERF_N:-0}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -m unittest discover -s Tests/browser -v
