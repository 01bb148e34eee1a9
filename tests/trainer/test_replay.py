"""The tracking server is down for a whole `dvc repro` stage: the stage fails with one line that
names the replay command; once the server is up, the replay completes the run exactly once, and
a second replay changes nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid

import pytest
from mlflow.tracking import MlflowClient

from tests.harness.trainer import own_server
from tests.trainer.dvc_workspace import dvc, dvc_env, make_workspace

pytestmark = pytest.mark.slow

OUTBOX = "models/two_tower/tracking-outbox.json"


def replay(root, env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "movie_genie_trainer.tracking.replay", *args],
        cwd=root,
        env=env,
        text=True,
        capture_output=True,
        timeout=300,
    )


def server_state(client: MlflowClient, run_id: str) -> dict:
    """Everything a replay could add to or change on the server for this run."""
    run = client.get_run(run_id)
    metrics = {
        name: sorted(
            (m.step, m.timestamp, m.value) for m in client.get_metric_history(run_id, name)
        )
        for name in run.data.metrics
    }
    models = client.search_logged_models([run.info.experiment_id])
    return {
        "info": (run.info.status, run.info.start_time, run.info.end_time),
        "params": run.data.params,
        "tags": run.data.tags,
        "metrics": metrics,
        "artifacts": sorted(a.path for a in client.list_artifacts(run_id)),
        "models": sorted(m.model_id for m in models),
        "versions": sorted(v.version for v in client.search_model_versions(f"run_id = '{run_id}'")),
    }


@pytest.mark.usefixtures("no_s3_credentials")
def test_a_stage_logged_while_the_server_was_down_is_replayed_exactly_once(tmp_path, postgres, s3):
    server = own_server(tmp_path, postgres, s3, "replay-test")  # not started: down for the stage
    root = make_workspace(tmp_path / "ws")
    experiment = f"test-replay-{uuid.uuid4().hex[:8]}"
    env = dvc_env(server.url, experiment, root)
    env["MOVIE_GENIE_TRACKING_RETRY__FLUSH_TIMEOUT_SECONDS"] = "3"
    env["MOVIE_GENIE_TRACKING_RETRY__REQUEST_TIMEOUT_SECONDS"] = "2"

    failed = dvc(root, env, "repro", "two_tower_training", check=False)
    assert failed.returncode != 0
    lines = [
        line
        for line in (failed.stdout + failed.stderr).splitlines()
        if "movie_genie_trainer.tracking.replay" in line
    ]
    assert len(lines) == 1, failed.stderr[-3000:]
    assert lines[0].startswith("two-tower: MLflow at ") and lines[0].endswith(
        f"python -m movie_genie_trainer.tracking.replay {OUTBOX}"
    )
    history = json.loads((root / "models/two_tower/history.json").read_text())

    server.start()
    try:
        client = MlflowClient(server.url)
        first = replay(root, env, OUTBOX)
        assert first.returncode == 0, first.stderr[-3000:]
        runs = client.search_runs([client.get_experiment_by_name(experiment).experiment_id])
        assert len(runs) == 1
        run = runs[0]
        assert run.info.status == "FINISHED" and run.data.tags["status"] == "inactive"
        for name in ("train_loss", "val_loss", "learning_rate"):
            points = client.get_metric_history(run.info.run_id, name)
            assert sorted(m.step for m in points) == [h["epoch"] for h in history], name
        assert {"model.pth", "metrics.json", "history.json", "config.yaml"} <= {
            a.path for a in client.list_artifacts(run.info.run_id)
        }
        versions = client.search_model_versions(f"run_id = '{run.info.run_id}'")
        assert [v.name for v in versions] == ["movie-genie-two-tower"]
        assert not (root / OUTBOX).exists()
        before = server_state(client, run.info.run_id)

        again = replay(root, env, OUTBOX)
        assert again.returncode == 0 and "nothing to send" in again.stdout
        # Even the same outbox sent a second time adds nothing: every step checks first.
        shutil.copy(root / "models/two_tower/tracking-outbox.sent.json", root / OUTBOX)
        resent = replay(root, env, OUTBOX)
        assert resent.returncode == 0, resent.stderr[-3000:]
        assert server_state(client, run.info.run_id) == before
    finally:
        server.stop()
