"""SIGTERM mid-training ends the run KILLED at once (no 180 s wait for the server); with the
server gone, what was not sent is kept in an outbox that the replay command sends later."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from tests.harness.process import eventually
from tests.harness.trainer import own_server, start_trainer

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# Generous for a loaded 2-core machine; the trainer's own budget is 3 s (interrupt_flush_seconds).
EXIT_BOUND_SECONDS = 10
QUICK_GIVE_UP = {"MOVIE_GENIE_TRACKING_RETRY__REQUEST_TIMEOUT_SECONDS": "2"}


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
    trainer = start_trainer(tmp_path, smoke_dir, mlflow_server.url, experiment, **QUICK_GIVE_UP)
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
    server = own_server(tmp_path, postgres, s3, "sigterm-test").start()
    experiment = f"test-sigterm-outage-{uuid.uuid4().hex[:8]}"
    client = MlflowClient(server.url)
    trainer = start_trainer(tmp_path, smoke_dir, server.url, experiment, **QUICK_GIVE_UP)
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
