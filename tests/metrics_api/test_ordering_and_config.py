"""Pure parts: order_by parsing, keyset page tokens over changing data, config errors."""

from __future__ import annotations

import pytest
from metrics_api import create_app, settings
from metrics_api.errors import BadRequest
from metrics_api.ordering import page, parse_order


def run(run_id: str, start: int, ndcg: float | None = None, name: str | None = None) -> dict:
    return {
        "run_id": run_id,
        "run_name": name,
        "start_time": start,
        "end_time": None,
        "status": "FINISHED",
        "metrics": {} if ndcg is None else {"ndcg_at_10": ndcg},
        "params": {},
    }


def rows(order, runs):
    return sorted(((order.sort_key(r), r) for r in runs), key=lambda row: row[0])


def test_parse_order_accepts_the_grammar_and_refuses_the_rest():
    assert parse_order("metrics.ndcg_at_10 DESC").text == "metrics.ndcg_at_10 DESC"
    assert parse_order("attributes.start_time").text == "start_time ASC"
    for bad in ("metrics.x` DESC", "start_time DESC; --", "tags.status DESC", "run_name UP", ""):
        with pytest.raises(BadRequest):
            parse_order(bad)


def test_descending_strings_and_missing_values_last():
    order = parse_order("run_name DESC")
    runs = [
        run("a" * 32, 1, name="alpha"),
        run("b" * 32, 2, name=None),
        run("c" * 32, 3, name="zulu"),
    ]
    assert [r["run_name"] for _, r in rows(order, runs)] == ["zulu", "alpha", None]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ("params.dim ASC", ["1e-3", "9", "64", "128", "abc", "big", None]),
        ("params.dim DESC", ["128", "64", "9", "1e-3", "big", "abc", None]),
    ],
)
def test_params_that_read_as_numbers_sort_as_numbers_then_text_then_missing(order_by, expected):
    order = parse_order(order_by)
    values = ["64", "big", None, "9", "128", "1e-3", "abc"]
    runs = [
        {**run(f"{i:032x}", i), "params": {} if v is None else {"dim": v}}
        for i, v in enumerate(values)
    ]
    ranked = rows(order, runs)
    assert [r["params"].get("dim") for _, r in ranked] == expected
    first, token = page(ranked, order, 3, None)  # page tokens carry the text; order holds
    rest, _ = page(ranked, order, 10, token)
    assert [r["params"].get("dim") for r in first + rest] == expected


def test_next_page_starts_after_the_last_run_even_when_runs_were_added():
    order = parse_order("metrics.ndcg_at_10 DESC")
    runs = [run(f"{i:032x}", i, ndcg=i / 10) for i in range(1, 6)]
    first, token = page(rows(order, runs), order, 2, None)
    assert [r["metrics"]["ndcg_at_10"] for r in first] == [0.5, 0.4]
    runs.append(run("f" * 32, 9, ndcg=0.9))  # a new best run must not shift the next page
    second, token = page(rows(order, runs), order, 2, token)
    assert [r["metrics"]["ndcg_at_10"] for r in second] == [0.3, 0.2]
    last, token = page(rows(order, runs), order, 2, token)
    assert [r["metrics"]["ndcg_at_10"] for r in last] == [0.1] and token is None


def test_forged_page_tokens_are_400():
    order = parse_order("start_time DESC")
    for token in ("bm90IGpzb24=", "eyJvIjogInN0YXJ0X3RpbWUgREVTQyIsICJ2IjogIngiLCAiciI6IDF9"):
        with pytest.raises(BadRequest):
            page([], order, 10, token)


def test_a_bad_setting_stops_start_up_naming_the_variable(monkeypatch):
    monkeypatch.setenv("METRICS_API_CACHE_REFRESH_SECONDS", '"soon"')
    with pytest.raises(settings.ConfigError, match="METRICS_API_CACHE_REFRESH_SECONDS"):
        create_app({"CACHE_WARM_ON_START": False, "TRACKING_URI": "http://127.0.0.1:9"})


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("METRICS_API_CACHE_MAX_AGE_SECONDS", "-1", "METRICS_API_CACHE_MAX_AGE_SECONDS"),
        ("METRICS_API_CACHE_WARM_ON_START", "maybe", "METRICS_API_CACHE_WARM_ON_START"),
        ("METRICS_API_REGISTERED_MODEL_PREFIX", "a/b", "METRICS_API_REGISTERED_MODEL_PREFIX"),
        ("METRICS_API_STORE_URI", "mysql://db/mlflow", "METRICS_API_STORE_URI"),
        ("MLFLOW_HTTP_REQUEST_TIMEOUT", "soon", "MLFLOW_HTTP_REQUEST_TIMEOUT or METRICS_API_"),
        ("METRICS_API_PROMOTE_TOKEN", "change-me-token", "METRICS_API_PROMOTE_TOKEN is still"),
    ],
)
def test_each_bad_setting_is_refused_naming_its_variable(monkeypatch, variable, value, named):
    monkeypatch.setenv(variable, value)
    with pytest.raises(settings.ConfigError) as refused:
        settings.load_settings({"TRACKING_URI": "http://127.0.0.1:9"})
    assert str(refused.value).startswith(named)


def test_settings_read_the_shared_variables_and_the_prefixed_one_wins(monkeypatch):
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", "shared-name")
    monkeypatch.setenv("CORS_ORIGINS", "http://a.test, ,http://b.test")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "7")
    monkeypatch.setenv("METRICS_API_MLFLOW_HTTP_REQUEST_TIMEOUT", "3")
    monkeypatch.setenv("METRICS_API_STORE_URI", "")  # empty: unset
    loaded = settings.load_settings({"TRACKING_URI": "http://127.0.0.1:9"})
    assert loaded.experiment_name == "shared-name"
    assert loaded.cors_origins == ["http://a.test", "http://b.test"]
    assert (loaded.mlflow_http_request_timeout, loaded.store_uri) == (3, "")
