"""Every matching run as CSV, written in chunks as the client reads them.

The runs are already in memory (the snapshot); what is never built whole is the CSV text: a
chunk of ``CHUNK_ROWS`` rows is written, handed to the WSGI server and dropped, so the memory a
download costs stays flat however many runs match (``make bench`` prints it).

Cells a spreadsheet would read as a formula (text starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) get a leading ``'``, as OWASP recommends; numbers the API writes
itself are left as numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from ..errors import BadRequest

CHUNK_ROWS = 500
MAX_COLUMNS = 300
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ATTRIBUTE_COLUMNS = (
    "run_id",
    "run_name",
    "status",
    "model_type",
    "model_name",
    "model_status",
    "framework",
    "start_time",
    "end_time",
)
TIME_COLUMNS = {"start_time", "end_time"}
COLUMN_PATTERN = re.compile(
    r"(?:run_id|run_name|status|model_type|model_name|model_status|framework|start_time"
    r"|end_time|experiment_id|(?:metrics|params|tags)\.[^,]{1,250})"
)


def parse_columns(text: str | None) -> list[str] | None:
    """``columns=run_name,metrics.val_ndcg_at_10,params.model.embedding_dim`` -> a list."""
    if text is None:
        return None
    columns = [c.strip() for c in text.split(",") if c.strip()]
    if not columns:
        raise BadRequest("columns: name at least one column, or leave columns out")
    if len(columns) > MAX_COLUMNS:
        raise BadRequest(f"columns: at most {MAX_COLUMNS} columns")
    for column in columns:
        if not COLUMN_PATTERN.fullmatch(column):
            raise BadRequest(
                f"columns: {column[:80]!r} is not a column; use "
                f"{', '.join(ATTRIBUTE_COLUMNS)}, metrics.<name>, params.<name> "
                "or tags.<name>"
            )
    if len(set(columns)) != len(columns):
        raise BadRequest("columns: a column is named twice")
    return columns


def default_columns(runs: list[dict]) -> list[str]:
    """The run attributes, then every metric and param any of ``runs`` has, by name."""
    metrics, params = set(), set()
    for run in runs:
        metrics.update(run["metrics"])
        params.update(run["params"])
    return [
        *ATTRIBUTE_COLUMNS,
        *(f"metrics.{m}" for m in sorted(metrics)),
        *(f"params.{p}" for p in sorted(params)),
    ]


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def cell(run: dict, column: str):
    kind, dot, key = column.partition(".")
    if not dot or kind not in ("metrics", "params", "tags"):
        value = run.get(column)
        if column in TIME_COLUMNS and value is not None:
            return (
                datetime.fromtimestamp(value / 1000, UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z")
            )
        return "" if value is None else safe_text(str(value))
    value = run[kind].get(key)
    if value is None:
        return ""
    return value if kind == "metrics" else safe_text(value)


def stream_csv(runs: Iterable[dict], columns: list[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(c) for c in columns])
    pending = 1
    for run in runs:
        writer.writerow([cell(run, column) for column in columns])
        pending += 1
        if pending >= CHUNK_ROWS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue()
