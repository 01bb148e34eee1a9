"""Health, the OpenAPI document, CORS, JSON errors and the start-up log."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.metrics_api.conftest import ALLOWED_ORIGIN


def test_health_reports_mlflow_reachable(api, mlflow_server):
    body = api.get("/api/health").json()
    assert body == {
        "success": True,
        "data": {
            "status": "ok",
            "mlflow": {"reachable": True, "tracking_uri": mlflow_server.url},
            "experiment": api.experiment,
            "mlflow_ui_url": mlflow_server.url,
        },
    }


def test_openapi_document_lists_every_route(api):
    doc = api.get("/api/openapi.json").json()
    validate(doc)  # a valid OpenAPI 3.1 document
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {
        "/api/health",
        "/api/openapi.json",
        "/api/models/experiments",
        "/api/models/runs",
        "/api/models/runs.csv",
        "/api/models/runs/{run_id}",
        "/api/models/runs/{run_id}/metrics/{name}/history",
        "/api/models/compare",
        "/api/models/summary",
        "/api/models/runs/{run_id}/promote",
        "/api/models/champions/{model_name}/history",
        "/api/models/champions/{model_name}/rollback",
        "/api/models/runs/{run_id}/recommendations",
        "/api/movies",
    }


def test_cors_only_for_configured_origins(api):
    allowed = api.get("/api/health", headers={"Origin": ALLOWED_ORIGIN})
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    other = api.get("/api/health", headers={"Origin": "http://evil.test"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_unknown_routes_and_methods_answer_json(api):
    missing = api.get("/api/nope")
    assert missing.status_code == 404 and missing.json()["success"] is False
    wrong = api.post("/api/models/summary")
    assert wrong.status_code == 405 and wrong.json()["success"] is False
    assert "GET" in wrong.headers["Allow"]


def test_start_up_log_names_uri_experiment_and_routes(api, mlflow_server):
    log = api.process.log_path.read_text()
    assert f"tracking URI {mlflow_server.url} (MLflow answers)" in log
    assert repr(api.experiment) in log
    assert "GET /api/models/summary" in log and "POST /api/models/runs/<run_id>/promote" in log


def test_doubled_slashes_are_a_404_never_a_redirect_to_the_host_header(api):
    for path in ("//api//models//runs", "//evil.test/api/models/summary", "/api//health"):
        response = api.get(path, headers={"Host": "evil.test"}, allow_redirects=False)
        assert response.status_code == 404, path
        assert "Location" not in response.headers and response.json()["success"] is False


def test_limits_hold_under_gunicorn_too(api):
    big = api.post(
        "/api/models/compare",
        data=b"x" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert big.status_code == 413 and big.json()["success"] is False
    deep = api.post(
        "/api/models/compare",
        data="[" * 200_000 + "]" * 200_000,
        headers={"Content-Type": "application/json"},
    )
    assert deep.status_code == 400 and "nested" in deep.json()["error"]
