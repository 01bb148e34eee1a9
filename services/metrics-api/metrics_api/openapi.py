"""The OpenAPI 3.1 document, generated from the pydantic models the views validate with."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import champion_schemas as c
from . import preview_schemas as p
from . import schemas as s

REF = "#/components/schemas/{model}"
PATH_PARAMS = {
    "run_id": {"type": "string", "pattern": s.RUN_ID_PATTERN},
    "name": {"type": "string", "pattern": s.METRIC_PATTERN, "maxLength": 250},
    "model_name": {"type": "string", "pattern": s.NAME_PATTERN, "maxLength": 100},
}
ERRORS = {
    400: "invalid input",
    401: "missing or wrong bearer token",
    403: "promotion is switched off",
    404: "unknown run, metric, experiment, registered model or user; a run without a model",
    409: "run cannot be promoted (not finished, no registered version, another experiment); "
    "no earlier champion to roll back to; "
    "a run's model refused (its files differ from the digest logged at training)",
    413: "body larger than 1 MiB",
    502: "MLflow answered with an unexpected error",
    503: "MLflow tracking server unavailable or still loading (see Retry-After)",
}

CSV = "text/csv"  # a response that is not JSON

# (method, path, summary, query model, body model, response model, error statuses)
OPERATIONS = [
    ("get", "/api/health", "Liveness and whether MLflow answers", None, None, s.HealthResponse, ()),
    ("get", "/api/openapi.json", "This document", None, None, None, ()),
    (
        "get",
        "/api/models/experiments",
        "Active experiments",
        None,
        None,
        s.ExperimentsResponse,
        (502, 503),
    ),
    (
        "get",
        "/api/models/runs",
        "Runs, filtered, ordered and paged",
        s.RunsQuery,
        None,
        s.RunsResponse,
        (400, 404, 502, 503),
    ),
    (
        "get",
        "/api/models/runs/{run_id}",
        "One run",
        None,
        None,
        s.RunResponse,
        (400, 404, 502, 503),
    ),
    (
        "get",
        "/api/models/runs.csv",
        "Every matching run as CSV, streamed",
        s.RunsCsvQuery,
        None,
        CSV,
        (400, 404, 502, 503),
    ),
    (
        "get",
        "/api/models/runs/{run_id}/metrics/{name}/history",
        "A metric's history by step",
        None,
        None,
        s.HistoryResponse,
        (400, 404, 502, 503),
    ),
    (
        "post",
        "/api/models/compare",
        "Several runs side by side, with histories on request",
        None,
        s.CompareRequest,
        s.CompareResponse,
        (400, 404, 413, 502, 503),
    ),
    (
        "get",
        "/api/models/summary",
        "Counts, latest run per model, best run per type",
        s.SummaryQuery,
        None,
        s.SummaryResponse,
        (400, 404, 502, 503),
    ),
    (
        "post",
        "/api/models/runs/{run_id}/promote",
        "Make a run's registered version the champion (the run shows as active)",
        None,
        None,
        s.PromotionResponse,
        (400, 401, 403, 404, 409, 502, 503),
    ),
    (
        "get",
        "/api/models/champions/{model_name}/history",
        "A registered model's champion changes (promotions, roll backs), newest first",
        None,
        None,
        c.ChampionHistoryResponse,
        (400, 404, 502, 503),
    ),
    (
        "post",
        "/api/models/champions/{model_name}/rollback",
        "Make the champion the current one replaced champion again (same checks as promote)",
        None,
        None,
        c.RollbackResponse,
        (400, 401, 403, 404, 409, 502, 503),
    ),
    (
        "get",
        "/api/models/runs/{run_id}/recommendations",
        "A run's top-k for a user of the evaluation data (history, watched next marked)",
        p.RecommendationsQuery,
        None,
        p.RecommendationsResponse,
        (400, 404, 409, 502, 503),
    ),
    (
        "post",
        "/api/models/runs/{run_id}/recommendations",
        "A run's top-k for a made-up viewer's history of movie ids",
        None,
        p.RecommendationsRequest,
        p.RecommendationsResponse,
        (400, 404, 409, 413, 502, 503),
    ),
    (
        "get",
        "/api/movies",
        "Movies by title (id, title, year, genres)",
        p.MoviesQuery,
        None,
        p.MoviesResponse,
        (400, 502, 503),
    ),
]


def _without_null(schema: dict) -> dict:
    """Query values are never JSON null: drop the null branch of optional fields."""
    options = schema.get("anyOf")
    if options:
        rest = [o for o in options if o.get("type") != "null"]
        if len(rest) == 1:
            merged = {k: v for k, v in schema.items() if k != "anyOf"}
            return {**rest[0], **merged}
    return schema


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema["properties"].items():
        prop = _without_null(prop)
        if prop.get("default") is None:
            prop.pop("default", None)
        prop.pop("title", None)
        description = prop.pop("description", None)
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            param["description"] = description
        params.append(param)
    return params


def _operation(method, path, summary, query, body, response, errors) -> dict:
    operation: dict = {
        "summary": summary,
        "operationId": _operation_id(method, path),
        "responses": {},
    }
    params = [
        {"name": n, "in": "path", "required": True, "schema": PATH_PARAMS[n]}
        for n in PATH_PARAMS
        if "{" + n + "}" in path
    ]
    if query:
        params += _query_parameters(query)
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=body.__name__)}}},
        }
    if response == CSV:
        content = {CSV: {"schema": {"type": "string"}}}
    else:
        ok = (
            {"schema": {"$ref": REF.format(model=response.__name__)}}
            if response
            else {"schema": {"type": "object"}}
        )
        content = {"application/json": ok}
    operation["responses"]["200"] = {"description": "success", "content": content}
    for status in errors:
        error = {"schema": {"$ref": REF.format(model="ErrorResponse")}}
        operation["responses"][str(status)] = {
            "description": ERRORS[status],
            "content": {"application/json": error},
        }
    if path.endswith(("/promote", "/rollback")):
        operation["security"] = [{"bearer": []}]
    return operation


def _operation_id(method: str, path: str) -> str:
    words = [w.strip("{}") for w in path.removeprefix("/api/").replace(".", "_").split("/")]
    return "_".join([method, *words])


@cache
def document() -> dict:
    models = [m for *_, q, b, r, _e in OPERATIONS for m in (q, b, r) if m and m != CSV]
    models.append(s.ErrorResponse)
    _, defs = models_json_schema(
        [(m, "validation") for m in dict.fromkeys(models)], ref_template=REF
    )
    paths: dict = {}
    for op in OPERATIONS:
        paths.setdefault(op[1], {})[op[0]] = _operation(*op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Movie Genie metrics API",
            "version": "1.0.0",
            "description": "REST over the MLflow tracking server. Every response is "
            "`{success, data, count?}` or `{success: false, error}`.",
        },
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
