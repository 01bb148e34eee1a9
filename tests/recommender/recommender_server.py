"""The real recommender under gunicorn, with the command line its container runs."""

from __future__ import annotations

from pathlib import Path

from tests.harness.process import ManagedProcess
from tests.harness.services import RECOMMENDER, start_service


def start_recommender(
    log_dir: Path,
    tracking_uri: str,
    data_dir: Path,
    client_env: dict[str, str] | None = None,
    **extra_env: str,
) -> tuple[ManagedProcess, str]:
    settings = {
        "MLFLOW_TRACKING_URI": tracking_uri,
        "RECOMMENDER_DATA_DIR": str(data_dir),
        **extra_env,
        **(client_env or {}),
    }
    return start_service(RECOMMENDER, log_dir / "recommender.log", settings)
