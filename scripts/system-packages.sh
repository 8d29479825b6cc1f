#!/usr/bin/env bash
# Installs the Debian packages the tests and the scale-out setup need, once:
# Chromium (browser tests), Redis, PostgreSQL, nginx and openssl (scale-out tests; openssl makes
# the edge's self-signed certificate and is not in every Debian image, e.g. the slim ones).
# poppler-utils and zbar-tools read the posters back (tests/telegram/test_posters.py).
# Idempotent: installs only what is missing. Needs root or sudo and apt-get.
set -euo pipefail
PACKAGES=(chromium fonts-dejavu-core fonts-sil-abyssinica fonts-noto-color-emoji redis-server postgresql nginx-light openssl poppler-utils zbar-tools)
BINARIES=(/usr/bin/chromium /usr/share/fonts/truetype/dejavu /usr/share/fonts/truetype/abyssinica /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf /usr/bin/redis-server /usr/lib/postgresql /usr/sbin/nginx /usr/bin/openssl /usr/bin/pdftoppm /usr/bin/zbarimg)

. "$(dirname "$0")/lib/debian-packages.sh"
install_missing "the tests"
