"""Runs, experiments, comparison, summary and promotion under ``/api/models``.

Lists and the summary come from the run cache (``run_cache.py``); single runs, histories and
comparisons are read from MLflow directly, so they are always current.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, current_app, request

from ..errors import BadRequest, NotFound
from ..ordering import page, parse_order
from ..promotion import check_token, promote
from ..run_cache import RunIndex
from ..schemas import METRIC_PATTERN, CompareRequest, RunsQuery, SummaryQuery
from ..serialize import experiment_to_dict, history_to_list, run_to_dict
from ..summary import default_goal, summarize
from . import check_run_id, ok, services, validated

bp = Blueprint("models", __name__, url_prefix="/api/models")
FETCH_THREADS = 8


def cached_experiment(name: str | None) -> tuple[str, RunIndex]:
    """The snapshot of ``name`` (default: the configured experiment). The default experiment
    may not exist yet (nothing trained): it reads as empty. Any other unknown name is a 404."""
    default = current_app.config["EXPERIMENT_NAME"]
    name = name or default
    index = services().cache.snapshot(name).current()
    if index.experiment_id is None and name != default:
        raise NotFound(f"experiment {name!r} not found")
    return name, index


@bp.get("/experiments")
def experiments():
    data = [experiment_to_dict(e) for e in services().tracking.experiments()]
    return ok(data, count=len(data))


@bp.get("/runs")
def runs():
    query = validated(RunsQuery, request.args.to_dict())
    order = parse_order(query.order_by)
    _, index = cached_experiment(query.experiment_name)
    rows = index.sorted_rows(order)
    wanted = {field: value.value if hasattr(value, "value") else value for field, value in (
        ("model_type", query.model_type), ("model_name", query.model_name),
        ("model_status", query.status)) if value is not None}
    if wanted:
        rows = [row for row in rows if all(row[1][f] == v for f, v in wanted.items())]
    chosen, token = page(rows, order, query.limit, query.page_token)
    return ok(chosen, count=len(chosen), total=len(rows), next_page_token=token)


@bp.get("/runs/<run_id>")
def run_details(run_id: str):
    return ok(run_to_dict(services().tracking.run(check_run_id(run_id))))


@bp.get("/runs/<run_id>/metrics/<path:name>/history")
def metric_history(run_id: str, name: str):
    check_run_id(run_id)
    if len(name) > 250 or not re.fullmatch(METRIC_PATTERN, name):
        raise BadRequest(f"metric name {name[:80]!r} is not valid")
    tracking = services().tracking
    if name not in tracking.run(run_id).data.metrics:
        raise NotFound(f"metric {name!r} not logged for run {run_id}")
    points = history_to_list(tracking.metric_history(run_id, name))
    return ok(points, count=len(points))


@bp.post("/compare")
def compare():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('body must be a JSON object like {"run_ids": ["<run id>", ...]}')
    wanted = validated(CompareRequest, body)
    tracking = services().tracking
    with ThreadPoolExecutor(FETCH_THREADS) as pool:
        found = list(pool.map(tracking.run, wanted.run_ids))
        pairs = [(run_id, metric) for run_id in wanted.run_ids for metric in wanted.history_metrics]
        histories = list(pool.map(lambda pair: tracking.metric_history(*pair), pairs))
    by_pair = dict(zip(pairs, histories, strict=True))
    data = []
    for run in found:
        run_id = run.info.run_id
        history = {metric: history_to_list(by_pair[(run_id, metric)])
                   for metric in wanted.history_metrics}
        data.append({**run_to_dict(run), "history": history})
    return ok(data, count=len(data))


@bp.get("/summary")
def summary():
    query = validated(SummaryQuery, request.args.to_dict())
    goal = query.goal or default_goal(query.metric)
    name, index = cached_experiment(query.experiment_name)
    data = index.memo(("summary", name, query.metric, goal),
                      lambda: summarize(index, name, query.metric, goal))
    return ok({**data, "refreshed_at": index.refreshed_at})


@bp.post("/runs/<run_id>/promote")
def promote_run(run_id: str):
    check_token(current_app.config["PROMOTE_TOKEN"], request.headers.get("Authorization"))
    data, changed = promote(services().tracking, check_run_id(run_id),
                            current_app.config["REGISTERED_MODEL_PREFIX"])
    services().cache.upsert(changed)  # this worker shows the promotion at once
    return ok(data)
