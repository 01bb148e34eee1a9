#!/usr/bin/env bash
# Installs what the stack needs, only what is missing or changed: Debian packages (as root),
# the Python venv (.venv) from the pinned requirements, and the frontend's npm packages.
# Usage: scripts/bootstrap.sh [python] [node] [system]   (no argument: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
parts=${*:-system python node}

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

if [[ " $parts " == *" system "* ]]; then
  missing=()
  [ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql)
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v chromium >/dev/null || missing+=(chromium fonts-liberation)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "bootstrap: installing Debian packages: ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "bootstrap: missing Debian packages (run as root to install): ${missing[*]}" >&2
    fi
  fi
fi

if [[ " $parts " == *" python "* ]]; then
  want=$(cat requirements-dev.txt services/*/requirements*.txt services/*/pyproject.toml 2>/dev/null | sha256sum | cut -c1-16)
  if ! stamp_ok .venv/.bootstrap-stamp "$want"; then
    echo "bootstrap: installing Python packages into .venv (first run takes a few minutes)"
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check --upgrade pip
    .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
    .venv/bin/pip install -q --disable-pip-version-check --no-deps -r services/trainer/requirements-nodeps.txt
    for pkg in services/secret-rule services/trainer services/metrics-api; do
      [ -f "$pkg/pyproject.toml" ] && .venv/bin/pip install -q --disable-pip-version-check --no-deps -e "$pkg"
    done
    echo "$want" > .venv/.bootstrap-stamp
  fi
fi

if [[ " $parts " == *" node "* ]] && [ -f services/frontend/package-lock.json ]; then
  want=$(sha256sum services/frontend/package-lock.json | cut -c1-16)
  if ! stamp_ok services/frontend/node_modules/.bootstrap-stamp "$want"; then
    echo "bootstrap: installing frontend npm packages"
    (cd services/frontend && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > services/frontend/node_modules/.bootstrap-stamp
  fi
fi
