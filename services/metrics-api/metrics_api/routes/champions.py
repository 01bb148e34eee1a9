"""A registered model's champion history and roll back under ``/api/models/champions``.

The model is named as runs name it (their ``model_name`` tag); the API adds its configured
registered-model prefix. Roll back takes the same credentials as promotion (people.py)."""

from __future__ import annotations

import re

from flask import Blueprint, current_app

from .. import champion_history
from ..champion_schemas import KEY_METRICS
from ..champions import ALIAS
from ..errors import BadRequest
from ..promotion import roll_back
from ..schemas import NAME_PATTERN
from . import acting_promoter, ok, services

bp = Blueprint("champions", __name__, url_prefix="/api/models/champions")


def registered(model_name: str) -> str:
    if len(model_name) > 100 or not re.fullmatch(NAME_PATTERN, model_name):
        raise BadRequest(
            f"model name {model_name[:80]!r} is not valid: letters, digits and _ joined by . or -"
        )
    return current_app.config["REGISTERED_MODEL_PREFIX"] + model_name


def shown(record: dict) -> dict:
    """A record with the runs' names and key metrics, from the run cache (None: not cached)."""

    def about(run_id: str | None) -> tuple[str | None, dict]:
        run = services().cache.find(run_id) if run_id else None
        metrics = (run or {}).get("metrics", {})
        return (run or {}).get("run_name"), {m: metrics.get(m) for m in KEY_METRICS}

    name, metrics = about(record.get("run_id"))
    previous_name, previous_metrics = about(record.get("previous_run_id"))
    return {
        "action": record["action"],
        "version": str(record["version"]),
        "run_id": str(record.get("run_id") or ""),
        "run_name": name,
        "previous_version": record.get("previous_version"),
        "previous_run_id": record.get("previous_run_id"),
        "previous_run_name": previous_name,
        "promoted_by": str(record.get("promoted_by") or ""),
        "promoted_at": str(record.get("promoted_at") or ""),
        "metrics": metrics,
        "previous_metrics": previous_metrics,
    }


@bp.get("/<model_name>/history")
def history(model_name: str):
    name = registered(model_name)
    tracking, calls = services().tracking, services().calls
    records = calls.one(champion_history.read, tracking, name)
    current = calls.one(tracking.alias_run, name, ALIAS)
    changes = [shown(record) for record in records]
    data = {
        "registered_model": name,
        "current_version": current[0] if current else None,
        "changes": changes,
    }
    return ok(data, count=len(changes))


@bp.post("/<model_name>/rollback")
def rollback(model_name: str):
    promoter, tracking = acting_promoter()
    registered(model_name)  # a 400 for a malformed name
    data = roll_back(
        tracking,
        services().champions,
        model_name,
        current_app.config["EXPERIMENT_NAME"],
        current_app.config["REGISTERED_MODEL_PREFIX"],
        promoter,
    )
    return ok(data)
