"""``order_by`` for the cached runs, and keyset page tokens.

A sort key is ``(missing, value, run_id)``: runs without the value come last in either direction
(as in MLflow), and the run id breaks ties so the order is total. Params are text in MLflow but
mostly numbers: a param value that reads as a number sorts as one (``"9"`` before ``"64"``), and
values that don't come after the numbers, as text. A page token holds the key of
the last run served, so the next page starts right after it even if runs were added meanwhile.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import math
import re
from dataclasses import dataclass
from functools import total_ordering

from .errors import BadRequest
from .query.columns import NUMERIC_ATTRIBUTES, as_number
from .schemas import ORDER_BY_PATTERN


@total_ordering
class Descending:
    """Wraps a string so that sorting ascending puts it in descending order."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __eq__(self, other) -> bool:
        return self.value == other.value

    def __lt__(self, other) -> bool:
        return self.value > other.value


@dataclass(frozen=True)
class Order:
    kind: str  # "attributes", "metrics" or "params"
    key: str
    descending: bool

    @property
    def text(self) -> str:
        name = self.key if self.kind == "attributes" else f"{self.kind}.{self.key}"
        return f"{name} {'DESC' if self.descending else 'ASC'}"

    def raw_value(self, run: dict):
        if self.kind == "attributes":
            return run[self.key]
        return run[self.kind].get(self.key)

    def key_for(self, raw, run_id: str) -> tuple:
        if raw is None:
            return (True, 0, run_id)
        if self.kind == "params":
            number = as_number(raw)
            if math.isnan(number):
                return (False, (1, Descending(raw) if self.descending else raw), run_id)
            return (False, (0, -number if self.descending else number), run_id)
        if self.descending:
            raw = -raw if isinstance(raw, int | float) else Descending(raw)
        return (False, raw, run_id)

    def sort_key(self, run: dict) -> tuple:
        return self.key_for(self.raw_value(run), run["run_id"])


def parse_order(text: str) -> Order:
    if not re.fullmatch(ORDER_BY_PATTERN, text):
        raise BadRequest(f"order_by {text!r} is not supported")
    name, _, direction = text.partition(" ")
    descending = direction.upper() != "ASC" if direction else False
    if name.startswith(("metrics.", "params.")):
        kind, _, key = name.partition(".")
    else:
        kind, key = "attributes", name.removeprefix("attributes.")
    return Order(kind, key, descending)


def encode_token(order: Order, run: dict) -> str:
    payload = {"o": order.text, "v": order.raw_value(run), "r": run["run_id"]}
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def decode_token(order: Order, token: str) -> tuple:
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode()))
        if payload["o"] != order.text:
            raise BadRequest("page_token belongs to another order_by; start from the first page")
        raw, run_id = payload["v"], payload["r"]
        numeric = order.kind == "metrics" or order.key in NUMERIC_ATTRIBUTES
        expected = (int, float) if numeric else (str,)
        if not isinstance(run_id, str) or not (raw is None or isinstance(raw, expected)):
            raise ValueError("bad value")
        return order.key_for(raw, run_id)
    except BadRequest:
        raise
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise BadRequest("page_token is not valid; use next_page_token from a response") from None


def page(rows: list[tuple[tuple, dict]], order: Order, limit: int, token: str | None):
    """``rows`` are ``(sort_key, run)`` in order; returns (runs, next_page_token or None)."""
    start = 0
    if token:
        start = bisect.bisect_right(rows, decode_token(order, token), key=lambda row: row[0])
    chosen = rows[start : start + limit]
    more = start + limit < len(rows)
    runs = [run for _, run in chosen]
    return runs, (encode_token(order, runs[-1]) if more and runs else None)
