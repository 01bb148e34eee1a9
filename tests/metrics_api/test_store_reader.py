"""The read-only store reader (full cache loads at scale) returns exactly what MLflow's REST API
returns for the same runs, and cannot write."""

from __future__ import annotations

import sqlite3

import psycopg2
import pytest
from metrics_api.serialize import run_to_dict
from metrics_api.store_reader import StoreReader, _read_ahead
from metrics_api.tracking import Tracking
from mlflow.tracking import MlflowClient

from tests.harness.mlflow_server import MlflowServer
from tests.metrics_api.conftest import SUFFIX


def test_the_store_reader_reads_what_rest_returns(seeded, postgres, mlflow_server):
    from_store = StoreReader(postgres.uri).runs(seeded.experiment_id)
    runs = MlflowClient(mlflow_server.url).search_runs([seeded.experiment_id])
    assert len(from_store) == len(runs) == len(seeded.runs)
    assert from_store == {run.info.run_id: run_to_dict(run) for run in runs}
    # A resync keeps the dicts of unchanged runs: one copy of the runs in memory, not two.
    again = StoreReader(postgres.uri).runs(seeded.experiment_id, previous=from_store)
    assert again == from_store and all(again[k] is from_store[k] for k in from_store)


def test_a_running_runs_progress_reads_the_same_from_the_store(postgres, mlflow_server):
    """Epoch i / N comes from the heartbeat's latest step: the store and REST agree."""
    client = MlflowClient(mlflow_server.url)
    experiment_id = client.create_experiment(f"store-progress-{SUFFIX}")
    run = client.create_run(experiment_id, tags={"model_name": "two-tower"})
    client.log_param(run.info.run_id, "training.epochs", "5")
    start = run.info.start_time / 1000
    for step in range(3):  # as the trainer beats: at the start, then with each epoch
        client.log_metric(run.info.run_id, "system/heartbeat", start + 10 * step, step=step)
    from_store = StoreReader(postgres.uri).runs(experiment_id)
    over_rest = run_to_dict(client.get_run(run.info.run_id))
    assert from_store == {run.info.run_id: over_rest}
    assert over_rest["progress"] == {
        "epoch": 2,
        "epochs": 5,
        "eta_at": int((start + 20 + 10 * 3) * 1000),
    }
    client.set_terminated(run.info.run_id, "FINISHED")
    assert StoreReader(postgres.uri).runs(experiment_id)[run.info.run_id]["progress"] is None


def test_the_store_reader_finds_the_experiment_and_the_champions_as_rest_does(
    seeded, postgres, mlflow_server
):
    client = MlflowClient(mlflow_server.url)
    prefix = f"store-reader-{SUFFIX}-"  # its own models: the other tests' champions stay put
    run = seeded.runs[0]
    for name in ("two-tower", "bert4rec"):
        client.create_registered_model(prefix + name)
    version = client.create_model_version(
        prefix + "two-tower", f"{run.info.artifact_uri}/model", run_id=run.info.run_id
    ).version
    client.set_registered_model_alias(prefix + "two-tower", "champion", version)
    reader, tracking = StoreReader(postgres.uri), Tracking(mlflow_server.url)
    assert reader.experiment_id(seeded.experiment) == seeded.experiment_id
    assert reader.experiment_id(f"no-such-experiment-{SUFFIX}") is None
    assert (
        reader.aliased_runs(prefix, "champion")
        == tracking.aliased_runs(prefix, "champion")
        == {prefix + "two-tower": run.info.run_id}
    )


def test_the_store_reader_cannot_write(postgres):
    with StoreReader(postgres.uri)._connection() as connection:
        with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
            connection.cursor().execute("DELETE FROM runs WHERE false")


@pytest.mark.servers  # its own mlflow server
def test_the_store_reader_reads_sqlite_read_only(tmp_path):
    server = MlflowServer(tmp_path).start()
    try:
        client = MlflowClient(server.url)
        experiment_id = client.create_experiment("sqlite-store")
        run = client.create_run(experiment_id, tags={"model_name": "two-tower"})
        client.log_metric(run.info.run_id, "val_loss", float("nan"))
        client.log_param(run.info.run_id, "model.embedding_dim", "8")
        client.set_terminated(run.info.run_id, "FINISHED")
        running = client.create_run(experiment_id, tags={"model_name": "bert4rec"})
        client.log_param(running.info.run_id, "training.epochs", "4")
        client.log_metric(running.info.run_id, "system/heartbeat", 1e9, step=0)
        client.log_metric(running.info.run_id, "system/heartbeat", 1e9 + 5, step=1)
        reader = StoreReader(f"sqlite:///{tmp_path / 'state' / 'mlflow.db'}")
        read = reader.runs(experiment_id)
        assert read == {
            r.info.run_id: run_to_dict(client.get_run(r.info.run_id)) for r in (run, running)
        }
        assert read[running.info.run_id]["progress"]["epoch"] == 1
        with (
            reader._connection() as connection,
            pytest.raises(sqlite3.OperationalError, match="readonly"),
        ):
            connection.execute("DELETE FROM runs")
    finally:
        server.stop()


def test_reading_ahead_keeps_the_order_and_hands_over_a_failure():
    batches = iter([[1, 2], [3]])
    assert list(_read_ahead(lambda: next(batches, []))) == [[1, 2], [3]]

    def broken():
        raise psycopg2.OperationalError("server closed the connection")

    with pytest.raises(psycopg2.OperationalError, match="closed"):
        list(_read_ahead(broken))
