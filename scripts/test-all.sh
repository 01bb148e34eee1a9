#!/usr/bin/env bash
# `make test`: lint, the fast tier and the server tests, with the compose stage running beside
# them wherever a Docker engine can be had (scripts/compose-stage.sh says why when none can).
# Side by side because each mostly waits on something else (the stage on downloads, image builds
# and containers; the server tests on the servers they start), so on 2 cores the whole run takes
# little more than the longer of the two. COMPOSE_STAGE=after runs the stage after the others,
# COMPOSE_STAGE=off leaves it out.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${COMPOSE_STAGE:-beside}
case $mode in beside | after | off) ;; *)
  echo "make test: COMPOSE_STAGE must be beside, after or off (got '$mode')" >&2; exit 2 ;;
esac
SECONDS=0
stage_log=.state/compose-stage.log
stage_pid=
start_stage() {
  mkdir -p .state
  COMPOSE_STAGE_OPTIONAL=1 scripts/compose-stage.sh >"$stage_log" 2>&1 &
  stage_pid=$!
  echo "make test: compose stage started (log: $stage_log; its summary follows the other tests)"
}
finish_stage() {  # waits for the stage, prints its log, returns its status
  local status=0
  wait "$stage_pid" || status=$?
  stage_pid=
  echo "==================== compose stage (rc=$status) ===================="
  cat "$stage_log"
  return "$status"
}
# Ctrl-C or a CI timeout: the stage gets SIGTERM too, so it still removes what it made.
trap '[ -n "$stage_pid" ] && kill -TERM "$stage_pid" 2>/dev/null && wait "$stage_pid"; exit 130' INT TERM

# Both at the same priority: niced, the server tests' browsers and wall-clock waits would starve
# while the stage trains or builds.
[ "$mode" = beside ] && start_stage
others=0
make --no-print-directory lint test-fast test-servers || others=$?
stage=0
if [ "$mode" = after ]; then start_stage; fi
if [ "$mode" = off ]; then
  echo "make test: compose stage left out (COMPOSE_STAGE=off)"
else
  finish_stage || stage=$?
fi
echo "make test: lint, fast tier and server tests rc=$others; compose stage rc=$stage;" \
  "$((SECONDS / 60)) min $((SECONDS % 60)) s in all"
[ "$others" = 0 ] && [ "$stage" = 0 ]
