"""Our gunicorn services as their containers run them: ``gunicorn -c gunicorn.conf.py
"<package>:create_app()"`` in the service's folder, on a free loopback port, for tests and
benchmarks. A service gets only the settings it is given: none of this process's MLflow or
service variables, nor the S3 keys a test may hold, leak into it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .mlflow_server import CLIENT_SECRETS
from .process import ManagedProcess, free_port, http_ok

SERVICES = Path(__file__).resolve().parents[2] / "services"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


@dataclass(frozen=True)
class Service:
    folder: str  # under services/
    app: str  # gunicorn's application
    prefix: str  # of its own variables; <prefix>_HOST and <prefix>_PORT set the bind address
    health: str  # path that answers 200 once it serves


METRICS_API = Service("metrics-api", "metrics_api:create_app()", "METRICS_API", "/api/health")
RECOMMENDER = Service("recommender", "recommender_service:create_app()", "RECOMMENDER", "/health")
OWN_PREFIXES = ("MLFLOW_", f"{METRICS_API.prefix}_", f"{RECOMMENDER.prefix}_")


def service_env(settings: dict[str, str]) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(OWN_PREFIXES) and k not in CLIENT_SECRETS
    }
    env.update(settings)
    return env


def start_service(
    service: Service,
    log_path: Path,
    settings: dict[str, str],
    timeout: float = 120.0,
    ready: Callable[[str], Callable[[], bool]] | None = None,
) -> tuple[ManagedProcess, str]:
    """Started and answering ``service.health`` (or ``ready(url)``): (process, base URL)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = service_env(
        {f"{service.prefix}_HOST": "127.0.0.1", f"{service.prefix}_PORT": str(port), **settings}
    )
    process = ManagedProcess(
        service.folder,
        [GUNICORN, "-c", "gunicorn.conf.py", service.app],
        log_path,
        env=env,
        cwd=SERVICES / service.folder,
    )
    check = ready(url) if ready else http_ok(f"{url}{service.health}")
    return process.start(check, timeout=timeout), url
