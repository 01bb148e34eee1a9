"""Model logging survives lost answers without duplicates, and a model swapped in the bucket
behind MLflow's back is refused on load."""

from __future__ import annotations

import io
import uuid

import pytest
from mlflow.tracking import MlflowClient
from movie_genie_trainer.model_store import ModelIntegrityError, load_registered_model
from movie_genie_trainer.tracking import callbacks_for
from safetensors.torch import save

from tests.harness.lossy_proxy import LossyProxy
from tests.trainer import tiny_training


@pytest.fixture
def tracking_config(tmp_path, monkeypatch):
    suffix = uuid.uuid4().hex[:8]
    path = tmp_path / "mlflow.yaml"
    path.write_text(
        f"registered_models:\n  two-tower: test-integrity-{suffix}\n"
        "retry:\n  request_timeout_seconds: 3\n  backoff_initial_seconds: 0.1\n"
    )
    monkeypatch.setenv("MOVIE_GENIE_MLFLOW_CONFIG", str(path))
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", f"test-integrity-{suffix}")
    return {"experiment": f"test-integrity-{suffix}", "registered": f"test-integrity-{suffix}"}


def test_lost_answers_to_the_creates_leave_one_run_one_model_one_version(
    tracking_uri, tracking_config, tmp_path, monkeypatch
):
    # MLflow's own blind resend (the test suite's default of 2) must not apply to the trainer.
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")
    proxy = LossyProxy(tracking_uri).start()
    try:
        for path in ("/runs/create", "/logged-models", "/model-versions/create"):
            proxy.drop_answer("POST", path)
        monkeypatch.setenv("MLFLOW_TRACKING_URI", proxy.url)
        tiny_training.train(callbacks_for("two-tower", tiny_training.CONFIG), tmp_path / "out")
    finally:
        proxy.stop()
    assert sorted(path.split("/")[-1] for _, path in proxy.dropped) == [
        "create",
        "create",
        "logged-models",
    ]  # each create landed, its answer was lost

    client = MlflowClient(tracking_uri)
    experiment = client.get_experiment_by_name(tracking_config["experiment"])
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 1 and runs[0].info.status == "FINISHED"
    models = client.search_logged_models([experiment.experiment_id])
    assert len(models) == 1 and str(models[0].status) == "READY"
    versions = client.search_model_versions(f"name = '{tracking_config['registered']}'")
    assert [(v.version, v.run_id) for v in versions] == [("1", runs[0].info.run_id)]


def test_a_create_that_lands_after_the_retry_leaves_no_twin(
    tracking_uri, tracking_config, tmp_path, monkeypatch
):
    """The server is slow, not down: the first registration arrives after the client timed out
    (3 s) and its retry found nothing and registered again."""
    proxy = LossyProxy(tracking_uri).start()
    try:
        proxy.delay_once("POST", "/model-versions/create", 5)
        monkeypatch.setenv("MLFLOW_TRACKING_URI", proxy.url)
        tiny_training.train(callbacks_for("two-tower", tiny_training.CONFIG), tmp_path / "out")
    finally:
        proxy.stop()
    assert len(proxy.delayed) == 1
    client = MlflowClient(tracking_uri)
    versions = client.search_model_versions(f"name = '{tracking_config['registered']}'")
    assert len(versions) == 1
    assert load_registered_model(
        f"models:/{tracking_config['registered']}/{versions[0].version}", tracking_uri
    )


def test_a_model_replaced_in_the_bucket_is_refused_on_load(
    tracking_uri, tracking_config, tmp_path, s3
):
    tiny_training.train(callbacks_for("two-tower", tiny_training.CONFIG), tmp_path / "out")
    uri = f"models:/{tracking_config['registered']}/1"
    assert isinstance(load_registered_model(uri), tiny_training.TinySequenceModel)

    client = MlflowClient(tracking_uri)
    version = client.get_model_version(tracking_config["registered"], "1")
    model_id = version.model_id or version.source.removeprefix("models:/")
    bucket = s3.client()
    keys = [
        item["Key"]
        for page in bucket.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket)
        for item in page.get("Contents", [])
        if item["Key"].endswith(f"{model_id}/artifacts/data/weights.safetensors")
    ]
    assert len(keys) == 1
    original = bucket.get_object(Bucket=s3.bucket, Key=keys[0])["Body"].read()
    swapped = tiny_training.TinySequenceModel()  # same shapes, other weights
    bucket.put_object(Bucket=s3.bucket, Key=keys[0], Body=io.BytesIO(save(swapped.state_dict())))
    assert bucket.get_object(Bucket=s3.bucket, Key=keys[0])["Body"].read() != original

    with pytest.raises(
        ModelIntegrityError,
        match="do not match the digest logged at training time .* refusing to load",
    ):
        load_registered_model(uri)
