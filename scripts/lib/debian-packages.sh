# shellcheck shell=bash
# install_missing WHAT: installs, with apt-get, the entries of PACKAGES whose file in BINARIES (same
# index) is absent; nothing when all are there. WHAT names what needs them in the error message.
# Services the packages bring do not start themselves: the project starts its own on loopback.
# Sourced by scripts/system-packages.sh and scripts/container-packages.sh.
install_missing() {
  local what="$1" i
  local missing=()
  for i in "${!PACKAGES[@]}"; do
    [ -e "${BINARIES[$i]}" ] || missing+=("${PACKAGES[$i]}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "error: $what needs the Debian packages ${missing[*]}; run as root or install them:" >&2
      echo "       apt-get install ${missing[*]}" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: no apt-get here; install ${missing[*]} with your system's package manager" >&2
    return 1
  fi
  echo "==> installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  local policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo[@]}" chmod +x /usr/sbin/policy-rc.d
    policy=/usr/sbin/policy-rc.d
  fi
  local status=0
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
  [ -z "$policy" ] || "${sudo[@]}" rm -f "$policy"
  return $status
}
