"""A real ``mlflow server`` process started through the service's own entrypoint."""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from .process import ManagedProcess, free_port, http_ok

REPO = Path(__file__).resolve().parents[2]
ENTRYPOINT = REPO / "services" / "mlflow-server" / "entrypoint.py"

# Variables a client might carry that would let it reach S3 by itself; the server holds them.
CLIENT_SECRETS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MLFLOW_S3_ENDPOINT_URL")


@dataclass(frozen=True)
class Accounts:
    """Credentials of a server with MLflow's basic-auth on: (username, password) pairs."""

    admin: tuple[str, str]
    trainer: tuple[str, str]
    metrics_api: tuple[str, str]

    @classmethod
    def generate(cls) -> Accounts:
        def password() -> str:
            return secrets.token_urlsafe(18)

        return cls(("admin", password()), ("trainer", password()), ("metrics-api", password()))

    def server_env(self) -> dict[str, str]:
        return {
            "MLFLOW_AUTH": "true",
            "MLFLOW_FLASK_SERVER_SECRET_KEY": secrets.token_urlsafe(24),
            "MLFLOW_AUTH_ADMIN_USERNAME": self.admin[0],
            "MLFLOW_AUTH_ADMIN_PASSWORD": self.admin[1],
            "MLFLOW_TRAINER_PASSWORD": self.trainer[1],
            "MLFLOW_METRICS_API_PASSWORD": self.metrics_api[1],
        }

    @staticmethod
    def client_env(account: tuple[str, str]) -> dict[str, str]:
        """What an MLflow client needs to act as ``account``."""
        return {"MLFLOW_TRACKING_USERNAME": account[0], "MLFLOW_TRACKING_PASSWORD": account[1]}


def entrypoint_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env.update({"MLFLOW_WORKERS": "1", "MLFLOW_HOST": "127.0.0.1", **extra})
    return env


class MlflowServer:
    def __init__(
        self,
        root: Path,
        backend_uri: str | None = None,
        artifacts_destination: str | None = None,
        env: dict[str, str] | None = None,
        accounts: Accounts | None = None,
    ):
        self.root, self.port, self.accounts = root, free_port(), accounts
        self.url = f"http://127.0.0.1:{self.port}"
        extra = {
            "MLFLOW_PORT": str(self.port),
            "MLFLOW_STATE_DIR": str(root / "state"),
            **(env or {}),
            **(accounts.server_env() if accounts else {}),
        }
        if backend_uri:
            extra["MLFLOW_BACKEND_STORE_URI"] = backend_uri
        if artifacts_destination:
            extra["MLFLOW_ARTIFACTS_DESTINATION"] = artifacts_destination
        self.env = entrypoint_env(extra)
        self.server: ManagedProcess | None = None

    def start(self, timeout: float = 120.0) -> MlflowServer:
        self.server = ManagedProcess(
            "mlflow-server",
            [sys.executable, str(ENTRYPOINT)],
            self.root / "mlflow-server.log",
            env=self.env,
            cwd=self.root,
        ).start(http_ok(f"{self.url}/health"), timeout=timeout)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def kill(self) -> None:
        if self.server is not None:
            self.server.kill()
