"""Through the harness server (Postgres + S3): runs, metrics, tags and artifacts survive."""

from __future__ import annotations

import hashlib
import os

import mlflow
from mlflow.tracking import MlflowClient

STEPS = 5
PARAMS = {"model.embedding_dim": "64", "training.learning_rate": "0.001"}
TAGS = {"model_type": "retrieval", "model_name": "two-tower"}


def log_run(tmp_path, experiment: str) -> tuple[str, bytes]:
    payload = os.urandom(2 * 1024 * 1024)
    (tmp_path / "weights.bin").write_bytes(payload)
    mlflow.set_experiment(experiment)
    with mlflow.start_run(run_name="roundtrip") as run:
        mlflow.log_params(PARAMS)
        mlflow.set_tags(TAGS)
        for step in range(STEPS):
            mlflow.log_metric("train_loss", 1.0 / (step + 1), step=step)
        mlflow.log_artifact(str(tmp_path / "weights.bin"), artifact_path="model")
    return run.info.run_id, payload


def assert_run_intact(client: MlflowClient, run_id: str, payload: bytes, tmp_path) -> None:
    run = client.get_run(run_id)
    assert run.info.status == "FINISHED"
    assert {k: run.data.params[k] for k in PARAMS} == PARAMS
    assert {k: run.data.tags[k] for k in TAGS} == TAGS
    history = client.get_metric_history(run_id, "train_loss")
    assert sorted(m.step for m in history) == list(range(STEPS))
    values = [m.value for m in sorted(history, key=lambda m: m.step)]
    assert values == [1 / (step + 1) for step in range(STEPS)]
    local = client.download_artifacts(run_id, "model/weights.bin", str(tmp_path))
    with open(local, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == hashlib.sha256(payload).hexdigest()


def test_client_without_s3_credentials_logs_everything_into_the_bucket(tracking_uri, s3, tmp_path):
    assert "AWS_ACCESS_KEY_ID" not in os.environ and "MLFLOW_S3_ENDPOINT_URL" not in os.environ
    run_id, payload = log_run(tmp_path, "harness-roundtrip")
    client = MlflowClient(tracking_uri)
    assert client.get_run(run_id).info.artifact_uri.startswith("mlflow-artifacts:")
    assert_run_intact(client, run_id, payload, tmp_path / "download")

    keys = [o["Key"] for o in s3.client().list_objects_v2(Bucket=s3.bucket)["Contents"]]
    key = next(k for k in keys if run_id in k and k.endswith("model/weights.bin"))
    body = s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"].read()
    assert body == payload


def test_everything_survives_a_restart_of_server_and_database(
    tracking_uri, mlflow_server, postgres, tmp_path
):
    run_id, payload = log_run(tmp_path, "harness-restart")
    mlflow_server.stop()
    postgres.stop()
    postgres.start()
    mlflow_server.start()
    assert_run_intact(MlflowClient(tracking_uri), run_id, payload, tmp_path / "download")
