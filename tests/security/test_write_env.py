"""`make env` writes a .env compose accepts, with strong secrets the services accept too."""

from __future__ import annotations

import subprocess
import sys

from tests.harness.mlflow_server import ENTRYPOINT, REPO

sys.path.insert(0, str(ENTRYPOINT.parent))
from secrets_check import check_secret  # noqa: E402


def test_make_env_writes_strong_secrets_once(tmp_path):
    target = tmp_path / ".env"
    first = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "write_env.py"), str(target)],
        capture_output=True,
        text=True,
    )
    assert first.returncode == 0, first.stderr
    values = dict(
        line.split("=", 1)
        for line in target.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    example = (REPO / ".env.example").read_text()
    secrets = {k: v for k, v in values.items() if f"{k}=change-me" in example}
    assert {
        "POSTGRES_PASSWORD",
        "MINIO_ROOT_PASSWORD",
        "MLFLOW_AUTH_ADMIN_PASSWORD",
        "MLFLOW_FLASK_SERVER_SECRET_KEY",
        "MLFLOW_TRAINER_PASSWORD",
        "MLFLOW_METRICS_API_PASSWORD",
        "ARTIFACT_SECRET_KEY",
    } <= set(secrets)
    for name, value in secrets.items():
        assert check_secret(name, value) == value
    assert len(set(secrets.values())) == len(secrets)
    assert target.stat().st_mode & 0o777 == 0o600
    compose = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "docker-compose"),
            "--env-file",
            str(target),
            "-f",
            str(REPO / "docker-compose.yml"),
            "config",
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert compose.returncode == 0, compose.stderr
    again = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "write_env.py"), str(target)],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 1 and "not overwriting" in again.stderr
