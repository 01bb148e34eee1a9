"""Request limits and error mapping, through Flask's test client (no MLflow needed: every request
here is refused before the API would ask it)."""

from __future__ import annotations

import threading

import pytest
from metrics_api import create_app
from metrics_api.calls import BoundedCalls
from metrics_api.errors import TrackingUnavailable
from metrics_api.limits import MAX_JSON_DEPTH, json_depth
from metrics_api.tracking import Tracking
from mlflow.exceptions import MlflowException
from mlflow.protos import databricks_pb2

RUN = "a" * 32


@pytest.fixture(scope="module")
def client():
    app = create_app({"TRACKING_URI": "http://127.0.0.1:9", "CACHE_WARM_ON_START": False})
    return app.test_client()


def test_a_body_over_one_mib_is_a_413_in_json(client):
    response = client.post(
        "/api/models/compare", data=b"[" * (1024 * 1024 + 1), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["success"] is False


def test_deep_nesting_is_a_400_in_json_not_a_recursion_error(client):
    for body in ("[" * 100_000 + "]" * 100_000, '{"run_ids": ' + "[" * 50 + "]" * 50 + "}"):
        response = client.post("/api/models/compare", data=body, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json() == {
            "success": False,
            "error": f"body is nested more than {MAX_JSON_DEPTH} levels deep",
        }


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert json_depth('{"run_ids": ["[[[[[[[[[[[[[[[[[[[[[\\"{{{{"]}') == 2


def test_broken_json_and_bad_encodings_are_400s(client):
    for body in (b'{"run_ids": [', b"\xff\xfe", b"1" * 5000, b'{"run_ids": "' + b"x" * 100):
        response = client.post("/api/models/compare", data=body, content_type="application/json")
        assert response.status_code == 400, body[:20]
        assert response.get_json()["success"] is False


def test_compare_fan_out_is_capped(client):
    body = {
        "run_ids": [f"{i:032x}" for i in range(10)],
        "history_metrics": ["train_loss", "val_loss", "learning_rate", "a", "b"],
    }
    response = client.post("/api/models/compare", json=body)
    assert response.status_code == 400 and "at most 50" in response.get_json()["error"]


def test_doubled_slashes_never_redirect_to_the_host_header(client):
    # (The test client would read a leading "//" as a host; test_app.py sends those raw.)
    for path in ("/api//models//runs", "/api/models//summary", "/api//health"):
        response = client.get(path, headers={"Host": "evil.test"})
        assert response.status_code == 404, path
        assert "Location" not in response.headers
        assert response.get_json()["success"] is False


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("RESOURCE_DOES_NOT_EXIST", 404),
        ("INVALID_PARAMETER_VALUE", 400),
        ("RESOURCE_ALREADY_EXISTS", 409),
        ("INVALID_STATE", 409),
        ("TEMPORARILY_UNAVAILABLE", 503),
        ("INTERNAL_ERROR", 502),
        ("PERMISSION_DENIED", 403),
    ],
)
def test_mlflow_errors_map_to_4xx_502_and_503(code, status):
    error = Tracking("http://mlflow.test").translate(
        MlflowException("nope", error_code=getattr(databricks_pb2, code))
    )
    assert error.status == status
    assert ("Retry-After" in error.headers) == (status == 503)


def test_no_answer_from_mlflow_is_a_503():
    error = Tracking("http://mlflow.test").translate(
        MlflowException(
            "API request to http://mlflow.test/api/2.0/mlflow/runs/get failed with exception "
            "HTTPConnectionPool: Max retries exceeded (Caused by ConnectTimeoutError)"
        )
    )
    assert error.status == 503 and "timed out" in error.message


def test_the_deadline_starts_after_mlflows_client_is_imported():
    """A worker's first MLflow call may wait seconds for the import of MLflow's client (local
    CPU); only the call itself is held to the deadline, a hung one still fails in time."""
    imported = threading.Event()
    calls = BoundedCalls(2, 0.05, ready=lambda: imported.wait(0.3))  # slower than the deadline
    assert calls.one(lambda: 42) == 42
    with pytest.raises(TrackingUnavailable, match="did not answer 1 of 1"):
        calls.one(threading.Event().wait, 1)  # hung: 1 s against a 0.05 s deadline
