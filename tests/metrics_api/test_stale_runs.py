"""A trainer killed without a word (SIGKILL): its run stays RUNNING in MLflow, and the API shows
it `stale` once no heartbeat came for METRICS_API_STALE_AFTER_SECONDS."""

from __future__ import annotations

import signal
import subprocess
import uuid
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient
from movie_genie_trainer.config import DataConfig, load_config
from movie_genie_trainer.data.preprocess import write_processed
from movie_genie_trainer.data.sources import read_recbole_ml100k

from tests.harness.process import eventually
from tests.harness.trainer import start_trainer
from tests.metrics_api.conftest import start_api

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
STALE_AFTER = 4  # seconds: short for the test (the default is 300)


@pytest.fixture(scope="module")
def smoke_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("processed-smoke")
    write_processed(
        read_recbole_ml100k(), load_config(REPO / "configs/smoke/data.yaml", DataConfig), out
    )
    return out


def test_a_silently_killed_trainer_shows_stale_after_the_configured_silence(
    mlflow_server, smoke_dir, tmp_path
):
    experiment = f"test-stale-{uuid.uuid4().hex[:8]}"
    trainer = start_trainer(
        tmp_path, smoke_dir, mlflow_server.url, experiment, stdout=subprocess.DEVNULL
    )
    api = start_api(
        mlflow_server.url,
        experiment,
        tmp_path / "gunicorn.log",
        METRICS_API_STALE_AFTER_SECONDS=str(STALE_AFTER),
        METRICS_API_CACHE_REFRESH_SECONDS="0.5",
    )
    client = MlflowClient(mlflow_server.url)
    try:

        def listed():
            runs = api.get("/api/models/runs").json()["data"]
            return runs[0] if runs and runs[0]["metrics"].get("train_loss") is not None else None

        live = eventually(listed, "the run with its first epoch in the API", 120)
        assert (live["status"], live["model_status"]) == ("RUNNING", "running")
        trainer.send_signal(signal.SIGKILL)
        trainer.wait(30)

        def stale():
            run = api.get("/api/models/runs").json()["data"][0]
            return run if run["model_status"] == "stale" else None

        run = eventually(stale, "the run to show stale", 120)
        assert run["run_id"] == live["run_id"] and run["status"] == "RUNNING"
        assert client.get_run(live["run_id"]).info.status == "RUNNING"  # MLflow itself unchanged
        summary = api.get("/api/models/summary").json()["data"]
        assert summary["counts_by_status"] == {"stale": 1}
        detail = api.get(f"/api/models/runs/{live['run_id']}").json()["data"]
        assert (detail["status"], detail["model_status"]) == ("RUNNING", "stale")
    finally:
        if trainer.poll() is None:
            trainer.kill()
        api.process.stop()
