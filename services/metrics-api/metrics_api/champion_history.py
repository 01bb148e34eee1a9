"""Each registered model's champion history, kept in MLflow's registry next to the alias.

The alias ``champion`` stays the one truth of who is champion now (champions.py); this is its
log. Every change of the alias made through the API (a promotion or a roll back) adds one
registered-model tag ``champion_history.<n>`` holding a small JSON record: which version and run
became champion, which it replaced, who, when. The record is written under the promotion lock,
right after the alias moved and was verified, with the same person's credentials, so it lands
only when the move did. MLflow's UI shows these tags on the model's page too.
"""

from __future__ import annotations

import json

from .tracking import Tracking

TAG_PREFIX = "champion_history."
ACTIONS = ("promote", "rollback")


def read(tracking: Tracking, registered_model: str) -> list[dict]:
    """The records, newest first; a 404 when there is no such registered model. Tags that are
    not well-formed records (edited by hand) are left out."""
    return parse(tracking.model_tags(registered_model))


def parse(tags: dict[str, str]) -> list[dict]:
    found = []
    for key, value in tags.items():
        number = key.removeprefix(TAG_PREFIX)
        if key == number or not number.isdigit():
            continue
        try:
            record = json.loads(value)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("action") in ACTIONS and record.get("version"):
            found.append((int(number), record))
    return [record for _, record in sorted(found, key=lambda pair: pair[0], reverse=True)]


def append(tracking: Tracking, registered_model: str, record: dict) -> None:
    """Add ``record`` after the last one (call under the promotion lock: the number is read
    and then written)."""
    numbers = [
        int(key.removeprefix(TAG_PREFIX))
        for key in tracking.model_tags(registered_model)
        if key.startswith(TAG_PREFIX) and key.removeprefix(TAG_PREFIX).isdigit()
    ]
    number = max(numbers, default=0) + 1
    tracking.set_model_tag(
        registered_model, f"{TAG_PREFIX}{number:06d}", json.dumps(record, sort_keys=True)
    )


def replaced_by_current(records: list[dict], current_version: str) -> dict | None:
    """The newest record that made ``current_version`` champion: the one a roll back undoes."""
    return next((r for r in records if r["version"] == current_version), None)
