"""The tracking server's entrypoint, run natively exactly as the container runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from tests.harness.mlflow_server import ENTRYPOINT, MlflowServer, entrypoint_env
from tests.harness.process import eventually, free_port

PASSWORD = "a-strong-db-password"


def test_unreachable_database_fails_fast_naming_the_host():
    port = free_port()  # nothing listens there
    env = entrypoint_env(
        {
            "MLFLOW_BACKEND_STORE_URI": f"postgresql+psycopg2://mlflow:{PASSWORD}@127.0.0.1:{port}/mlflow",
            "MLFLOW_DB_WAIT_SECONDS": "1",  # refused at once: the budget is the test's wait
            "MLFLOW_PORT": str(free_port()),
        }
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ENTRYPOINT)], env=env, capture_output=True, text=True, timeout=60
    )
    elapsed = time.monotonic() - started
    assert result.returncode != 0
    assert f"127.0.0.1:{port}" in result.stderr
    assert "did not answer within 1 s" in result.stderr
    assert PASSWORD not in result.stderr + result.stdout  # the password is never printed
    assert elapsed < 1 + 30, "the retry budget bounds the wait"


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


@pytest.mark.servers  # runs the mlflow server
def test_native_defaults_sqlite_and_local_artifacts_then_clean_sigterm(tmp_path, monkeypatch):
    server = MlflowServer(tmp_path).start()  # no backend/artifact env: the embedded defaults
    pgid = os.getpgid(server.server.process.pid)
    try:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", server.url)
        (tmp_path / "note.txt").write_text("hello")
        mlflow.set_experiment("native-defaults")
        with mlflow.start_run() as run:
            mlflow.log_metric("loss", 0.5, step=1)
            mlflow.log_artifact(str(tmp_path / "note.txt"))
        state = tmp_path / "state"
        assert (state / "mlflow.db").exists()
        stored = list((state / "artifacts").rglob("note.txt"))
        assert [p.read_text() for p in stored] == ["hello"]
        assert MlflowClient(server.url).get_metric_history(run.info.run_id, "loss")[0].value == 0.5
    finally:
        # SIGTERM to the launcher alone (as `docker stop` or a supervisor would send it) ...
        server.server.process.send_signal(signal.SIGTERM)
        code = server.server.process.wait(30)
    # ... stops it and every worker it started.
    assert code == 0
    eventually(lambda: not group_alive(pgid), "every worker of the server gone", 10)
    server.stop()


def test_create_bucket_is_idempotent(s3):
    script = ENTRYPOINT.parent / "create_bucket.py"
    env = {**os.environ, **s3.init_env(), "ARTIFACT_BUCKET": "init-bucket"}
    del env["ARTIFACT_ACCESS_KEY"], env["ARTIFACT_SECRET_KEY"]  # the bucket alone (see security)
    first = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True)
    assert first.returncode == 0 and "created" in first.stdout
    assert second.returncode == 0 and "already exists" in second.stdout
    assert "init-bucket" in [b["Name"] for b in s3.client().list_buckets()["Buckets"]]


@pytest.mark.parametrize("missing", ["MLFLOW_S3_ENDPOINT_URL", "ARTIFACT_BUCKET"])
def test_create_bucket_names_missing_settings(missing):
    env = {k: v for k, v in os.environ.items() if k != missing}
    env.update({"MLFLOW_S3_ENDPOINT_URL": "http://127.0.0.1:1", "ARTIFACT_BUCKET": "b"})
    del env[missing]
    result = subprocess.run(
        [sys.executable, str(ENTRYPOINT.parent / "create_bucket.py")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and missing in result.stderr
