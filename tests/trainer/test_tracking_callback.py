"""The tracking callback against the harness MLflow server (Postgres + S3, proxied artifacts)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import torch
from mlflow.tracking import MlflowClient
from movie_genie_trainer.model_store import DIGEST_TAG, load_registered_model
from movie_genie_trainer.tracking import callbacks_for
from movie_genie_trainer.tracking.mlflow_callback import OUTBOX_FILE, TrackingUnavailable

from tests.harness.process import free_port
from tests.trainer import tiny_training

PER_EPOCH = ("train_loss", "val_loss", "learning_rate", "val_recall_at_10", "val_ndcg_at_10")


@pytest.fixture
def tracking_config(tmp_path, monkeypatch):
    """A configs/mlflow.yaml of this test's own: experiment and registered model names unique."""
    suffix = uuid.uuid4().hex[:8]
    path = tmp_path / "mlflow.yaml"
    path.write_text(
        "registered_models:\n"
        f"  two-tower: test-tracking-two-tower-{suffix}\n"
        "retry:\n  request_timeout_seconds: 5\n  flush_timeout_seconds: 60\n"
    )
    monkeypatch.setenv("MOVIE_GENIE_MLFLOW_CONFIG", str(path))
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", f"test-tracking-{suffix}")
    monkeypatch.delenv("DVC_STAGE", raising=False)
    return {
        "experiment": f"test-tracking-{suffix}",
        "registered": f"test-tracking-two-tower-{suffix}",
    }


def only_run(client: MlflowClient, experiment: str):
    exp = client.get_experiment_by_name(experiment)
    runs = client.search_runs([exp.experiment_id])
    assert len(runs) == 1
    return runs[0]


def test_a_run_logs_everything_the_contract_names(tracking_uri, tracking_config, tmp_path):
    callbacks = callbacks_for("two-tower", tiny_training.CONFIG)
    history = tiny_training.train(callbacks, tmp_path / "out")
    client = MlflowClient(tracking_uri)
    run = only_run(client, tracking_config["experiment"])

    assert run.info.status == "FINISHED"
    assert run.info.run_name.startswith("two-tower-") and len(run.info.run_name) == 25
    tags = run.data.tags
    assert {
        k: tags[k]
        for k in ("model_type", "model_name", "framework", "status", "dvc_pipeline", "dataset")
    } == {
        "model_type": "retrieval",
        "model_name": "two-tower",
        "framework": "pytorch",
        "status": "inactive",
        "dvc_pipeline": "false",
        "dataset": "tiny",
    }
    assert len(tags["git_commit"]) == 40 and tags["data_version"]
    params = run.data.params
    assert params["model.embedding_dim"] == "8" and params["training.learning_rate"] == "0.01"
    assert params["evaluation.ks"] == "[10, 50, 100]" and params["dataset.num_users"] == "5"

    for name in PER_EPOCH:
        points = client.get_metric_history(run.info.run_id, name)
        by_epoch = [m for m in points if m.value == history[m.step - 1][name]]
        assert sorted(m.step for m in by_epoch) == [1, 2, 3], name
    for name in ("train_loss", "val_loss", "learning_rate"):
        assert len(client.get_metric_history(run.info.run_id, name)) == 3
    metrics = run.data.metrics  # latest values: the final ones
    for name, value in tiny_training.FINAL.items():
        assert metrics[name] == pytest.approx(value)
    assert metrics["num_users"] == 5 and metrics["num_movies"] == 20
    assert metrics["num_interactions"] == 60 and metrics["total_parameters"] == 20 * 8 + 8 * 20 + 20
    assert metrics["training_time_seconds"] > 0

    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"model.pth", "metrics.json", "history.json", "config.yaml"} <= artifacts
    local = client.download_artifacts(run.info.run_id, "history.json", str(tmp_path))
    assert json.loads(open(local).read()) == history

    versions = client.search_model_versions(f"name = '{tracking_config['registered']}'")
    assert [v.run_id for v in versions] == [run.info.run_id]
    assert versions[0].tags[DIGEST_TAG] == tags[DIGEST_TAG]
    logged = client.search_logged_models([run.info.experiment_id])
    assert [m.source_run_id for m in logged] == [run.info.run_id]
    loaded = load_registered_model(f"models:/{tracking_config['registered']}/1")
    assert loaded(torch.zeros((1, 5), dtype=torch.long)).shape == (1, 20)


