"""Entrypoint of the MLflow tracking server, used by the container and the native launcher alike.

1. refuses empty, placeholder or too-short secrets, naming the variable (secrets_check.py);
2. waits (bounded) for the backend database, failing with a message that names its host;
3. runs ``mlflow db upgrade`` when the database's schema is behind (schema.py);
4. with MLFLOW_AUTH=true: writes the basic-auth config and creates the roles, the admin and the
   service accounts in the auth store on the same database (accounts.py), then starts the server
   as MLflow's ``basic-auth`` app and, once it answers, creates the team's experiment and
   registered models as the admin;
5. starts ``mlflow server`` with stores, artifact proxying, workers and allowed hosts from the env;
6. forwards SIGTERM/SIGINT to the server's whole process group, so no uvicorn worker outlives it.

Environment (defaults give the embedded, single-machine setup):
  MLFLOW_BACKEND_STORE_URI      default sqlite:///$MLFLOW_STATE_DIR/mlflow.db
  MLFLOW_ARTIFACTS_DESTINATION  default $MLFLOW_STATE_DIR/artifacts (s3://bucket in compose)
  MLFLOW_STATE_DIR              default ./.state/mlflow
  MLFLOW_HOST / MLFLOW_PORT     default 0.0.0.0 / 5000
  MLFLOW_WORKERS                default 1
  MLFLOW_ALLOWED_HOSTS          default: MLflow's own (localhost and private addresses)
  MLFLOW_DB_WAIT_SECONDS        default 60: how long to wait for the database
  MLFLOW_ACCESS_LOG             default true; false drops the per-request log lines
  MLFLOW_AUTH                   default false; true: no anonymous access (compose sets it)
  MLFLOW_AUTH_ADMIN_USERNAME / MLFLOW_AUTH_ADMIN_PASSWORD    the admin (password required)
  MLFLOW_FLASK_SERVER_SECRET_KEY  the auth app's CSRF key (required with auth)
  MLFLOW_TRAINER_PASSWORD / MLFLOW_METRICS_API_PASSWORD      service accounts `trainer` and
                                `metrics-api` (usernames: MLFLOW_TRAINER_USERNAME, ...)
  MLFLOW_AUTH_DATABASE_URI      default: the backend store URI (own tables, same database)
  MLFLOW_AUTH_CACHE_TTL_SECONDS default 300: how long a checked password is trusted per worker
  MLFLOW_EXPERIMENT_NAME / MLFLOW_REGISTERED_MODELS   created by the admin at start (auth only)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import accounts
from secrets_check import WeakSecret, check_secret, check_uri_password
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_fixed
from wait_for_backend import BackendUnavailable, wait_for_backend

DEFAULT_MODELS = "movie-genie-two-tower,movie-genie-bert4rec"


def server_command(env: dict[str, str]) -> list[str]:
    state_dir = Path(env.get("MLFLOW_STATE_DIR", ".state/mlflow")).resolve()
    backend = env.get("MLFLOW_BACKEND_STORE_URI") or f"sqlite:///{state_dir / 'mlflow.db'}"
    artifacts = env.get("MLFLOW_ARTIFACTS_DESTINATION") or str(state_dir / "artifacts")
    if backend.startswith("sqlite:") or "://" not in artifacts:
        state_dir.mkdir(parents=True, exist_ok=True)
    access_log = env.get("MLFLOW_ACCESS_LOG", "true").lower() not in ("0", "false", "no")
    return [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        *([] if access_log else ["--uvicorn-opts", "--no-access-log"]),
        "--backend-store-uri",
        backend,
        "--serve-artifacts",
        "--artifacts-destination",
        artifacts,
        "--host",
        env.get("MLFLOW_HOST", "0.0.0.0"),
        "--port",
        env.get("MLFLOW_PORT", "5000"),
        "--workers",
        env.get("MLFLOW_WORKERS", "1"),
        *(["--allowed-hosts", hosts] if (hosts := allowed_hosts(env)) else []),
        *(["--app-name", "basic-auth"] if accounts.auth_enabled(env) else []),
    ]


def own_url(env: dict[str, str]) -> str:
    """Where this container's own calls (the seeding below) reach the server: its loopback."""
    host = env.get("MLFLOW_HOST", "0.0.0.0")
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{host}:{env.get('MLFLOW_PORT', '5000')}"


