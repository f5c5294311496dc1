#!/usr/bin/env bash
# Runs every test: the Swift suites (self-contained: the reference document is in Tests/Reference) and the
# browser end-to-end tests (headless Chromium; scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test
if [ -f Tests/browser/run.sh ]; then
  bash Tests/browser/run.sh
fi
