#!/usr/bin/env bash
# Builds the container image localhost/valkommen:dev (`make image`), reusing it when nothing it
# is made of changed. Steps:
#   1. podman, runc and mmdebstrap (scripts/container-packages.sh), podman's settings for this
#      machine (deploy/podman/containers.conf through CONTAINERS_CONF);
#   2. the base image: the official python:3.10-slim when IMAGE_BASE names it and a registry is
#      reachable; by default (no registry on these machines) localhost/valkommen-base:bookworm,
#      built here from Debian bookworm packages (mmdebstrap, minbase) plus this machine's Python
#      3.10 (the one scripts/setup.sh finds, copied to /usr/local like the official image);
#   3. the trained model (scripts/train.sh: MODEL_PATH, trained only when data changed);
#   4. a build context with only what the image needs (the files listed in IMAGE_FILES below and
#      the model) and its content hash; `podman build` of Containerfile when no image carries
#      that hash yet.
# Settings: IMAGE (localhost/valkommen:dev), EDGE_IMAGE (localhost/valkommen-edge:dev), IMAGE_BASE (localhost/valkommen-base:bookworm),
# PIP_CACHE (a host directory mounted as pip's cache during the build, /var/cache/valkommen-pip),
# `scripts/image.sh --force` rebuilds the project image (not the base); `--base` builds only the base.
# Prints IMAGE=<name>, ID=<image id>, SIZE=<bytes> at the end.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

IMAGE="${IMAGE:-localhost/valkommen:dev}"
EDGE_IMAGE="${EDGE_IMAGE:-localhost/valkommen-edge:dev}"  # the Containerfile's edge stage (local runs only)
IMAGE_BASE="${IMAGE_BASE:-localhost/valkommen-base:bookworm}"
PIP_CACHE="${PIP_CACHE:-/var/cache/valkommen-pip}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/deploy/podman/containers.conf}"
FORCE="${1:-}"

# What the running containers need (the image has no tests, NLU data, tools or benchmarks).
IMAGE_FILES=(Containerfile requirements.txt config.yml domain.yml endpoints.yml credentials.yml languages.yml
  deploy/endpoints.scaleout.yml valkommen actions locales data)

# Debian packages of the local base: the shared libraries the Python build and the wheels in
# requirements.txt load (checked with ldd), CA certificates and time zones.
BASE_PACKAGES=(ca-certificates tzdata libssl3 libffi8 libsqlite3-0 libbz2-1.0 liblzma5 zlib1g
  libreadline8 libncursesw6 libuuid1 libexpat1 libcrypt1 libnsl2 libtirpc3 libstdc++6 libgomp1)

"$ROOT/scripts/container-packages.sh"

find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" $(ls -d "$HOME"/.pyenv/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V) \
      "$(command -v python3.10 || true)" /usr/local/bin/python3.10 /usr/bin/python3.10; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

build_local_base() {
  local python prefix version recipe tar
  python=$(find_python310) || { echo "error: no Python 3.10 to put into the base image (set PYTHON310)" >&2; exit 1; }
  prefix=$("$python" -c 'import sys; print(sys.base_prefix)')
  version=$("$python" -c 'import platform; print(platform.python_version())')
  recipe=$( { sed -n '/^BASE_PACKAGES=/,/^$/p;/^build_local_base/,/^}/p' "$0"; echo "$prefix $version"; } | sha256sum | cut -c1-16)
  if podman image exists "$IMAGE_BASE" &&
     [ "$(podman image inspect --format '{{ index .Labels "valkommen.base-recipe" }}' "$IMAGE_BASE")" = "$recipe" ]; then
    echo "==> base image is up to date: $IMAGE_BASE"
    return
  fi
  case "$prefix" in /usr|/usr/local) echo "error: $python is a system Python ($prefix); use a self-contained build (pyenv) with PYTHON310" >&2; exit 1;; esac
  echo "==> building the base image $IMAGE_BASE (Debian bookworm minbase + Python $version from $prefix)"
  local start; start=$(date +%s)
  tar=$(mktemp -d /tmp/valkommen-base.XXXXXX)
  # Python goes to /usr/local (as in the official image); no tests, IDLE, Tk, static library,
  # pip or scripts whose #! names the host path. ldconfig makes /usr/local/lib's libpython found
  # (the binary's RUNPATH points at the host prefix, absent in the image).
  mmdebstrap --quiet --variant=minbase --mode=root --format=tar \
    --include="$(IFS=,; echo "${BASE_PACKAGES[*]}")" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook="tar -C '$prefix' --exclude=./lib/python3.10/test --exclude=./lib/python3.10/idlelib \
        --exclude=./lib/python3.10/tkinter --exclude=./lib/python3.10/turtledemo --exclude='./lib/python3.10/lib-dynload/_tkinter*' \
        --exclude=./lib/python3.10/site-packages --exclude='*.a' --exclude=./share --exclude=__pycache__ \
        --exclude='./bin/pip*' --exclude='./bin/idle*' --exclude='./bin/pydoc*' --exclude='./bin/2to3*' --exclude='./bin/*-config' \
        -cf - . | tar -C \"\$1/usr/local\" -xf -" \
    --customize-hook='mkdir -p "$1/usr/local/lib/python3.10/site-packages" && chroot "$1" /sbin/ldconfig' \
    --customize-hook='ln -sf python3.10 "$1/usr/local/bin/python3" && ln -sf python3.10 "$1/usr/local/bin/python"' \
    --customize-hook='chroot "$1" /usr/local/bin/python3.10 -m compileall -q -j0 -x lib2to3/tests /usr/local/lib/python3.10 >/dev/null 2>&1 || true' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm "$tar/base.tar" http://deb.debian.org/debian "deb http://deb.debian.org/debian-security bookworm-security main"
  podman import --quiet \
    --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/usr/local/bin/python3"]' \
    --change "LABEL valkommen.base-recipe=$recipe" \
    "$tar/base.tar" "$IMAGE_BASE" >/dev/null
  rm -rf "$tar"
  echo "==> base image built in $(( $(date +%s) - start )) s"
}

