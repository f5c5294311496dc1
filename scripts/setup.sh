#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for building and testing (run as root), then nothing else.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y libsqlite3-dev libxlsxwriter-dev chromium chromium-driver python3-selenium python3-docx
