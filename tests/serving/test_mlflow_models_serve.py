"""Standard serving: `mlflow models serve -m models:/<name>@champion` answers top-K movie ids.

Real at every hop: the trainer CLIs log smoke runs to the shared-server shape (MLflow with
basic-auth on Postgres + S3), the registry's @champion alias is set, and `mlflow models serve`
runs as a subprocess (local env) as a viewer, loading through the pyfunc ``loader_module``.
"""

from __future__ import annotations

import io
import os
import sys
import uuid
from pathlib import Path

import mlflow.pyfunc
import pandas as pd
import pytest
import requests
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from movie_genie_trainer.model_store import ModelIntegrityError
from safetensors.torch import load, save

from tests.frontend.trained_runs import REPO, train_smoke_runs
from tests.harness.mlflow_server import CLIENT_SECRETS, Accounts
from tests.harness.process import ManagedProcess, free_port, http_ok
from tests.security.conftest import add_person

MODELS = ("two-tower", "bert4rec", "popularity")


# Trains models and starts programs itself (mlflow models serve, gunicorn).
pytestmark = [pytest.mark.slow, pytest.mark.servers]


@pytest.fixture(scope="module")
def champions(secured_mlflow_server, tmp_path_factory):
    """Each model trained once, registered under a name of its own, version 1 = @champion."""
    server, suffix = secured_mlflow_server, uuid.uuid4().hex[:8]
    work = tmp_path_factory.mktemp("serving")
    names = {model: f"serve-{model}-{suffix}" for model in MODELS}
    config = work / "mlflow.yaml"
    config.write_text("registered_models:\n" + "".join(f"  {m}: {n}\n" for m, n in names.items()))
    trainer_env = {
        **Accounts.client_env(server.accounts.trainer),
        "MOVIE_GENIE_MLFLOW_CONFIG": str(config),
    }
    train_smoke_runs(
        work, server.url, f"serving-{suffix}", MODELS, timeout=900, client_env=trainer_env
    )
    admin = MlflowClient(server.url)
    os.environ.update(Accounts.client_env(server.accounts.admin))
    try:
        for name in names.values():
            admin.set_registered_model_alias(name, "champion", "1")
    finally:
        for key in Accounts.client_env(server.accounts.admin):
            os.environ.pop(key, None)
    movies = pd.read_parquet(work / "data" / "movies.parquet")
    sequences = pd.read_parquet(work / "data" / "sequences.parquet")
    movie_id = dict(zip(movies["item_idx"], movies["item_id"], strict=True))
    histories = [[int(movie_id[i]) for i in items] for items in sequences["items"][:2]]
    return names, histories, set(movies["item_id"].astype(int)), work


@pytest.fixture(scope="module")
def viewer(secured_mlflow_server):
    return add_person(secured_mlflow_server, "viewer")


def client_env(server, account) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLIENT_SECRETS}
    env.update({"MLFLOW_TRACKING_URI": server.url, **Accounts.client_env(account)})
    # `mlflow models serve` starts `uvicorn` by name: this interpreter's scripts come first.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def serve(server, account, name: str, log: Path) -> tuple[ManagedProcess, str]:
    port = free_port()
    command = [
        sys.executable, "-m", "mlflow", "models", "serve", "-m", f"models:/{name}@champion",
        "--env-manager", "local", "--host", "127.0.0.1", "-p", str(port), "-w", "1",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    process = ManagedProcess(
        "mlflow-models-serve", command, log, env=client_env(server, account), cwd=REPO
    )
    return process.start(http_ok(f"{url}/ping"), timeout=180), url


@pytest.mark.parametrize("model", ["two-tower", "bert4rec"])
def test_mlflow_models_serve_of_the_champion_answers_k_unseen_movies(
    model, champions, secured_mlflow_server, viewer, tmp_path
):
    names, histories, catalogue, _ = champions
    process, url = serve(secured_mlflow_server, viewer, names[model], tmp_path / "serve.log")
    try:
        body = {"dataframe_records": [{"history": h} for h in histories], "params": {"k": 7}}
        answer = requests.post(f"{url}/invocations", json=body, timeout=60)
        assert answer.status_code == 200, answer.text
        predictions = answer.json()["predictions"]
        assert len(predictions) == 2
        for history, row in zip(histories, predictions, strict=True):
            assert len(row["movie_ids"]) == len(set(row["movie_ids"])) == 7
            assert not set(row["movie_ids"]) & set(history)
            assert set(row["movie_ids"]) <= catalogue
            assert row["scores"] == sorted(row["scores"], reverse=True)

        default_k = requests.post(
            f"{url}/invocations", json={"inputs": [{"history": h} for h in histories]}, timeout=60
        )
        assert default_k.status_code == 200, default_k.text
        assert [len(r["movie_ids"]) for r in default_k.json()["predictions"]] == [10, 10]

        unknown = requests.post(
            f"{url}/invocations", json={"dataframe_records": [{"history": [999999]}]}, timeout=60
        )
        assert unknown.status_code == 400 and "unknown movie id(s): [999999]" in unknown.text
    finally:
        process.stop()


def test_the_popularity_baseline_is_served_through_the_same_loader(
    champions, secured_mlflow_server, viewer, monkeypatch
):
    names, histories, catalogue, _ = champions
    for key, value in client_env(secured_mlflow_server, viewer).items():
        monkeypatch.setenv(key, value)
    model = mlflow.pyfunc.load_model(f"models:/{names['popularity']}@champion")
    rows = model.predict(pd.DataFrame({"history": histories}), params={"k": 5})
    # Popularity is not personal: both viewers get the most popular movies they have not seen.
    assert [len(ids) for ids in rows["movie_ids"]] == [5, 5]
    for history, ids in zip(histories, rows["movie_ids"], strict=True):
        assert not set(ids) & set(history) and set(ids) <= catalogue
    with pytest.raises(MlflowException, match="k must be a positive integer"):
        model.predict(pd.DataFrame({"history": histories}), params={"k": 0})


def test_weights_replaced_in_the_bucket_are_refused_by_the_pyfunc_loader(
    champions, secured_mlflow_server, viewer, s3, monkeypatch
):
    names, *_ = champions
    for key, value in client_env(secured_mlflow_server, viewer).items():
        monkeypatch.setenv(key, value)
    version = MlflowClient().get_model_version(names["popularity"], "1")
    model_id = version.model_id or version.source.removeprefix("models:/")
    bucket = s3.client()
    [key] = [
        item["Key"]
        for page in bucket.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket)
        for item in page.get("Contents", [])
        if item["Key"].endswith(f"{model_id}/artifacts/data/weights.safetensors")
    ]
    original = bucket.get_object(Bucket=s3.bucket, Key=key)["Body"].read()
    state = load(original)
    state["counts"] = state["counts"].flip(0)  # same shapes, another ranking
    bucket.put_object(Bucket=s3.bucket, Key=key, Body=io.BytesIO(save(state)))
    try:
        with pytest.raises(
            ModelIntegrityError,
            match=r"registered model .* version 1: model "
            "files .* do not match the digest logged at training time",
        ):
            mlflow.pyfunc.load_model(f"models:/{names['popularity']}@champion")
    finally:
        bucket.put_object(Bucket=s3.bucket, Key=key, Body=io.BytesIO(original))
    assert mlflow.pyfunc.load_model(f"models:/{names['popularity']}@champion")