if [[ "$IMAGE_BASE" == localhost/valkommen-base:* ]]; then  # ours: built here (any tag)
  build_local_base
fi
[ "$FORCE" = "--base" ] && exit 0

"$ROOT/scripts/train.sh"

# The build context: the image's files as tracked by git (plus new, not ignored ones) and the model.
context=$(mktemp -d /tmp/valkommen-image.XXXXXX)
trap 'rm -rf "$context"' EXIT
git ls-files -z --cached --others --exclude-standard -- "${IMAGE_FILES[@]}" \
  | while IFS= read -r -d '' file; do [ -f "$file" ] && printf '%s\0' "$file"; done \
  | tar --null -T - -cf - | tar -C "$context" -xf -
mkdir -p "$context/models"
cp "$MODEL_PATH" "$context/models/valkommen.tar.gz"
hash=$( (cd "$context" && find . -type f -print0 | sort -z | xargs -0 sha256sum; echo "$IMAGE_BASE $(podman image inspect --format '{{.Id}}' "$IMAGE_BASE" 2>/dev/null)") \
  | sha256sum | cut -c1-16)

if [ "$FORCE" != "--force" ] && podman image exists "$IMAGE" && podman image exists "$EDGE_IMAGE" &&
   [ "$(podman image inspect --format '{{ index .Labels "valkommen.content-hash" }}' "$IMAGE")" = "$hash" ]; then
  echo "==> image is up to date: $IMAGE ($hash)"
else
  echo "==> building $IMAGE on $IMAGE_BASE (content $hash)"
  start=$(date +%s)
  mkdir -p "$PIP_CACHE"
  # The host's CA bundle (it may hold a proxy's CA that pip needs), mounted for the build only.
  ca=()
  host_ca="${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}"
  [ -f "$host_ca" ] && ca=(--volume "$host_ca:/run/host-ca.crt:ro" --build-arg PIP_CERT=/run/host-ca.crt)
  podman build "${ca[@]}" --quiet --network host --layers \
    --build-arg BASE="$IMAGE_BASE" --label "valkommen.content-hash=$hash" \
    --volume "$PIP_CACHE:/root/.cache/pip" \
    -f "$context/Containerfile" -t "$IMAGE" "$context" >/dev/null
  podman build --quiet --network host --layers --target edge \
    --build-arg BASE="$IMAGE_BASE" --label "valkommen.content-hash=$hash" \
    -f "$context/Containerfile" -t "$EDGE_IMAGE" "$context" >/dev/null
  echo "==> image built in $(( $(date +%s) - start )) s"
  # Keep the store small: older builds of this image and dangling layers.
  podman image prune --force >/dev/null 2>&1 || true
fi
echo "IMAGE=$IMAGE"
echo "EDGE_IMAGE=$EDGE_IMAGE"
echo "ID=$(podman image inspect --format '{{.Id}}' "$IMAGE")"
echo "SIZE=$(podman image inspect --format '{{.Size}}' "$IMAGE")"