def allowed_hosts(env: dict[str, str]) -> str | None:
    """MLFLOW_ALLOWED_HOSTS plus the server's own loopback address, which the seeding uses: a
    team that lists only its public name would otherwise lock the entrypoint out (403, invalid
    Host). Loopback inside the container is no DNS-rebinding target. Unset: MLflow's defaults."""
    hosts = [h.strip() for h in env.get("MLFLOW_ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not hosts:
        return None
    own = own_url(env).removeprefix("http://")
    return ",".join(hosts if own in hosts else [*hosts, own])


def check_secrets(env: dict[str, str]) -> None:
    """Every secret this service is given; raises WeakSecret naming the variable."""
    for name in ("MLFLOW_BACKEND_STORE_URI", "MLFLOW_AUTH_DATABASE_URI"):
        if env.get(name):
            check_uri_password(name, env[name])
    if env.get("AWS_SECRET_ACCESS_KEY") is not None:
        check_secret("AWS_SECRET_ACCESS_KEY", env["AWS_SECRET_ACCESS_KEY"])
    if accounts.auth_enabled(env):
        accounts.check_auth_secrets(env)


def setup_auth(env: dict[str, str], backend: str, state_dir: Path) -> None:
    """Config file (its path handed to the server via MLFLOW_AUTH_CONFIG_PATH) and accounts."""
    database = env.get("MLFLOW_AUTH_DATABASE_URI") or backend
    env["MLFLOW_AUTH_CONFIG_PATH"] = str(
        accounts.write_config(state_dir / "basic_auth.ini", database, env)
    )
    for line in accounts.provision(database, env):
        print(f"mlflow-server: account {line}", flush=True)


def seed_when_up(env: dict[str, str], url: str, timeout: float = 300.0) -> None:
    """In the background: the team's experiment and registered models, created by the admin."""
    with contextlib.suppress(OSError):  # still down: the seeding below says why it failed
        for attempt in Retrying(
            retry=retry_if_exception_type(OSError),
            stop=stop_after_delay(timeout),
            wait=wait_fixed(0.5),
            reraise=True,
        ):
            with attempt, urllib.request.urlopen(f"{url}/health", timeout=2):
                pass
    models = [
        m.strip()
        for m in env.get("MLFLOW_REGISTERED_MODELS", DEFAULT_MODELS).split(",")
        if m.strip()
    ]
    try:
        accounts.seed_resources(
            url, env, env.get("MLFLOW_EXPERIMENT_NAME", "movie-genie-models"), models
        )
        print(f"mlflow-server: experiment and registered models {models} ready", flush=True)
    except Exception as error:  # noqa: BLE001 - the server keeps running; the trainer can create them
        print(
            f"mlflow-server: could not create the experiment/registered models: {error}",
            file=sys.stderr,
            flush=True,
        )


def main() -> int:
    env = dict(os.environ)
    # Background job execution costs gigabytes and tens of seconds at start-up; nothing needs it.
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    try:
        check_secrets(env)
    except WeakSecret as error:
        print(f"mlflow-server: refusing to start: {error}", file=sys.stderr, flush=True)
        return 2
    command = server_command(env)
    backend = command[command.index("--backend-store-uri") + 1]
    try:
        wait_for_backend(backend, timeout=float(env.get("MLFLOW_DB_WAIT_SECONDS", "60")))
    except BackendUnavailable as error:
        print(f"mlflow-server: {error}", file=sys.stderr, flush=True)
        return 1
    from schema import upgrade_if_behind  # imports MLflow's store code: after the checks

    upgrade_if_behind(backend)
    if accounts.auth_enabled(env):
        setup_auth(env, backend, Path(env.get("MLFLOW_STATE_DIR", ".state/mlflow")).resolve())
    print(
        f"mlflow-server: starting on {env.get('MLFLOW_HOST', '0.0.0.0')}:"
        f"{env.get('MLFLOW_PORT', '5000')}",
        flush=True,
    )
    server = subprocess.Popen(command, env=env, start_new_session=True)
    if accounts.auth_enabled(env):
        threading.Thread(target=seed_when_up, args=(env, own_url(env)), daemon=True).start()

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
