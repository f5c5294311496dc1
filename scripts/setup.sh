#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for building and testing (run as root), then nothing else.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
# fonts-noto-cjk: without a CJK font the headless browser's screenshots and LibreOffice's renders of
# the tables and the document show every Chinese character as a box, so neither can be checked by eye.
apt-get install -y libsqlite3-dev libxlsxwriter-dev chromium chromium-driver python3-selenium python3-docx fonts-noto-cjk
