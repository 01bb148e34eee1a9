"""Blueprints and the helpers they share: the success envelope and input validation."""

from __future__ import annotations

import json
import re
from typing import TypeVar

from flask import current_app, jsonify, request
from pydantic import BaseModel, ValidationError

from ..errors import BadRequest
from ..people import promoter_from
from ..schemas import RUN_ID_PATTERN

M = TypeVar("M", bound=BaseModel)


def ok(data, **extra):
    return jsonify({"success": True, "data": data, **extra})


def ok_runs(index, runs: list[dict], **extra):
    """``ok(runs, **extra)`` for runs of a cached snapshot: each run's JSON is serialised once
    per snapshot (``RunIndex.run_json``), so a page costs a join, not 100 serialisations."""
    data = ",".join(index.run_json(run) for run in runs)
    rest = json.dumps(extra, sort_keys=True, separators=(",", ":"))[1:] if extra else "}"
    body = f'{{"success":true,"data":[{data}]' + ("," + rest if extra else rest)
    return current_app.response_class(body, mimetype="application/json")


def validated(model: type[M], values) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False, include_input=False):
            where = ".".join(str(part) for part in item["loc"]) or "body"
            problems.append(f"{where}: {item['msg']}")
        raise BadRequest("invalid request: " + "; ".join(problems)) from None


def check_run_id(run_id: str) -> str:
    if not re.fullmatch(RUN_ID_PATTERN, run_id):
        raise BadRequest(f"run id {run_id[:80]!r} is malformed: expected 32 lowercase hex digits")
    return run_id


def services():
    """The per-app services attached by ``create_app`` (tracking client, run cache)."""
    return current_app.extensions["metrics_api"]


def acting_promoter():
    """Who asks to move the champion (a person's Basic credentials or the automation token), and
    the tracking client that acts for them: a person's own MLflow account, so MLflow's
    permissions decide and the registry records them."""
    promoter = promoter_from(
        request.headers.get("Authorization"), current_app.config["PROMOTE_TOKEN"]
    )
    tracking = services().tracking
    if promoter.is_person:
        tracking = tracking.as_user(promoter.name, promoter.password)
    return promoter, tracking
