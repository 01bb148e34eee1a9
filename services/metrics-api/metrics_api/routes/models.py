"""Runs, experiments, comparison, summary and promotion under ``/api/models``.

Lists and the summary come from the run cache (``run_cache.py``). Single runs and comparisons
take a run from the cache too when a snapshot MLflow just confirmed holds it (as current as the
lists), and finished runs' histories from the worker's history cache (``histories.py``): with
MLflow's basic-auth on, each MLflow call costs about twice as much (its permission check), and
a comparison makes many. Anything else is read from MLflow through the worker's bounded call
pool (``calls.py``), so that a hung MLflow fails it within seconds. Every run's
``model_status`` is derived from the registry alias (``champions.py``).
"""

from __future__ import annotations

import re
import time

from flask import Blueprint, Response, current_app, request

from ..champions import with_status
from ..errors import BadRequest, NotFound
from ..limits import json_body
from ..ordering import page, parse_order
from ..promotion import promote
from ..query import RunFilter, matching_rows, matching_runs
from ..query.export import default_columns, parse_columns, stream_csv
from ..run_cache import RunIndex
from ..schemas import METRIC_PATTERN, CompareRequest, RunsCsvQuery, RunsQuery, SummaryQuery
from ..serialize import experiment_to_dict, history_to_list, run_to_dict
from ..staleness import marked
from ..summary import default_goal, summarize
from . import acting_promoter, check_run_id, ok, ok_runs, services, validated

bp = Blueprint("models", __name__, url_prefix="/api/models")


def cached_experiment(name: str | None) -> tuple[str, RunIndex, bool]:
    """``(name, snapshot, stale)`` of ``name`` (default: the configured experiment). The default
    experiment may not exist yet (nothing trained): it reads as empty. Any other unknown name is
    a 404, and is never cached."""
    default = current_app.config["EXPERIMENT_NAME"]
    name = name or default
    cache = services().cache
    snapshot = cache.pinned if name == default else services().calls.one(cache.snapshot, name)
    index, stale = snapshot.current()
    if index.experiment_id is None and name != default:
        raise NotFound(f"experiment {name!r} not found")
    return name, index, stale


def current_run(run_id: str) -> dict:
    """One run, from the cache or else read from MLflow now, its status derived from the
    registry alias."""
    run = services().cache.find(run_id)
    if run is None:
        run = with_status(
            run_to_dict(services().calls.one(services().tracking.run, run_id)),
            services().champions.run_ids(),
        )
    return fresh(run)


def fresh(run: dict) -> dict:
    """``stale`` when its trainer went silent (staleness.py): runs read from MLflow now."""
    return marked(run, time.time() - current_app.config["STALE_AFTER_SECONDS"])


@bp.get("/experiments")
def experiments():
    data = [experiment_to_dict(e) for e in services().calls.one(services().tracking.experiments)]
    return ok(data, count=len(data))


@bp.get("/runs")
def runs():
    query = validated(RunsQuery, request.args.to_dict())
    order = parse_order(query.order_by)
    _, index, stale = cached_experiment(query.experiment_name)
    rows = matching_rows(index, order, RunFilter.of(query))
    chosen, token = page(rows, order, query.limit, query.page_token)
    return ok_runs(
        index,
        chosen,
        count=len(chosen),
        total=len(rows),
        next_page_token=token,
        stale=stale,
        refreshed_at=index.refreshed_at,
    )


@bp.get("/runs.csv")
def runs_csv():
    """Every matching run, streamed (``query/export.py``); the snapshot is held until done."""
    query = validated(RunsCsvQuery, request.args.to_dict())
    columns = parse_columns(query.columns)
    _, index, _stale = cached_experiment(query.experiment_name)
    runs = [
        run for _, run in matching_rows(index, parse_order(query.order_by), RunFilter.of(query))
    ]
    body = stream_csv(runs, columns or default_columns(runs))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="runs.csv"'},
    )


@bp.get("/runs/<run_id>")
def run_details(run_id: str):
    return ok(current_run(check_run_id(run_id)))


