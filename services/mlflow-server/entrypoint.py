"""Entrypoint of the MLflow tracking server, used by the container and the native launcher alike.

1. waits (bounded) for the backend database, failing with a message that names its host;
2. starts ``mlflow server`` with stores, artifact proxying, workers and allowed hosts from the env;
3. forwards SIGTERM/SIGINT to the server's whole process group, so no uvicorn worker outlives it.

Environment (defaults give the embedded, single-machine setup):
  MLFLOW_BACKEND_STORE_URI      default sqlite:///$MLFLOW_STATE_DIR/mlflow.db
  MLFLOW_ARTIFACTS_DESTINATION  default $MLFLOW_STATE_DIR/artifacts (s3://bucket in compose)
  MLFLOW_STATE_DIR              default ./.state/mlflow
  MLFLOW_HOST / MLFLOW_PORT     default 0.0.0.0 / 5000
  MLFLOW_WORKERS                default 1
  MLFLOW_ALLOWED_HOSTS          default: MLflow's own (localhost and private addresses)
  MLFLOW_DB_WAIT_SECONDS        default 60: how long to wait for the database
  MLFLOW_ACCESS_LOG             default true; false drops the per-request log lines
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from wait_for_backend import BackendUnavailable, wait_for_backend


def server_command(env: dict[str, str]) -> list[str]:
    state_dir = Path(env.get("MLFLOW_STATE_DIR", ".state/mlflow")).resolve()
    backend = env.get("MLFLOW_BACKEND_STORE_URI") or f"sqlite:///{state_dir / 'mlflow.db'}"
    artifacts = env.get("MLFLOW_ARTIFACTS_DESTINATION") or str(state_dir / "artifacts")
    if backend.startswith("sqlite:") or "://" not in artifacts:
        state_dir.mkdir(parents=True, exist_ok=True)
    access_log = env.get("MLFLOW_ACCESS_LOG", "true").lower() not in ("0", "false", "no")
    return [
        sys.executable, "-m", "mlflow", "server",
        *([] if access_log else ["--uvicorn-opts", "--no-access-log"]),
        "--backend-store-uri", backend,
        "--serve-artifacts",
        "--artifacts-destination", artifacts,
        "--host", env.get("MLFLOW_HOST", "0.0.0.0"),
        "--port", env.get("MLFLOW_PORT", "5000"),
        "--workers", env.get("MLFLOW_WORKERS", "1"),
        *(["--allowed-hosts", hosts] if (hosts := env.get("MLFLOW_ALLOWED_HOSTS")) else []),
    ]


def main() -> int:
    env = dict(os.environ)
    # Background job execution costs gigabytes and tens of seconds at start-up; nothing needs it.
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    command = server_command(env)
    backend = command[command.index("--backend-store-uri") + 1]
    try:
        wait_for_backend(backend, timeout=float(env.get("MLFLOW_DB_WAIT_SECONDS", "60")))
    except BackendUnavailable as error:
        print(f"mlflow-server: {error}", file=sys.stderr, flush=True)
        return 1
    print(f"mlflow-server: starting on {env.get('MLFLOW_HOST', '0.0.0.0')}:"
          f"{env.get('MLFLOW_PORT', '5000')}", flush=True)
    server = subprocess.Popen(command, env=env, start_new_session=True)

    def stop(signum, _frame):
        try:
            os.killpg(server.pid, signum if signum != signal.SIGINT else signal.SIGTERM)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = server.wait()
    try:  # whatever the CLI left behind in its group goes with it
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    return 0 if code in (0, -signal.SIGTERM) else code


if __name__ == "__main__":
    sys.exit(main())
