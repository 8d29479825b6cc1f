#!/usr/bin/env bash
# Installs the Debian packages that build and run the container image locally (make image,
# tests/deploy): podman with runc, and mmdebstrap for the local base image. Kept apart from
# scripts/system-packages.sh so the other tests never wait for podman.
# Idempotent and quiet: installs only what is missing. Needs root or sudo and apt-get.
set -euo pipefail
PACKAGES=(podman runc catatonit mmdebstrap uidmap slirp4netns fuse-overlayfs)
BINARIES=(/usr/bin/podman /usr/sbin/runc /usr/bin/catatonit /usr/bin/mmdebstrap /usr/bin/newuidmap /usr/bin/slirp4netns /usr/bin/fuse-overlayfs)

. "$(dirname "$0")/lib/debian-packages.sh"
install_missing "building the image"
