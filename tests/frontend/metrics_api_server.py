"""The real metrics-api under gunicorn, with the command line its container runs."""

from __future__ import annotations

from pathlib import Path

from tests.harness.process import ManagedProcess
from tests.harness.services import METRICS_API, start_service


def start_metrics_api(
    log_dir: Path,
    tracking_uri: str,
    experiment: str,
    promote_token: str,
    mlflow_ui_url: str,
    client_env: dict[str, str] | None = None,
    **extra_env: str,
) -> tuple[ManagedProcess, str]:
    settings = {
        "MLFLOW_TRACKING_URI": tracking_uri,
        "MLFLOW_EXPERIMENT_NAME": experiment,
        "MLFLOW_UI_URL": mlflow_ui_url,
        "METRICS_API_PROMOTE_TOKEN": promote_token,
        # The production worker count: a promotion shows at once on either worker.
        "METRICS_API_WORKERS": "2",
        "METRICS_API_THREADS": "4",
        **extra_env,
        **(client_env or {}),
    }
    return start_service(METRICS_API, log_dir / "metrics-api.log", settings, timeout=60)
