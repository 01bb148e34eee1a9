"""The read-only store reader (full cache loads at scale) returns exactly what MLflow's REST API
returns for the same runs, and cannot write."""

from __future__ import annotations

import sqlite3

import psycopg2
import pytest
from metrics_api.serialize import run_to_dict
from metrics_api.store_reader import StoreReader
from mlflow.tracking import MlflowClient

from tests.harness.mlflow_server import MlflowServer


def test_the_store_reader_reads_what_rest_returns(seeded, postgres, mlflow_server):
    from_store = StoreReader(postgres.uri).runs(seeded.experiment_id)
    runs = MlflowClient(mlflow_server.url).search_runs([seeded.experiment_id])
    assert len(from_store) == len(runs) == len(seeded.runs)
    assert from_store == {run.info.run_id: run_to_dict(run) for run in runs}


def test_the_store_reader_cannot_write(postgres):
    with StoreReader(postgres.uri)._connection() as connection:
        with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
            connection.cursor().execute("DELETE FROM runs WHERE false")


def test_the_store_reader_reads_sqlite_read_only(tmp_path):
    server = MlflowServer(tmp_path).start()
    try:
        client = MlflowClient(server.url)
        experiment_id = client.create_experiment("sqlite-store")
        run = client.create_run(experiment_id, tags={"model_name": "two-tower"})
        client.log_metric(run.info.run_id, "val_loss", float("nan"))
        client.log_param(run.info.run_id, "model.embedding_dim", "8")
        client.set_terminated(run.info.run_id, "FINISHED")
        reader = StoreReader(f"sqlite:///{tmp_path / 'state' / 'mlflow.db'}")
        assert reader.runs(experiment_id) == {
            run.info.run_id: run_to_dict(client.get_run(run.info.run_id))
        }
        with (
            reader._connection() as connection,
            pytest.raises(sqlite3.OperationalError, match="readonly"),
        ):
            connection.execute("DELETE FROM runs")
    finally:
        server.stop()
