#!/usr/bin/env bash
# Installs the Debian packages that build and run the container image locally (make image,
# tests/deploy): podman with runc, and mmdebstrap for the local base image. Kept apart from
# scripts/system-packages.sh so the other tests never wait for podman.
# Idempotent and quiet: installs only what is missing. Needs root or sudo and apt-get.
set -euo pipefail
PACKAGES=(podman runc catatonit mmdebstrap uidmap slirp4netns fuse-overlayfs)
BINARIES=(/usr/bin/podman /usr/sbin/runc /usr/bin/catatonit /usr/bin/mmdebstrap /usr/bin/newuidmap /usr/bin/slirp4netns /usr/bin/fuse-overlayfs)

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
  echo "error: building the image needs the Debian packages ${missing[*]}; run as root or install them:" >&2
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
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
