#!/usr/bin/env bash
# Fails unless the compose stage left nothing behind: no container, volume, network or image of
# its projects (mg-stage-*); after a private engine (whose data-root, build cache included, is
# deleted) also no dockerd, no DOCKER iptables chains, no docker0, forwarding as it was.
#   scripts/docker/check-clean.sh PRIVATE(yes|no) IP_FORWARD_BEFORE FORWARD_POLICY_BEFORE
set -uo pipefail
private=$1 forward_before=$2 policy_before=${3:-}
problems=()
if [ "$private" = yes ]; then
  pgrep -f -- "--exec-root ${ENGINE_DIR:-/tmp/movie-genie-engine}/exec" >/dev/null && problems+=("a private dockerd still runs")
  [ -e "${ENGINE_DIR:-/tmp/movie-genie-engine}" ] && problems+=("engine folder left")
  iptables-save 2>/dev/null | grep -q 'DOCKER' && problems+=("DOCKER iptables chains left")
  ip -o link show type bridge | grep -qE ': (docker0|br-[0-9a-f]{12})[:@]' && problems+=("docker0 or a compose bridge left")
  [ "$(iptables -S FORWARD | sed -n 's/^-P FORWARD //p')" = "$policy_before" ] || problems+=("FORWARD policy changed")
  [ "$(sysctl -n net.ipv4.ip_forward)" = "$forward_before" ] || problems+=("ip_forward changed")
else
  label=label=com.docker.compose.project
  [ -n "$(docker ps -aq --filter "$label" | xargs -r docker inspect -f '{{index .Config.Labels "com.docker.compose.project"}}' | grep '^mg-stage-')" ] && problems+=("containers left")
  docker volume ls --format '{{.Name}}' | grep -q '^mg-stage-' && problems+=("volumes left")
  docker network ls --format '{{.Name}}' | grep -q '^mg-stage-' && problems+=("networks left")
  docker image ls --format '{{.Repository}}' | grep -qE '^movie-genie(-local)?/' && problems+=("images left")
fi
if [ ${#problems[@]} -gt 0 ]; then
  printf 'compose-stage: left behind: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "compose-stage: nothing left behind (containers, volumes, networks, images$([ "$private" = yes ] && echo ', build cache, dockerd, iptables, docker0, ip_forward'))"
