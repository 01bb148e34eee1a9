"""The real metrics-api under gunicorn, with the command line its container runs."""

from __future__ import annotations

import os
from pathlib import Path

from tests.harness.metrics_api import metrics_api_process
from tests.harness.mlflow_server import CLIENT_SECRETS
from tests.harness.process import ManagedProcess, free_port, http_ok


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
    process = metrics_api_process(log_dir / "metrics-api.log", env).start(
        http_ok(f"http://127.0.0.1:{port}/api/health"), timeout=60
    )
    return process, f"http://127.0.0.1:{port}"
