"""A real trainer process for the tests that interrupt it or its tracking server, and the
server those tests take down: MLflow on the session's Postgres, artifacts in the S3 server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.harness.mlflow_server import CLIENT_SECRETS, MlflowServer

REPO = Path(__file__).resolve().parents[2]


def long_config(tmp_path: Path) -> Path:
    """The smoke two-tower config with 500 epochs and no early stop: it trains until stopped."""
    config = yaml.safe_load((REPO / "configs/smoke/two_tower.yaml").read_text())
    config["training"].update(epochs=500, early_stopping_patience=500)
    path = tmp_path / "two_tower.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def start_trainer(
    tmp_path: Path, data: Path, uri: str, experiment: str, stdout=subprocess.PIPE, **env_extra
) -> subprocess.Popen:
    """``train_two_tower`` on ``long_config`` into tmp_path/out, logging to ``uri`` under
    ``experiment``, without this process's MLflow or trainer settings and client secrets."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MLFLOW_", "MOVIE_GENIE_")) and k not in CLIENT_SECRETS
    }
    env.update(MLFLOW_TRACKING_URI=uri, MLFLOW_EXPERIMENT_NAME=experiment, **env_extra)
    command = [sys.executable, "-m", "movie_genie_trainer.train_two_tower"]
    options = ["--config", long_config(tmp_path), "--data", data, "--out", tmp_path / "out"]
    return subprocess.Popen(
        [*command, *map(str, options)],
        cwd=tmp_path,
        env=env,
        text=True,
        stdout=stdout,
        stderr=subprocess.STDOUT,
    )


def own_server(tmp_path: Path, postgres, s3, prefix: str) -> MlflowServer:
    """A tracking server of the test's own (not started), on the session's Postgres and S3
    server, for a test that stops it: artifacts under s3://<bucket>/<prefix>."""
    return MlflowServer(
        tmp_path / "mlflow",
        backend_uri=postgres.uri,
        artifacts_destination=f"s3://{s3.bucket}/{prefix}",
        env=s3.server_env(),
    )