def test_a_crash_ends_the_run_failed_with_the_error(tracking_uri, tracking_config, tmp_path):
    with pytest.raises(RuntimeError, match="diverged at epoch 3"):
        tiny_training.train(
            callbacks_for("two-tower", tiny_training.CONFIG), tmp_path / "out", fail_at=3
        )
    client = MlflowClient(tracking_uri)
    run = only_run(client, tracking_config["experiment"])
    assert run.info.status == "FAILED"
    assert run.data.tags["status"] == "failed"
    assert run.data.tags["error"] == "RuntimeError: diverged at epoch 3"
    losses = client.get_metric_history(run.info.run_id, "train_loss")
    assert sorted(m.step for m in losses) == [1, 2]
    assert not client.search_model_versions(f"name = '{tracking_config['registered']}'")


def test_a_server_that_never_answers_fails_the_run_and_keeps_the_metrics(
    tracking_config, tmp_path, monkeypatch
):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{free_port()}")
    # Nothing listens there (refused at once): a 1 s budget is plenty, and the fast tier's wait.
    monkeypatch.setenv("MOVIE_GENIE_TRACKING_RETRY__FLUSH_TIMEOUT_SECONDS", "1")
    out = tmp_path / "out"
    with pytest.raises(TrackingUnavailable, match="did not take .* no answer within 1 s") as lost:
        tiny_training.train(callbacks_for("two-tower", tiny_training.CONFIG), out)
    assert "\n" not in str(lost.value)
    command = str(lost.value).split("send it once MLflow answers: ")[1]
    assert command.startswith("python -m movie_genie_trainer.tracking.replay ")
    assert Path(command.split()[-1]).resolve() == (out / OUTBOX_FILE).resolve()
    kept = json.loads((out / OUTBOX_FILE).read_text())
    epochs = [item["metrics"] for item in kept["pending"] if "metrics" in item]
    assert [e["step"] for e in epochs] == [0, 1, 2, 3, 3]  # start, 3 epochs, the final metrics
    final = tiny_training.FINAL["recall_at_100"]
    assert epochs[-1]["metrics"]["recall_at_100"] == pytest.approx(final)
    assert json.loads((out / "history.json").read_text())[2]["epoch"] == 3


def test_tracking_is_off_without_a_uri(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("MOVIE_GENIE_MLFLOW_CONFIG", str(tmp_path / "absent.yaml"))
    assert callbacks_for("two-tower", tiny_training.CONFIG) == []
    assert "tracking: off" in capsys.readouterr().out


def test_final_metrics_in_the_same_millisecond_as_the_last_epoch(
    tracking_uri, tracking_config, tmp_path, monkeypatch
):
    """The clock stands still (a fast machine): the final metrics share the last epoch's step
    and would share its timestamp, which MLflow's logged-model metric key refuses."""
    import time as real_time

    from movie_genie_trainer.tracking import mlflow_callback

    class StoppedClock:
        monotonic = staticmethod(real_time.monotonic)
        time = staticmethod(lambda: 1_790_000_000.0)

    monkeypatch.setattr(mlflow_callback, "time", StoppedClock)
    tiny_training.train(callbacks_for("two-tower", tiny_training.CONFIG), tmp_path / "out")
    client = MlflowClient(tracking_uri)
    run = only_run(client, tracking_config["experiment"])
    assert run.info.status == "FINISHED"
    stamps = [m.timestamp for m in client.get_metric_history(run.info.run_id, "recall_at_10")]
    assert len(stamps) == len(set(stamps))
    assert client.search_model_versions(f"name = '{tracking_config['registered']}'")
