"""The metrics API as its container runs it: ``gunicorn -c gunicorn.conf.py
"metrics_api:create_app()"`` in services/metrics-api, for tests and benchmarks."""

from __future__ import annotations

import sys
from pathlib import Path

from .process import ManagedProcess

SERVICE = Path(__file__).resolve().parents[2] / "services" / "metrics-api"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
COMMAND = [GUNICORN, "-c", "gunicorn.conf.py", "metrics_api:create_app()"]


def metrics_api_process(log_path: Path, env: dict[str, str]) -> ManagedProcess:
    """Not started yet: ``.start(ready, timeout)`` with the readiness check the caller needs."""
    return ManagedProcess("metrics-api", COMMAND, log_path, env=env, cwd=SERVICE)
