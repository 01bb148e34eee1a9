"""The tracking server dies (SIGKILL) during a training stage and is started again once the
trainer has reported the outage: the stage still succeeds, and MLflow holds every epoch's metrics
exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import uuid

import pytest
import yaml
from mlflow.tracking import MlflowClient

from tests.harness.process import eventually
from tests.harness.trainer import own_server
from tests.trainer.dvc_workspace import VENV_BIN, dvc_env, make_workspace

pytestmark = pytest.mark.slow

EPOCHS = 30  # smoke data, but enough epochs that the kill lands mid-training


def epochs_logged(client: MlflowClient, experiment: str) -> tuple[str | None, int]:
    try:
        found = client.get_experiment_by_name(experiment)
        runs = client.search_runs([found.experiment_id]) if found else []
        if not runs:
            return None, 0
        return runs[0].info.run_id, len(
            client.get_metric_history(runs[0].info.run_id, "train_loss")
        )
    except Exception:  # noqa: BLE001 - the server may be starting
        return None, 0


@pytest.mark.usefixtures("no_s3_credentials")
def test_a_server_killed_mid_training_loses_nothing(tmp_path, postgres, s3):
    server = own_server(tmp_path, postgres, s3, "outage-test").start()
    root = make_workspace(tmp_path / "ws")
    config_path = root / "configs" / "two_tower.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["training"].update(epochs=EPOCHS, early_stopping_patience=EPOCHS)
    config_path.write_text(yaml.safe_dump(config))
    experiment = f"test-outage-{uuid.uuid4().hex[:8]}"
    client = MlflowClient(server.url)
    env = dvc_env(server.url, experiment, root)
    # A short cap on the pause between retries: the stage notices the server is back sooner.
    env["MOVIE_GENIE_TRACKING_RETRY__BACKOFF_MAX_SECONDS"] = "1"
    log = tmp_path / "repro.log"
    with open(log, "wb") as out:
        stage = subprocess.Popen(
            [str(VENV_BIN / "dvc"), "repro", "two_tower_training"],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output() -> str:
        return log.read_text("utf-8", "replace")

    try:

        def first_epoch_logged() -> tuple[str, int] | None:
            if stage.poll() is not None:
                raise AssertionError(f"the stage ended early: {output()[-3000:]}")
            run_id, seen = epochs_logged(client, experiment)
            return (run_id, seen) if seen >= 1 else None

        run_id, seen = eventually(first_epoch_logged, "training logged its first epoch", 240)
        server.kill()

        def outage_reported() -> bool:
            if "could not reach MLflow" in output():
                return True
            if stage.poll() is not None:
                raise AssertionError(f"the stage ended unaware: {output()[-3000:]}")
            return False

        eventually(outage_reported, "the stage reported the outage", 120)
        server.start()
        stage.wait(timeout=300)

        assert stage.returncode == 0, output()[-4000:]
        assert "answers again" in output()
        history = json.loads((root / "models" / "two_tower" / "history.json").read_text())
        assert seen < len(history), "the kill came after training had logged every epoch"
        run = client.get_run(run_id)
        assert run.info.status == "FINISHED" and run.data.tags["status"] == "inactive"
        for name in ("train_loss", "val_loss", "learning_rate"):
            points = client.get_metric_history(run_id, name)
            assert sorted(m.step for m in points) == [h["epoch"] for h in history], name
            assert {m.step: m.value for m in points} == pytest.approx(
                {h["epoch"]: h[name] for h in history}
            )
        validation = client.get_metric_history(run_id, "val_ndcg_at_10")
        assert sorted(m.step for m in validation) == [h["epoch"] for h in history]
        assert len(client.get_metric_history(run_id, "ndcg_at_10")) == 1  # test, read once
        assert not (root / "models" / "two_tower" / "tracking-outbox.json").exists()
        assert client.search_model_versions(f"run_id = '{run_id}'")
    finally:
        if stage.poll() is None:
            os.killpg(stage.pid, signal.SIGKILL)
        server.stop()
