#!/usr/bin/env bash
# Installs the Debian packages the tests and the scale-out setup need, once:
# Chromium (browser tests), Redis, PostgreSQL, nginx and openssl (scale-out tests; openssl makes
# the edge's self-signed certificate and is not in every Debian image, e.g. the slim ones).
# Idempotent: installs only what is missing. Needs root or sudo and apt-get.
set -euo pipefail
PACKAGES=(chromium fonts-dejavu-core fonts-sil-abyssinica fonts-noto-color-emoji redis-server postgresql nginx-light openssl)
BINARIES=(/usr/bin/chromium /usr/share/fonts/truetype/dejavu /usr/share/fonts/truetype/abyssinica /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf /usr/bin/redis-server /usr/lib/postgresql /usr/sbin/nginx /usr/bin/openssl)

missing=()
for i in "${!PACKAGES[@]}"; do
  [ -e "${BINARIES[$i]}" ] || missing+=("${PACKAGES[$i]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "error: the tests need the Debian packages ${missing[*]}; run as root or install them:" >&2
  echo "       apt-get install ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: no apt-get here; install ${missing[*]} with your system's package manager" >&2
  exit 1
fi
echo "==> installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
# Services must not start themselves: the project starts its own on loopback.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${SUDO[@]}" chmod +x /usr/sbin/policy-rc.d
  trap '"${SUDO[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
