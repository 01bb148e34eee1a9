#!/usr/bin/env bash
# make test-fast: the tests that need no server, pytest (-m fast, random order) and Vitest side by
# side (one core each on CI's two), Vitest's output after pytest's; prints the time taken.
# pytest-randomly prints its seed ("Using --randomly-seed=N"): pass that to repeat an order.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
vitest_log=$(mktemp)
npm --prefix services/frontend test -- --run >"$vitest_log" 2>&1 &
vitest=$!
.venv/bin/python -m pytest -m fast -p randomly --durations=5; pytest_status=$?  # prints its seed
wait "$vitest"; vitest_status=$?
cat "$vitest_log"; rm -f "$vitest_log"
echo "make test-fast: $(( $(date +%s) - start )) s (pytest exit $pytest_status, vitest exit $vitest_status)"
[ "$pytest_status" = 0 ] && [ "$vitest_status" = 0 ]
