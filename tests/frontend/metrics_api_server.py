"""The real metrics-api under gunicorn, with the command line its container runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.harness.mlflow_server import CLIENT_SECRETS
from tests.harness.process import ManagedProcess, free_port, http_ok

API_DIR = Path(__file__).resolve().parents[2] / "services" / "metrics-api"


def start_metrics_api(
    log_dir: Path,
    tracking_uri: str,
    experiment: str,
    promote_token: str,
    mlflow_ui_url: str,
    client_env: dict[str, str] | None = None,
    **extra_env: str,
) -> tuple[ManagedProcess, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in CLIENT_SECRETS}
    env.update(
        {
            "MLFLOW_TRACKING_URI": tracking_uri,
            "MLFLOW_EXPERIMENT_NAME": experiment,
            "MLFLOW_UI_URL": mlflow_ui_url,
            "METRICS_API_PROMOTE_TOKEN": promote_token,
            "METRICS_API_HOST": "127.0.0.1",
            "METRICS_API_PORT": str(port),
            # The production worker count: a promotion shows at once on either worker.
            "METRICS_API_WORKERS": "2",
            "METRICS_API_THREADS": "4",
            **extra_env,
            **(client_env or {}),
        }
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = ManagedProcess(
        "metrics-api",
        [gunicorn, "-c", "gunicorn.conf.py", "metrics_api:create_app()"],
        log_dir / "metrics-api.log",
        env=env,
        cwd=API_DIR,
    ).start(http_ok(f"http://127.0.0.1:{port}/api/health"), timeout=60)
    return process, f"http://127.0.0.1:{port}"