@bp.get("/runs/<run_id>/metrics/<path:name>/history")
def metric_history(run_id: str, name: str):
    check_run_id(run_id)
    if len(name) > 250 or not re.fullmatch(METRIC_PATTERN, name):
        raise BadRequest(f"metric name {name[:80]!r} is not valid")
    run = current_run(run_id)
    if name not in run["metrics"]:
        raise NotFound(f"metric {name!r} not logged for run {run_id}")
    histories = services().histories
    points = histories.get(run, name)
    if points is None:
        points = history_to_list(
            services().calls.one(services().tracking.metric_history, run_id, name)
        )
        histories.put(run, name, points)
    return ok(points, count=len(points))


@bp.post("/compare")
def compare():
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest('body must be a JSON object like {"run_ids": ["<run id>", ...]}')
    wanted = validated(CompareRequest, body)
    tracking, calls, histories = services().tracking, services().calls, services().histories
    known = {run_id: services().cache.find(run_id) for run_id in wanted.run_ids}
    unknown = [run_id for run_id, run in known.items() if run is None]
    at_hand, pairs = {}, []
    for run_id, run in known.items():
        for metric in wanted.history_metrics:
            points = None if run is None else histories.get(run, metric)
            if points is None:
                pairs.append((run_id, metric))
            else:
                at_hand[(run_id, metric)] = points
    # One batch: the runs and the histories not at hand, together, within one deadline.
    results = calls.map(
        lambda kind, *args: kind(*args),
        [(tracking.run, run_id) for run_id in unknown]
        + [(tracking.metric_history, *pair) for pair in pairs],
    )
    champions = services().champions.run_ids()
    for run in results[: len(unknown)]:
        known[run.info.run_id] = with_status(run_to_dict(run), champions)
    read = dict(zip(pairs, map(history_to_list, results[len(unknown) :]), strict=True))
    for (run_id, metric), points in read.items():
        histories.put(known[run_id], metric, points)
    by_pair = {**at_hand, **read}
    data = [
        {**fresh(run), "history": {m: by_pair[(run_id, m)] for m in wanted.history_metrics}}
        for run_id, run in known.items()
    ]
    return ok(data, count=len(data))


@bp.get("/summary")
def summary():
    query = validated(SummaryQuery, request.args.to_dict())
    goal = query.goal or default_goal(query.metric)
    name, index, stale = cached_experiment(query.experiment_name)
    data = summary_of(index, name, query, goal)
    return ok(
        {**data, "refreshed_at": index.refreshed_at, "stale": stale},
        stale=stale,
        refreshed_at=index.refreshed_at,
    )


def summary_of(index: RunIndex, name: str, query: SummaryQuery, goal: str) -> dict:
    run_filter = RunFilter.of(query)
    run_filter.compiled()  # a bad q is a 400 before anything is memoised
    return index.memo(
        ("summary", name, query.metric, goal, run_filter),
        lambda: summarize(index, name, query.metric, goal, matching_runs(index, run_filter)),
    )


# The dashboard's default order (services/frontend/src/hooks/use-run-view.ts): its first page.
DASHBOARD_ORDER = "metrics.val_ndcg_at_10 DESC"


def prime(index: RunIndex, name: str) -> None:
    """Build what is asked first (the API's default run order, the dashboard's, and the default
    summary) into the snapshot's memos: a preloading gunicorn master does it once before
    forking, so that no worker starts by sorting and summarising every run
    (RunCache.load_before_fork), and the dashboard's first page is a slice."""
    runs_query, summary_query = RunsQuery(), SummaryQuery()
    for order in (runs_query.order_by, DASHBOARD_ORDER):
        matching_rows(index, parse_order(order), RunFilter.of(runs_query))
    summary_of(index, name, summary_query, default_goal(summary_query.metric))


@bp.post("/runs/<run_id>/promote")
def promote_run(run_id: str):
    """Runs of the configured experiment only: the registered models belong to it."""
    promoter, tracking = acting_promoter()
    data = promote(
        tracking,
        services().champions,
        check_run_id(run_id),
        current_app.config["EXPERIMENT_NAME"],
        current_app.config["REGISTERED_MODEL_PREFIX"],
        promoter,
    )
    return ok(data)
