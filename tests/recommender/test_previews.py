"""What a run recommends, from the recommender service under gunicorn, against trained runs on
the shared-server shape (MLflow with basic-auth on Postgres + S3); the service reads as the
metrics API's account."""

from __future__ import annotations

import uuid

import pytest
import requests
from mlflow.tracking import MlflowClient

from tests.frontend.metrics_api_server import start_metrics_api
from tests.frontend.trained_runs import train_smoke_runs
from tests.harness.mlflow_server import Accounts
from tests.recommender.recommender_server import start_recommender

MODELS = ("two-tower", "popularity")


# Trains models and starts programs itself (mlflow models serve, gunicorn).
pytestmark = [pytest.mark.slow, pytest.mark.servers]


@pytest.fixture(scope="module")
def trained(secured_mlflow_server, tmp_path_factory):
    """A two-tower and a popularity run (each logs its model), and the data they trained on."""
    server, suffix = secured_mlflow_server, uuid.uuid4().hex[:8]
    work = tmp_path_factory.mktemp("previews")
    config = work / "mlflow.yaml"
    config.write_text(
        "registered_models:\n" + "".join(f"  {m}: preview-{m}-{suffix}\n" for m in MODELS)
    )
    experiment = f"previews-{suffix}"
    trainer_env = {
        **Accounts.client_env(server.accounts.trainer),
        "MOVIE_GENIE_MLFLOW_CONFIG": str(config),
    }
    train_smoke_runs(work, server.url, experiment, MODELS, timeout=900, client_env=trainer_env)
    client = MlflowClient(server.url)
    with_account(server.accounts.admin)
    try:
        exp = client.get_experiment_by_name(experiment)
        runs = {r.data.tags["model_name"]: r for r in client.search_runs([exp.experiment_id])}
        bare = client.create_run(exp.experiment_id, run_name="no-model").info.run_id
        client.set_terminated(bare)
    finally:
        with_account(None)
    return runs, bare, work / "data", experiment


def with_account(account) -> None:
    import os

    for key, value in Accounts.client_env(account or ("", "")).items():
        if account:
            os.environ[key] = value
        else:
            os.environ.pop(key, None)


@pytest.fixture(scope="module")
def recommender(secured_mlflow_server, trained, tmp_path_factory):
    server = secured_mlflow_server
    process, url = start_recommender(
        tmp_path_factory.mktemp("recommender"),
        server.url,
        trained[2],
        client_env=Accounts.client_env(server.accounts.metrics_api),
        RECOMMENDER_CACHE_MODELS="1",
    )
    yield url
    process.stop()


@pytest.fixture(scope="module")
def api(secured_mlflow_server, trained, recommender, tmp_path_factory):
    """The metrics API under gunicorn, forwarding previews to the recommender."""
    server = secured_mlflow_server
    process, url = start_metrics_api(
        tmp_path_factory.mktemp("metrics-api"),
        server.url,
        trained[3],
        "",
        server.url,
        client_env=Accounts.client_env(server.accounts.metrics_api),
        METRICS_API_RECOMMENDER_URL=recommender,
        METRICS_API_CACHE_WARM_ON_START="false",
    )
    yield url
    process.stop()


def get(url: str, **params):
    return requests.get(url, params=params, timeout=120)


def post(url: str, body=None, **kwargs):
    return requests.post(url, json=body, timeout=30, **kwargs)


def assert_json_errors(cases) -> None:
    """Each (response, status, message): that status, and a JSON error naming the problem."""
    for response, status, message in cases:
        assert response.status_code == status, (response.request.url, response.text)
        body = response.json()
        assert body["success"] is False and message in body["error"], body


def test_over_all_users_the_previews_top_100_agrees_with_the_logged_recall_at_100(
    trained, recommender
):
    runs, *_ = trained
    run = runs["two-tower"]
    users = requests.get(f"{recommender}/users", timeout=30).json()["data"]
    assert len(users) == int(run.data.metrics["num_users"])
    hits = 0
    for user_id in users:
        answer = get(
            f"{recommender}/runs/{run.info.run_id}/recommendations", user_id=user_id, k=100
        ).json()["data"]
        assert len(answer["recommendations"]) == 100
        hits += any(movie["watched_next"] for movie in answer["recommendations"])
    assert hits / len(users) == pytest.approx(run.data.metrics["recall_at_100"], abs=0.01)


def test_a_users_preview_shows_the_last_10_movies_and_10_titled_unseen_picks(trained, recommender):
    runs, *_ = trained
    run_id = runs["two-tower"].info.run_id
    user_id = requests.get(f"{recommender}/users", timeout=30).json()["data"][0]
    answer = get(f"{recommender}/runs/{run_id}/recommendations", user_id=user_id).json()
    assert answer["success"] is True
    data = answer["data"]
    assert data["user_id"] == user_id and data["model_name"] == "two-tower"
    assert len(data["history"]) == 10 and data["history_length"] > 10
    picks = data["recommendations"]
    assert [p["rank"] for p in picks] == list(range(1, 11))
    assert all(p["title"] and p["genres"] and isinstance(p["year"], int) for p in picks)
    assert [p["score"] for p in picks] == sorted((p["score"] for p in picks), reverse=True)
    assert data["watched_next"]["title"]
    assert not {p["movie_id"] for p in picks} & {m["movie_id"] for m in data["history"]}


