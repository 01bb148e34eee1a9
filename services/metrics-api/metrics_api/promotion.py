"""Promote a run: it becomes the active run of its model and the registry's ``champion``."""

from __future__ import annotations

import hmac
import re

from .errors import Conflict, Forbidden, Unauthorized
from .schemas import NAME_PATTERN
from .serialize import run_to_dict
from .tracking import ACTIVE_FILTER, Tracking

ALIAS = "champion"


def check_token(configured: str, authorization: str | None) -> None:
    if not configured:
        raise Forbidden("promotion is switched off: METRICS_API_PROMOTE_TOKEN is not set")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(),
                                                            configured.encode()):
        raise Unauthorized("promotion needs 'Authorization: Bearer <token>' with the right token")


def promote(tracking: Tracking, run_id: str, model_prefix: str) -> tuple[dict, list[dict]]:
    """Returns the response data and every run dict that changed (for the cache)."""
    run = tracking.run(run_id)
    model_name = run.data.tags.get("model_name")
    if run.info.status != "FINISHED":
        raise Conflict(f"run {run_id} is {run.info.status}; only FINISHED runs can be promoted")
    if not model_name or not re.fullmatch(NAME_PATTERN, model_name):
        raise Conflict(f"run {run_id} has no usable model_name tag; it cannot be promoted")

    registered = f"{model_prefix}{model_name}"
    version = tracking.model_version_for_run(registered, run_id)
    # Scoped to the run's experiment: other experiments on a shared server keep their own.
    previous = [r for r in tracking.search([run.info.experiment_id], ACTIVE_FILTER)
                if r.data.tags.get("model_name") == model_name and r.info.run_id != run_id]

    tracking.set_tag(run_id, "status", "active")
    for other in previous:
        tracking.set_tag(other.info.run_id, "status", "inactive")
    if version is not None:
        tracking.set_alias(registered, ALIAS, version)

    changed = [run_to_dict(tracking.run(run_id))]
    changed += [run_to_dict(tracking.run(other.info.run_id)) for other in previous]
    data = {
        "run": changed[0],
        "previous_active_run_id": previous[0].info.run_id if previous else None,
        "registered_model": registered if version is not None else None,
        "version": version,
        "alias": ALIAS,
    }
    return data, changed
