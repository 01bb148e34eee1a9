#!/usr/bin/env bash
# `make demo`: the whole stack as native processes under honcho (see Procfile), on embedded
# defaults in one state directory. Ctrl-C stops every process it started. Re-running reuses the
# state: DVC trains nothing that has not changed.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEMO_STATE_DIR=$(realpath -m "${DEMO_STATE_DIR:-$PWD/.state/demo}")
export MLFLOW_PORT=${MLFLOW_PORT:-5000} METRICS_API_PORT=${METRICS_API_PORT:-5001} WEB_PORT=${WEB_PORT:-8080}
# The recommender reads the data the demo's pipeline prepares in its workspace (demo_pipeline.py).
export RECOMMENDER_PORT=${RECOMMENDER_PORT:-5002} RECOMMENDER_DATA_DIR=$DEMO_STATE_DIR/pipeline/data/processed
export METRICS_API_RECOMMENDER_URL=http://127.0.0.1:$RECOMMENDER_PORT
export MLFLOW_STATE_DIR=$DEMO_STATE_DIR/mlflow MLFLOW_ACCESS_LOG=${MLFLOW_ACCESS_LOG:-false}
export MLFLOW_TRACKING_URI=http://127.0.0.1:$MLFLOW_PORT
export MLFLOW_UI_URL=${MLFLOW_UI_URL:-http://localhost:$MLFLOW_PORT}
export API_UPSTREAM=http://127.0.0.1:$METRICS_API_PORT
export PATH=$PWD/.venv/bin:$PATH PYTHONUNBUFFERED=1 DVC_NO_ANALYTICS=1
# Local only unless DEMO_HOST says otherwise (e.g. 0.0.0.0 inside a VM).
export MLFLOW_HOST=${DEMO_HOST:-127.0.0.1} METRICS_API_HOST=${DEMO_HOST:-127.0.0.1}
export WEB_LISTEN=${DEMO_HOST:-127.0.0.1}:$WEB_PORT

for port in "$MLFLOW_PORT" "$METRICS_API_PORT" "$RECOMMENDER_PORT" "$WEB_PORT"; do
  if python -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)) != 0)"; then
    echo "demo: port $port is in use; set MLFLOW_PORT / METRICS_API_PORT / RECOMMENDER_PORT / WEB_PORT to free ones" >&2
    exit 1
  fi
done

mkdir -p "$DEMO_STATE_DIR"
rm -f "$DEMO_STATE_DIR/READY"
# MLflow runs with its basic-auth: an admin and the two service accounts, generated once per state
# directory (0600) and printed when the demo is ready. Promotion: sign in on the dashboard.
credentials=$DEMO_STATE_DIR/credentials.env
if [ ! -s "$credentials" ]; then
  (umask 077; python - > "$credentials" <<'PY'
import secrets
for name in ("MLFLOW_AUTH_ADMIN_PASSWORD", "MLFLOW_FLASK_SERVER_SECRET_KEY",
             "MLFLOW_TRAINER_PASSWORD", "MLFLOW_METRICS_API_PASSWORD"):
    print(f"{name}={secrets.token_urlsafe(18)}")
PY
  )
fi
set -a; . "$credentials"; set +a
export MLFLOW_AUTH=true MLFLOW_AUTH_ADMIN_USERNAME=admin
# The token path is for automation only: off unless the caller sets one.
export METRICS_API_PROMOTE_TOKEN=${METRICS_API_PROMOTE_TOKEN:-}
echo "demo: state in $DEMO_STATE_DIR; MLflow :$MLFLOW_PORT, API :$METRICS_API_PORT, dashboard :$WEB_PORT"
# -e /dev/null: the compose .env is not the demo's environment.
exec honcho --no-colour -e /dev/null -f Procfile start
