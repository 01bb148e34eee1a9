#!/usr/bin/env bash
# Fails unless the compose stage left nothing behind.
#   scripts/docker/check-clean.sh engine [private]   # on the engine (before a private one stops):
#       no container, volume, network or image of the stage's project (COMPOSE_STAGE_PROJECT
#       names it, and prefixes its images and local bases); on a private engine images and build
#       cache are left to go with its data-root, which `host` then checks is gone
#   scripts/docker/check-clean.sh host IP_FORWARD_BEFORE FORWARD_POLICY_BEFORE
#       # after a private engine stopped: no dockerd of its own, no engine folder (data-root),
#       # no DOCKER iptables chains, no docker0 or compose bridge, forwarding and policy as before
set -uo pipefail
ENGINE_DIR=${ENGINE_DIR:-/tmp/movie-genie-engine}
problems=()

check_engine() {
  local project=${COMPOSE_STAGE_PROJECT:?the stage\'s project name} type count
  [ -n "$(docker ps -aq --filter "label=com.docker.compose.project=$project")" ] && problems+=("containers")
  docker volume ls --format '{{.Name}}' | grep -q "^${project}_" && problems+=("volumes")
  docker network ls --format '{{.Name}}' | grep -q "^${project}_" && problems+=("networks")
  what="containers, volumes, networks"
  [ "${1:-}" = private ] && { what="$what; images and build cache go with the data-root"; return; }
  docker image ls -a --format '{{.Repository}}' | grep -q "^$project" && problems+=("images")
  what="$what, images"
}

check_host() {
  local forward_before=$1 policy_before=${2:-}
  pgrep -f -- "--exec-root $ENGINE_DIR/exec" >/dev/null && problems+=("a private dockerd still runs")
  [ -e "$ENGINE_DIR" ] && problems+=("the engine folder and its data-root")
  grep -q " $ENGINE_DIR/" /proc/mounts && problems+=("mounts under the engine folder (tmpfs data-root, overlays)")
  iptables-save 2>/dev/null | grep -q 'DOCKER' && problems+=("DOCKER iptables chains")
  ip -o link show type bridge | grep -qE ': (docker0|br-[0-9a-f]{12})[:@]' && problems+=("docker0 or a compose bridge")
  [ "$(iptables -S FORWARD | sed -n 's/^-P FORWARD //p')" = "$policy_before" ] || problems+=("a changed FORWARD policy")
  [ "$(sysctl -n net.ipv4.ip_forward)" = "$forward_before" ] || problems+=("a changed ip_forward")
  what="dockerd, data-root, iptables, docker0, ip_forward"
}

case "${1:-}" in
  engine) check_engine "${2:-}" ;;
  host) check_host "$2" "${3:-}" ;;
  *) echo "usage: $0 engine [private] | host IP_FORWARD_BEFORE FORWARD_POLICY_BEFORE" >&2; exit 2 ;;
esac
if [ ${#problems[@]} -gt 0 ]; then
  printf 'compose-stage: left behind: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "compose-stage: nothing left behind ($what)"
