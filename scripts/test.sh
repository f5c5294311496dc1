#!/usr/bin/env bash
# Runs every test: the Swift suites (which read ../shared/reference beside the checkout) and the
# browser end-to-end tests (headless Chromium; scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test
if [ -f Tests/browser/run.sh ]; then
  bash Tests/browser/run.sh
fi
