"""Promote a run: its registered version becomes the model's ``champion`` (see champions.py for
why the alias is the one truth and how the workers learn of it).

Serialised across the workers of a host by a file lock. A Postgres advisory lock would also
cover several hosts, but this API only reaches MLflow over REST. Across hosts the alias itself
keeps one champion per model, and the verification below turns a lost race into a 409 instead
of a 200 that is no longer true.

Who promotes (people.py) makes the writes: the alias first, as that person, so MLflow's
permission check decides; then ``promoted_by``/``promoted_at`` on the model version and a record
of the change in the model's champion history (champion_history.py); then the runs' ``status``
tags, which mirror the alias for the MLflow UI.

A roll back is a promotion of the champion the current one replaced, through the same path (the
same checks, lock, verification and records), recorded as a ``rollback``.
"""

from __future__ import annotations

import logging
import re
import time

from filelock import Timeout

from . import champion_history
from .champions import ALIAS, Champions, with_status
from .errors import Conflict, Forbidden, NotFound, TrackingUnavailable
from .people import Promoter
from .schemas import NAME_PATTERN
from .serialize import run_to_dict
from .tracking import ACTIVE_FILTER, Tracking

LOCK_WAIT_SECONDS = 10.0
log = logging.getLogger(__name__)


def promote(
    tracking: Tracking,
    champions: Champions,
    run_id: str,
    experiment_name: str,
    model_prefix: str,
    promoter: Promoter,
    action: str = "promote",
    version: str | None = None,
) -> dict:
    """``tracking`` makes its writes as ``promoter`` (Tracking.as_user for a person).
    ``version``: the registered version to make champion (default: the run's newest)."""
    run = tracking.run(run_id)
    model_name = run.data.tags.get("model_name")
    if run.info.status != "FINISHED":
        raise Conflict(f"run {run_id} is {run.info.status}; only FINISHED runs can be promoted")
    experiment_id = tracking.experiment_id(experiment_name)
    if run.info.experiment_id != experiment_id:
        raise Conflict(
            f"run {run_id} belongs to another experiment; only runs of "
            f"{experiment_name!r} can be promoted here"
        )
    if not model_name or not re.fullmatch(NAME_PATTERN, model_name):
        raise Conflict(f"run {run_id} has no usable model_name tag; it cannot be promoted")
    registered = f"{model_prefix}{model_name}"
    version = version or tracking.model_version_for_run(registered, run_id)
    if version is None:
        raise Conflict(
            f"run {run_id} has no version of registered model {registered!r}; only "
            "runs that logged a registered model can be promoted (a baseline such as "
            "popularity has none)"
        )

    try:
        with champions.promotion_lock.acquire(timeout=LOCK_WAIT_SECONDS, poll_interval=0.01):
            previous = tracking.alias_run(registered, ALIAS)
            tracking.set_alias(registered, ALIAS, version)
            now = tracking.alias_run(registered, ALIAS)
            if now is None or now[0] != version:  # another host moved it meanwhile
                raise Conflict(
                    f"another promotion of {registered!r} won the race; its "
                    f"champion is now version {now[0] if now else None}"
                )
            previous_run = previous[1] if previous and previous[1] != run_id else None
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            tracking.set_version_tag(registered, version, "promoted_by", promoter.name)
            tracking.set_version_tag(registered, version, "promoted_at", at)
            if previous is None or previous[0] != version:  # the alias moved: log it
                record = {
                    "action": action,
                    "version": version,
                    "run_id": run_id,
                    "previous_version": previous[0] if previous else None,
                    "previous_run_id": previous[1] if previous else None,
                    "promoted_by": promoter.name,
                    "promoted_at": at,
                }
                champion_history.append(tracking, registered, record)
            try:
                _mirror_tags(tracking, run, model_name)
            except Forbidden:
                # The API's own account reads runs and moves the alias only; the alias counts.
                log.warning("run status tags not mirrored for %s (no run write permission)", run_id)
            champions.publish(champions.with_champion(registered, run_id))
    except Timeout:
        raise TrackingUnavailable("another promotion is still in progress; retry") from None

    shown = run_to_dict(run)
    shown["tags"] = {**shown["tags"], "status": "active"}  # as just mirrored
    return {
        "run": with_status(shown, champions.run_ids()),
        "previous_active_run_id": previous_run,
        "registered_model": registered,
        "version": version,
        "alias": ALIAS,
        "promoted_by": promoter.name,
    }


def roll_back(
    tracking: Tracking,
    champions: Champions,
    model_name: str,
    experiment_name: str,
    model_prefix: str,
    promoter: Promoter,
) -> dict:
    """Make the champion that the current one replaced champion again (see the module doc).
    The lock is held from reading the history to the move (promote takes it again: it is
    reentrant), so the champion cannot change in between."""
    registered = f"{model_prefix}{model_name}"
    try:
        with champions.promotion_lock.acquire(timeout=LOCK_WAIT_SECONDS, poll_interval=0.01):
            records = champion_history.read(tracking, registered)  # 404: no such model
            current = tracking.alias_run(registered, ALIAS)
            if current is None:
                raise Conflict(f"{registered!r} has no champion to roll back")
            last = champion_history.replaced_by_current(records, current[0])
            if last is None or not last.get("previous_version") or not last.get("previous_run_id"):
                raise Conflict(
                    f"no earlier champion of {registered!r} is recorded before version "
                    f"{current[0]}: nothing to roll back to"
                )
            try:
                return promote(
                    tracking,
                    champions,
                    last["previous_run_id"],
                    experiment_name,
                    model_prefix,
                    promoter,
                    action="rollback",
                    version=last["previous_version"],
                )
            except NotFound:
                raise Conflict(
                    f"the previous champion's run {last['previous_run_id']} no longer exists; "
                    "promote another run instead"
                ) from None
    except Timeout:
        raise TrackingUnavailable("another promotion is still in progress; retry") from None


def _mirror_tags(tracking: Tracking, run, model_name: str) -> None:
    """The ``status`` tag mirrors the alias for people reading the MLflow UI (the API derives
    statuses from the alias): the champion's run says active, the model's other runs not."""
    tracking.set_tag(run.info.run_id, "status", "active")
    for other in tracking.search([run.info.experiment_id], ACTIVE_FILTER):
        if other.data.tags.get("model_name") == model_name and other.info.run_id != run.info.run_id:
            try:
                tracking.set_tag(other.info.run_id, "status", "inactive")
            except NotFound:
                pass  # deleted meanwhile
