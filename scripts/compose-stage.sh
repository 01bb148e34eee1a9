#!/usr/bin/env bash
# The compose test stage (`make test-compose`; `make test` runs it when an engine can be had):
# builds every image, runs the stack and `make train` as README says, checks it through the
# published loopback ports (tests/compose), then removes everything it made and checks that.
#   Engine: the one DOCKER_HOST / the default socket answers on; else, as root, a private dockerd
#   (scripts/docker/engine.sh, installing docker.io if missing), stopped at the end.
#   Bases: local ones from scripts/docker/build-local-bases.sh (COMPOSE_STAGE_BASES=official
#   uses the pinned official images instead, where Docker Hub can be reached).
#   Torch: the CPU wheel folder in PIP_FIND_LINKS, served on loopback to the trainer's build.
# Exit 0 with a message when no engine can be had and COMPOSE_STAGE_OPTIONAL=1 (make test).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
log() { echo "compose-stage: $*"; }
export COMPOSE_PROGRESS=${COMPOSE_PROGRESS:-quiet}

private=no
if ! docker version >/dev/null 2>&1 || [ "${COMPOSE_STAGE_ENGINE:-}" = private ]; then
  if [ "$(id -u)" != 0 ]; then
    log "no Docker engine answers and only root can start one: stage not run"
    [ "${COMPOSE_STAGE_OPTIONAL:-0}" = 1 ] && exit 0 || exit 1
  fi
  private=yes
fi

wheels_pid=
before_forward=$(sysctl -n net.ipv4.ip_forward)
before_policy=$(iptables -S FORWARD 2>/dev/null | sed -n 's/^-P FORWARD //p')
cleanup() {
  local status=$?
  set +e
  [ -n "$wheels_pid" ] && kill "$wheels_pid" 2>/dev/null
  log "image sizes:"
  docker image ls --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E 'movie-genie(-local)?/' | sort
  # Images this stage built or tagged, then the build cache: all of it on the private engine,
  # only what no image uses any more on an engine that was there before.
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -E '^movie-genie(-local)?/' \
    | xargs -r docker image rm -f >/dev/null
  if [ "$private" = yes ]; then docker builder prune -af >/dev/null; else docker builder prune -f >/dev/null; fi
  if [ "$private" = yes ]; then scripts/docker/engine.sh stop; fi
  if ! scripts/docker/check-clean.sh "$private" "$before_forward" "$before_policy"; then status=1; fi
  log "took $(( $(date +%s) - started )) s (budget 900 s on 2 cores)"
  exit "$status"
}
trap cleanup EXIT

if [ "$private" = yes ]; then
  scripts/docker/engine.sh start
  eval "$(scripts/docker/engine.sh env)"
fi
docker compose version >/dev/null || { log "docker compose (v2) is missing"; exit 1; }

if [ "${COMPOSE_STAGE_BASES:-local}" = local ]; then
  eval "$(scripts/docker/build-local-bases.sh)"
fi

torch_wheels=${PIP_FIND_LINKS:-}
if [ -n "$torch_wheels" ] && ls "$torch_wheels"/torch-*.whl >/dev/null 2>&1; then
  port=$(.venv/bin/python -c 'from tests.harness.process import free_port; print(free_port())')
  .venv/bin/python -m http.server "$port" --bind 127.0.0.1 --directory "$torch_wheels" \
    >/dev/null 2>&1 &
  wheels_pid=$!
  export TORCH_FIND_LINKS=http://127.0.0.1:$port/ TORCH_INDEX_URL=https://pypi.org/simple
  log "torch wheels from $torch_wheels on $TORCH_FIND_LINKS"
fi

log "building and checking the stack ($(( $(date +%s) - started )) s in)"
.venv/bin/python -m pytest -m compose tests/compose -p no:cacheprovider -s -q
