"""Runs chosen by the plain filters (model_type, model_name, status tag) and the ``q`` language,
in a snapshot's sorted order. Shared by the run list, the CSV export and the summary."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import BadRequest
from .language import QueryError, compile_query


@dataclass(frozen=True)
class RunFilter:
    model_type: str | None = None
    model_name: str | None = None
    model_status: str | None = None
    q: str | None = None

    @classmethod
    def of(cls, query) -> RunFilter:
        """From a validated request model carrying ``model_type``, ``model_name``, ``status``
        and ``q``."""

        def plain(value):
            return value.value if hasattr(value, "value") else value

        blank = query.q is None or not query.q.strip()  # an empty search box: every run
        return cls(
            plain(query.model_type),
            plain(query.model_name),
            plain(query.status),
            None if blank else query.q,
        )

    def predicate(self):
        """One callable over a run dict, or None when nothing is filtered; 400 on a bad q."""
        wanted = {
            f: v
            for f, v in (
                ("model_type", self.model_type),
                ("model_name", self.model_name),
                ("model_status", self.model_status),
            )
            if v is not None
        }
        try:
            searched = compile_query(self.q) if self.q is not None else None
        except QueryError as error:
            raise BadRequest(f"q: {error.message}", details={"position": error.position}) from None
        if not wanted and searched is None:
            return None
        if not wanted:
            return searched
        items = tuple(wanted.items())
        if searched is None:
            return lambda run: all(run[f] == v for f, v in items)
        return lambda run: all(run[f] == v for f, v in items) and searched(run)


def matching_rows(rows: list[tuple[tuple, dict]], run_filter: RunFilter):
    """``(sort_key, run)`` rows that pass the filter, order kept."""
    keep = run_filter.predicate()
    if keep is None:
        return rows
    return [row for row in rows if keep(row[1])]
