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

no_engine() {
  log "$1: stage not run"
  [ "${COMPOSE_STAGE_OPTIONAL:-0}" = 1 ] && exit 0 || exit 1
}
private=no
if ! docker version >/dev/null 2>&1 || [ "${COMPOSE_STAGE_ENGINE:-}" = private ]; then
  [ "$(id -u)" = 0 ] || no_engine "no Docker engine answers and only root can start one"
  command -v dockerd >/dev/null \
    || apt-cache policy docker.io 2>/dev/null | grep -q 'Candidate: [0-9]' \
    || no_engine "no Docker engine answers, and Debian's docker.io is neither installed nor installable"
  private=yes
fi

# Phase timings and measured figures (tests/compose/report.py adds its own), printed at the end.
report=$(mktemp)
export COMPOSE_STAGE_REPORT=$report
mark=$started
phase_done() { local now; now=$(date +%s); printf 'phase %s\t%s s\n' "$1" "$((now - mark))" >> "$report"; mark=$now; }
log "load at start: $(uptime)"

# Every name the stage makes starts with its project's: compose project, images, local bases.
export COMPOSE_STAGE_PROJECT=mg-stage-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
export LOCAL_BASES_TAG=$COMPOSE_STAGE_PROJECT-local
wheels_pid=
before_forward=$(sysctl -n net.ipv4.ip_forward)
before_policy=$(iptables -S FORWARD 2>/dev/null | sed -n 's/^-P FORWARD //p')
cleanup() {
  local status=$?
  set +e
  [ -n "$wheels_pid" ] && kill "$wheels_pid" 2>/dev/null
  mark=$(date +%s)
  log "image sizes:"
  docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep "^$COMPOSE_STAGE_PROJECT" \
    | sort | sed 's/^/  /'
  if [ "$private" = yes ]; then
    # Everything on the private engine is the stage's own and lives in its data-root, which
    # engine.sh stop deletes whole (check-clean.sh host checks it is gone): quicker than pruning.
    scripts/docker/check-clean.sh engine private || status=1
    scripts/docker/engine.sh stop
    scripts/docker/check-clean.sh host "$before_forward" "$before_policy" || status=1
  else
    # An engine that was there before: the images this stage built or tagged, then the build
    # cache that no image uses any more.
    docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$COMPOSE_STAGE_PROJECT" \
      | xargs -r docker image rm -f >/dev/null
    docker builder prune -f >/dev/null
    scripts/docker/check-clean.sh engine || status=1
  fi
  phase_done "clean-up (images, build cache, engine) and its check"
  local took=$(( $(date +%s) - started ))
  log "summary ($([ "$status" = 0 ] && echo passed || echo FAILED)):"
  sed 's/\t/: /; s/^/  /' "$report"
  echo "  total: $took s ($((took / 60)) min $((took % 60)) s; target <= 900 s on 2 cores: $([ "$took" -le 900 ] && echo met || echo MISSED))"
  echo "  load at end: $(uptime)"
  rm -f "$report"
  exit "$status"
}
# An engine that cannot start (no privileges for overlay mounts or iptables, say) cannot be had.
if [ "$private" = yes ]; then
  engine=0; scripts/docker/engine.sh start || engine=$?
  [ "$engine" = 3 ] && { log "another stage's engine is running: wait for it"; exit 1; }
  if [ "$engine" != 0 ]; then
    scripts/docker/engine.sh stop
    no_engine "the private Docker engine did not start (its log above)"
  fi
  eval "$(scripts/docker/engine.sh env)"
fi
trap cleanup EXIT
docker compose version >/dev/null || { log "docker compose (v2) is missing"; exit 1; }
phase_done "engine"

if [ "${COMPOSE_STAGE_BASES:-local}" = local ]; then
  eval "$(scripts/docker/build-local-bases.sh)"
  phase_done "local base images"
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
tests_status=0
.venv/bin/python -m pytest -m compose tests/compose -p no:cacheprovider -s -q || tests_status=$?
phase_done "tests/compose in all (its phases above, the checks between them)"
exit "$tests_status"
