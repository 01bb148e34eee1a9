"""The real recommender under gunicorn, with the command line its container runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.harness.mlflow_server import CLIENT_SECRETS
from tests.harness.process import ManagedProcess, free_port, http_ok

SERVICE_DIR = Path(__file__).resolve().parents[2] / "services" / "recommender"


def start_recommender(
    log_dir: Path,
    tracking_uri: str,
    data_dir: Path,
    client_env: dict[str, str] | None = None,
    **extra_env: str,
) -> tuple[ManagedProcess, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in CLIENT_SECRETS}
    env.update(
        {
            "MLFLOW_TRACKING_URI": tracking_uri,
            "RECOMMENDER_DATA_DIR": str(data_dir),
            "RECOMMENDER_HOST": "127.0.0.1",
            "RECOMMENDER_PORT": str(port),
            **extra_env,
            **(client_env or {}),
        }
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = ManagedProcess(
        "recommender",
        [gunicorn, "-c", "gunicorn.conf.py", "recommender_service:create_app()"],
        log_dir / "recommender.log",
        env=env,
        cwd=SERVICE_DIR,
    ).start(http_ok(f"http://127.0.0.1:{port}/health"), timeout=120)
    return process, f"http://127.0.0.1:{port}"
