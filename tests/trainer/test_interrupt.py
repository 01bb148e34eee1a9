"""SIGTERM mid-training ends the run KILLED at once (no 180 s wait for the server); with the
server gone, what was not sent is kept in an outbox that the replay command sends later."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml
from mlflow.tracking import MlflowClient

from tests.harness.mlflow_server import CLIENT_SECRETS, MlflowServer
from tests.harness.process import eventually

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# Generous for a loaded 2-core machine; the trainer's own budget is 3 s (interrupt_flush_seconds).
EXIT_BOUND_SECONDS = 10


def long_config(tmp_path: Path) -> Path:
    config = yaml.safe_load((REPO / "configs/smoke/two_tower.yaml").read_text())
    config["training"].update(epochs=500, early_stopping_patience=500)
    path = tmp_path / "two_tower.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def start_trainer(tmp_path: Path, data: Path, uri: str, experiment: str) -> subprocess.Popen:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MLFLOW_", "MOVIE_GENIE_")) and k not in CLIENT_SECRETS
    }
    env.update(
        MLFLOW_TRACKING_URI=uri,
        MLFLOW_EXPERIMENT_NAME=experiment,
        MOVIE_GENIE_TRACKING_RETRY__REQUEST_TIMEOUT_SECONDS="2",
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "movie_genie_trainer.train_two_tower",
            "--config",
            str(long_config(tmp_path)),
            "--data",
            str(data),
            "--out",
            str(tmp_path / "out"),
        ],
        cwd=tmp_path,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for_epochs(
    client: MlflowClient, experiment: str, trainer: subprocess.Popen, count: int = 2
) -> str:

    def run_with_epochs() -> str | None:
        if trainer.poll() is not None:
            raise AssertionError(f"the trainer exited: {trainer.communicate()[0][-3000:]}")
        found = client.get_experiment_by_name(experiment)
        runs = client.search_runs([found.experiment_id]) if found else []
        if runs and len(client.get_metric_history(runs[0].info.run_id, "train_loss")) >= count:
            return runs[0].info.run_id
        return None

    return eventually(run_with_epochs, f"a run with {count} epochs logged", 240)


def terminate(trainer: subprocess.Popen) -> tuple[int, float, str]:
    sent = time.monotonic()
    trainer.send_signal(signal.SIGTERM)
    output, _ = trainer.communicate(timeout=EXIT_BOUND_SECONDS)
    return trainer.returncode, time.monotonic() - sent, output


def test_sigterm_ends_the_run_killed_at_once(tmp_path, smoke_dir, mlflow_server):
    experiment = f"test-sigterm-{uuid.uuid4().hex[:8]}"
    client = MlflowClient(mlflow_server.url)
    trainer = start_trainer(tmp_path, smoke_dir, mlflow_server.url, experiment)
    try:
        run_id = wait_for_epochs(client, experiment, trainer)
        code, seconds, output = terminate(trainer)
    finally:
        if trainer.poll() is None:
            trainer.kill()
    print(f"SIGTERM to exit: {seconds:.2f} s")
    assert code == 130, output[-3000:]
    run = client.get_run(run_id)
    assert (run.info.status, run.data.tags["status"]) == ("KILLED", "killed")
    assert not (tmp_path / "out" / "tracking-outbox.json").exists()


def test_sigterm_while_the_server_is_gone_keeps_an_outbox_that_replay_sends(
    tmp_path, smoke_dir, postgres, s3
):
    server = MlflowServer(
        tmp_path / "mlflow",
        backend_uri=postgres.uri,
        artifacts_destination=f"s3://{s3.bucket}/sigterm-test",
        env=s3.server_env(),
    ).start()
    experiment = f"test-sigterm-outage-{uuid.uuid4().hex[:8]}"
    client = MlflowClient(server.url)
    trainer = start_trainer(tmp_path, smoke_dir, server.url, experiment)
    try:
        run_id = wait_for_epochs(client, experiment, trainer)
        server.kill()
        code, seconds, output = terminate(trainer)
        print(f"SIGTERM to exit, server down: {seconds:.2f} s")
        assert code == 130, output[-3000:]
        outbox = tmp_path / "out" / "tracking-outbox.json"
        kept = json.loads(outbox.read_text())
        assert kept["run_id"] == run_id
        assert kept["pending"][-1]["terminate"]["status"] == "KILLED"
        assert "tracking.replay" in output

        server.start()
        replayed = subprocess.run(
            [sys.executable, "-m", "movie_genie_trainer.tracking.replay", str(outbox)],
            cwd=tmp_path,
            text=True,
            capture_output=True,
            timeout=300,
        )
        assert replayed.returncode == 0, replayed.stderr[-3000:]
        run = client.get_run(run_id)
        assert (run.info.status, run.data.tags["status"]) == ("KILLED", "killed")
        steps = sorted(m.step for m in client.get_metric_history(run_id, "train_loss"))
        assert steps == list(range(1, len(steps) + 1))  # every epoch trained, each once
    finally:
        if trainer.poll() is None:
            trainer.kill()
        server.stop()
