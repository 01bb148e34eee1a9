"""``q`` over the API (runs, summary, runs.csv) against a real MLflow server and the API under
gunicorn, on an experiment of hand-made runs logged through MLflow's client: values chosen so
that precedence, numbers vs strings, missing keys and formula-looking text all show."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from metrics_api import create_app
from metrics_api.query.language import MAX_QUERY_LENGTH, PARSER
from mlflow.entities import Metric, Param, RunTag
from mlflow.tracking import MlflowClient

from tests.metrics_api.conftest import start_api
from tests.metrics_api.test_query_language import TERMINALS

# name, model_name, model_type, MLflow status, val_ndcg_at_10, params, note tag
PLAN = [
    (
        "two-tower-a",
        "two-tower",
        "retrieval",
        "FINISHED",
        0.10,
        {"model.dim": "64", "training.lr": "1e-3", "training.opt": "adam"},
        None,
    ),
    (
        "two-tower-b",
        "two-tower",
        "retrieval",
        "FINISHED",
        0.30,
        {"model.dim": "128", "training.lr": "0.001", "training.opt": "sgd"},
        '=HYPERLINK("http://evil.test","x")',
    ),
    (
        "bert4rec-a",
        "bert4rec",
        "ranking",
        "FINISHED",
        0.20,
        {"model.dim": "9", "training.lr": "0.01", "training.opt": "Adam"},
        "+1",
    ),
    ("bert4rec-b", "bert4rec", "ranking", "FAILED", None, {"model.dim": "big"}, "@cmd"),
    ("popularity-a", "popularity", "baseline", "FINISHED", 0.05, {}, "-2"),
    (
        "bert4rec-c",
        "bert4rec",
        "ranking",
        "FINISHED",
        0.25,
        {"model.dim": "256", "training.lr": "0.003", "training.opt": "adam"},
        "plain",
    ),
]
MARKER = "zq" + uuid.uuid4().hex[:10]  # appears in queries; must never reach MLflow


@pytest.fixture(scope="module")
def searched(mlflow_server):
    client = MlflowClient(mlflow_server.url)
    experiment = f"search-{uuid.uuid4().hex[:8]}"
    experiment_id = client.create_experiment(experiment)
    for i, (name, model, kind, status, ndcg, params, note) in enumerate(PLAN):
        start = 1_700_000_000_000 + i * 60_000
        tags = {
            "mlflow.runName": name,
            "model_name": model,
            "model_type": kind,
            "status": "failed" if status == "FAILED" else "inactive",
        }
        if note is not None:
            tags["note"] = note
        run = client.create_run(experiment_id, start_time=start, tags=tags)
        metrics = [Metric("train_loss", 1.0 + i, start, 0)]
        if ndcg is not None:
            metrics.append(Metric("val_ndcg_at_10", ndcg, start, 0))
        client.log_batch(
            run.info.run_id,
            metrics=metrics,
            params=[Param(k, v) for k, v in params.items()],
            tags=[RunTag("dataset", "tiny")],
        )
        client.set_terminated(run.info.run_id, status, end_time=start + 30_000)
    return experiment


@pytest.fixture(scope="module")
def search_api(mlflow_server, searched, tmp_path_factory):
    server = start_api(
        mlflow_server.url, searched, tmp_path_factory.mktemp("search-api") / "gunicorn.log"
    )
    yield server
    server.process.stop()


def run_names(api, **params) -> list[str]:
    response = api.get("/api/models/runs", params=params)
    assert response.status_code == 200, response.text
    return [run["run_name"] for run in response.json()["data"]]


def by_ndcg(api, q: str) -> list[str]:
    return run_names(api, q=q, order_by="run_name ASC")


def test_q_selects_runs_and_the_total_counts_them(search_api):
    body = search_api.get(
        "/api/models/runs",
        params={"q": "metrics.val_ndcg_at_10 >= 0.2", "order_by": "metrics.val_ndcg_at_10 DESC"},
    ).json()
    assert [r["run_name"] for r in body["data"]] == ["two-tower-b", "bert4rec-c", "bert4rec-a"]
    assert body["total"] == body["count"] == 3


def test_q_combines_with_filters_order_and_paging(search_api):
    params = {
        "q": "metrics.val_ndcg_at_10 > 0.1",
        "model_type": "ranking",
        "order_by": "metrics.val_ndcg_at_10 DESC",
        "limit": 1,
    }
    first = search_api.get("/api/models/runs", params=params).json()
    assert [r["run_name"] for r in first["data"]] == ["bert4rec-c"] and first["total"] == 2
    second = search_api.get(
        "/api/models/runs", params={**params, "page_token": first["next_page_token"]}
    ).json()
    assert [r["run_name"] for r in second["data"]] == ["bert4rec-a"] and second["total"] == 2
    assert second["next_page_token"] is None
    assert run_names(
        search_api, q="metrics.val_ndcg_at_10 > 0.1", status="inactive", model_name="two-tower"
    ) == ["two-tower-b"]


def test_and_before_or_and_parentheses(search_api):
    q = "model_name = 'bert4rec' or model_name = 'two-tower' and metrics.val_ndcg_at_10 > 0.2"
    assert by_ndcg(search_api, q) == ["bert4rec-a", "bert4rec-b", "bert4rec-c", "two-tower-b"]
    q = "(model_name = 'bert4rec' or model_name = 'two-tower') and metrics.val_ndcg_at_10 > 0.2"
    assert by_ndcg(search_api, q) == ["bert4rec-c", "two-tower-b"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("metrics.val_ndcg_at_10 = 0.2", ["bert4rec-a"]),
        (
            "metrics.val_ndcg_at_10 != 0.2",
            ["bert4rec-c", "popularity-a", "two-tower-a", "two-tower-b"],
        ),
        ("metrics.val_ndcg_at_10 < 0.1", ["popularity-a"]),
        ("metrics.val_ndcg_at_10 <= 0.1", ["popularity-a", "two-tower-a"]),
        ("metrics.val_ndcg_at_10 > 0.25", ["two-tower-b"]),
        ("metrics.val_ndcg_at_10 >= 0.25", ["bert4rec-c", "two-tower-b"]),
        ("status = 'FAILED'", ["bert4rec-b"]),
        ("start_time >= 1700000240000", ["bert4rec-c", "popularity-a"]),
        (
            "tags.dataset = 'tiny' and model_type != 'ranking'",
            ["popularity-a", "two-tower-a", "two-tower-b"],
        ),
    ],
)
def test_each_operator(search_api, q, expected):
    assert by_ndcg(search_api, q) == expected


def test_like_on_names_params_and_tags(search_api):
    assert by_ndcg(search_api, "run_name LIKE 'bert4rec-%'") == [
        "bert4rec-a",
        "bert4rec-b",
        "bert4rec-c",
    ]
    assert by_ndcg(search_api, "run_name LIKE '%-_'") == [name for name, *_ in sorted(PLAN)]
    assert by_ndcg(search_api, "params.training.opt LIKE 'a%'") == ["bert4rec-c", "two-tower-a"]
    assert by_ndcg(search_api, "params.training.opt ILIKE 'A%'") == [
        "bert4rec-a",
        "bert4rec-c",
        "two-tower-a",
    ]
    assert by_ndcg(search_api, "tags.note NOT LIKE '%1%'") == [
        "bert4rec-b",
        "bert4rec-c",
        "popularity-a",
        "two-tower-b",
    ]


def test_numbers_against_strings(search_api):
    # As numbers: 128 and 256 > 100; "9" is 9 and "big" is not a number.
    assert by_ndcg(search_api, "params.model.dim > 100") == ["bert4rec-c", "two-tower-b"]
    # As strings: "64", "9", "big" and "256" sort after "100"; "128" does too.
    assert by_ndcg(search_api, "params.model.dim > '100'") == [
        "bert4rec-a",
        "bert4rec-b",
        "bert4rec-c",
        "two-tower-a",
        "two-tower-b",
    ]
    assert by_ndcg(search_api, "params.training.lr = 0.001") == ["two-tower-a", "two-tower-b"]
    assert by_ndcg(search_api, "params.training.lr = '0.001'") == ["two-tower-b"]


def test_missing_keys(search_api):
    assert by_ndcg(search_api, "metrics.val_ndcg_at_10 IS NULL") == ["bert4rec-b"]
    assert "bert4rec-b" not in by_ndcg(search_api, "metrics.val_ndcg_at_10 != 12")
    assert by_ndcg(search_api, "params.training.opt IS NULL") == ["bert4rec-b", "popularity-a"]
    assert by_ndcg(search_api, "tags.nothing = 'x' or tags.nothing != 'x'") == []


@pytest.mark.parametrize(
    ("q", "position", "words"),
    [
        ("metrics.val_ndcg_at_10 >", 24, "ends too early"),
        ("metrics.val_ndcg_at_10 > 0.1 and and", 33, "unexpected"),
        ("run_name = 'x' or 1=1", 18, "unexpected"),
        ("metrics.val_ndcg_at_10 = 'good'", 25, "is a number"),
        ("run_name LIKE 5", 14, "unexpected"),
        ("(run_name = 'x'", 15, "ends too early"),
        ("run_name = 'x'; DROP TABLE runs", 14, "unexpected"),
    ],
)
def test_bad_queries_are_400_with_the_position(search_api, q, position, words):
    for path in ("/api/models/runs", "/api/models/summary", "/api/models/runs.csv"):
        response = search_api.get(path, params={"q": q})
        assert response.status_code == 400, (path, response.text)
        body = response.json()
        assert body["success"] is False and body["position"] == position, (path, body)
        assert body["error"].startswith("q: ") and words in body["error"]


def test_summary_follows_the_filters_and_q(search_api):
    whole = search_api.get("/api/models/summary").json()["data"]
    assert whole["total_runs"] == len(PLAN)
    some = search_api.get(
        "/api/models/summary",
        params={"q": "metrics.val_ndcg_at_10 >= 0.2", "metric": "val_ndcg_at_10"},
    ).json()["data"]
    assert some["total_runs"] == 3
    assert some["counts_by_type"] == {"retrieval": 1, "ranking": 2}
    assert some["best_runs"]["ranking"]["run_name"] == "bert4rec-c"
    ranking = search_api.get("/api/models/summary", params={"model_type": "ranking"}).json()
    assert ranking["data"]["total_runs"] == 3


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.text)))


def test_csv_streams_every_matching_run_in_order_with_chosen_columns(search_api):
    response = search_api.get(
        "/api/models/runs.csv",
        params={
            "q": "metrics.val_ndcg_at_10 > 0",
            "order_by": "metrics.val_ndcg_at_10 ASC",
            "columns": "run_name,metrics.val_ndcg_at_10,params.model.dim,start_time",
        },
    )
    assert "Content-Length" not in response.headers  # streamed (chunked), not built whole
    rows = read_csv(response)
    assert list(rows[0]) == ["run_name", "metrics.val_ndcg_at_10", "params.model.dim", "start_time"]
    assert [(r["run_name"], float(r["metrics.val_ndcg_at_10"])) for r in rows] == [
        ("popularity-a", 0.05),
        ("two-tower-a", 0.10),
        ("bert4rec-a", 0.20),
        ("bert4rec-c", 0.25),
        ("two-tower-b", 0.30),
    ]
    assert rows[0]["params.model.dim"] == "" and rows[1]["params.model.dim"] == "64"
    assert rows[0]["start_time"] == "2023-11-14T22:17:20.000Z"


def test_csv_default_columns_are_attributes_metrics_and_params(search_api):
    rows = read_csv(search_api.get("/api/models/runs.csv"))
    assert len(rows) == len(PLAN)
    columns = list(rows[0])
    assert columns[:3] == ["run_id", "run_name", "status"]
    assert {
        "metrics.train_loss",
        "metrics.val_ndcg_at_10",
        "params.model.dim",
        "params.training.lr",
    } <= set(columns)


def test_csv_cells_cannot_become_formulas(search_api):
    rows = read_csv(
        search_api.get(
            "/api/models/runs.csv",
            params={"columns": "run_name,tags.note", "q": "tags.note IS NOT NULL"},
        )
    )
    notes = {r["run_name"]: r["tags.note"] for r in rows}
    assert notes == {
        "two-tower-b": '\'=HYPERLINK("http://evil.test","x")',
        "bert4rec-a": "'+1",
        "bert4rec-b": "'@cmd",
        "popularity-a": "'-2",
        "bert4rec-c": "plain",
    }


@pytest.mark.parametrize("columns", ["", "run_name,run_name", "password", "metrics."])
def test_csv_bad_columns_are_400(search_api, columns):
    response = search_api.get("/api/models/runs.csv", params={"columns": columns})
    assert response.status_code == 400 and response.json()["error"].startswith("columns")


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        # 9 < 64 < 128 < 256 as numbers; "big" is text, after them; popularity-a has no dim
        (
            "params.model.dim ASC",
            [
                "bert4rec-a",
                "two-tower-a",
                "two-tower-b",
                "bert4rec-c",
                "bert4rec-b",
                "popularity-a",
            ],
        ),
        (
            "params.model.dim DESC",
            [
                "bert4rec-c",
                "two-tower-b",
                "two-tower-a",
                "bert4rec-a",
                "bert4rec-b",
                "popularity-a",
            ],
        ),
    ],
)
def test_params_sort_as_numbers_across_pages(search_api, order_by, expected):
    names, token = [], None
    while True:
        params = {"order_by": order_by, "limit": 4, **({"page_token": token} if token else {})}
        body = search_api.get("/api/models/runs", params=params).json()
        names += [run["run_name"] for run in body["data"]]
        token = body["next_page_token"]
        if token is None:
            break
    assert names == expected


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    q=from_lark(
        PARSER,
        start="start",
        explicit={
            **TERMINALS,
            "FIELD": st.sampled_from(
                [
                    "metrics.val_ndcg_at_10",
                    "params.model.dim",
                    "params.training.lr",
                    "tags.note",
                    "run_name",
                    "model_type",
                    "start_time",
                    "metrics.nothing",
                    "colour",
                ]
            ),
        },
    )
)
def test_any_sentence_of_the_grammar_is_answered_200_or_400_with_a_position(search_api, q):
    assume(len(q) <= MAX_QUERY_LENGTH)  # longer: the documented maxLength answers first
    response = search_api.get("/api/models/runs", params={"q": q})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert 0 <= response.json()["position"] <= len(q)
    else:
        assert response.json()["total"] <= len(PLAN)


def test_no_query_reaches_mlflow_as_text(mlflow_server, searched):
    """The app in-process against the real server, recording every filter string it sends."""
    app = create_app(
        {
            "TRACKING_URI": mlflow_server.url,
            "EXPERIMENT_NAME": searched,
            "CACHE_WARM_ON_START": False,
        }
    )
    client = app.extensions["metrics_api"].tracking.client
    sent: list[str] = []
    real_search = client.search_runs

    def recording_search(*args, **kwargs):
        sent.append(repr((args, kwargs)))
        return real_search(*args, **kwargs)

    client.search_runs = recording_search
    queries = [
        f"run_name = '{MARKER}'",
        f"tags.{MARKER} LIKE '%{MARKER}%'",
        f"params.`{MARKER}` > 1 or metrics.{MARKER} IS NULL",
    ]
    with app.test_client() as http:
        for q in queries:
            for path in ("/api/models/runs", "/api/models/summary", "/api/models/runs.csv"):
                assert http.get(path, query_string={"q": q}).status_code == 200
    assert sent, "the run cache must have searched MLflow"
    assert not [call for call in sent if MARKER in call]