def test_a_made_up_history_gets_k_picks_none_from_it_and_titles_can_be_searched(
    trained, recommender
):
    runs, *_ = trained
    found = get(f"{recommender}/movies", q="toy story").json()
    assert found["success"] and found["data"][0]["title"].startswith("Toy Story")
    assert found["data"][0]["year"] == 1995 and "Animation" in found["data"][0]["genres"]
    history = [found["data"][0]["movie_id"]] + [
        m["movie_id"] for m in get(f"{recommender}/movies", q="star wars").json()["data"]
    ]
    for model in MODELS:
        answer = requests.post(
            f"{recommender}/runs/{runs[model].info.run_id}/recommendations",
            json={"history": history, "k": 25},
            timeout=120,
        ).json()["data"]
        ids = [p["movie_id"] for p in answer["recommendations"]]
        assert len(ids) == len(set(ids)) == 25 and not set(ids) & set(history)
        assert answer["watched_next"] is None


def test_the_model_cache_is_bounded_and_reports_its_size(trained, recommender):
    runs, *_ = trained
    for model in ("two-tower", "popularity"):
        ok = requests.post(
            f"{recommender}/runs/{runs[model].info.run_id}/recommendations",
            json={"history": [1]},
            timeout=120,
        )
        assert ok.status_code == 200, ok.text
    cache = requests.get(f"{recommender}/cache", timeout=30).json()["data"]
    assert cache["max_models"] == 1 and cache["models"] == 1
    assert cache["runs"] == [runs["popularity"].info.run_id] and cache["bytes"] > 0


def test_bad_input_gets_a_json_4xx(trained, recommender):
    runs, bare, *_ = trained
    run = f"{recommender}/runs/{runs['popularity'].info.run_id}/recommendations"
    user_id = requests.get(f"{recommender}/users", timeout=30).json()["data"][0]
    cases = [
        (get(run, user_id=999999), 404, "unknown user 999999"),
        (get(run), 400, "user_id is required"),
        (get(run, user_id=user_id, k=0), 400, "k must be between 1 and 100"),
        (get(run, user_id=user_id, k=101), 400, "k must be between 1 and 100"),
        (get(run, user_id="x"), 400, "user_id must be an integer"),
        (get(f"{recommender}/runs/nothex/recommendations", user_id=user_id), 400, "run_id"),
        (get(f"{recommender}/runs/{'0' * 32}/recommendations", user_id=user_id), 404, "run"),
        (get(f"{recommender}/runs/{bare}/recommendations", user_id=user_id), 404, "no model"),
        (post(run, {"history": [999999]}), 400, "unknown movie"),
        (post(run, {"history": []}), 400, "history"),
        (post(run, {"history": [1], "k": 500}), 400, "k"),
        (post(run, {"history": ["a"]}), 400, "history"),
        (post(run, data="["), 400, "JSON object"),
        (get(f"{recommender}/movies"), 400, "q "),
    ]
    assert_json_errors(cases)


def test_the_metrics_api_serves_previews_and_movie_search_through_the_recommender(
    trained, recommender, api
):
    runs, bare, *_ = trained
    run_id = runs["two-tower"].info.run_id
    user_id = requests.get(f"{recommender}/users", timeout=30).json()["data"][0]
    direct = get(f"{recommender}/runs/{run_id}/recommendations", user_id=user_id).json()
    proxied = get(f"{api}/api/models/runs/{run_id}/recommendations", user_id=user_id).json()
    assert proxied == direct and len(proxied["data"]["recommendations"]) == 10
    posted = requests.post(
        f"{api}/api/models/runs/{run_id}/recommendations",
        json={"history": [1, 2, 3], "k": 5},
        timeout=120,
    ).json()
    assert [len(posted["data"]["recommendations"])] == [5]
    found = get(f"{api}/api/movies", q="toy story").json()
    assert found["data"][0]["title"].startswith("Toy Story") and found["count"] >= 1

    document = requests.get(f"{api}/api/openapi.json", timeout=30).json()
    operations = document["paths"]["/api/models/runs/{run_id}/recommendations"]
    assert {"get", "post"} <= operations.keys() and "get" in document["paths"]["/api/movies"]

    recs = f"{api}/api/models/runs/{run_id}/recommendations"
    cases = [
        (get(recs, user_id=999999), 404, "unknown user 999999"),
        (get(recs), 400, "user_id"),
        (get(recs, user_id=user_id, k=101), 400, "k"),
        (get(recs, user_id=user_id, extra=1), 400, "extra"),
        (get(f"{api}/api/models/runs/{bare}/recommendations", user_id=user_id), 404, "no model"),
        (get(f"{api}/api/models/runs/NOTHEX/recommendations", user_id=user_id), 400, "run id"),
        (post(recs, {"history": [999999]}), 400, "unknown movie"),
        (post(recs, {"history": [1], "k": 0}), 400, "k"),
        (post(recs, data="{"), 400, "not valid JSON"),
        (get(f"{api}/api/movies"), 400, "q"),
    ]
    assert_json_errors(cases)
