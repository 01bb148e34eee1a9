"""Runs chosen by the plain filters (model_type, model_name, status tag) and the ``q`` language,
in a snapshot's sorted order. Shared by the run list, the CSV export and the summary.

A filter is answered over the snapshot's columns (``columns.py``) as one boolean per run; the
matching rows of a sorted view are memoised per snapshot, so paging through a search is a slice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import BadRequest
from .columns import Columns
from .language import QueryError, compile_query

if TYPE_CHECKING:
    from ..ordering import Order
    from ..run_cache import RunIndex

Mask = Callable[[Columns], np.ndarray]


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

    def compiled(self) -> Mask | None:
        """One boolean per run of a column set, or None when nothing is filtered; 400 on a
        bad q (raised here, before anything is computed or memoised)."""
        wanted = tuple(
            (f, v)
            for f, v in (
                ("model_type", self.model_type),
                ("model_name", self.model_name),
                ("model_status", self.model_status),
            )
            if v is not None
        )
        try:
            searched = compile_query(self.q) if self.q is not None else None
        except QueryError as error:
            raise BadRequest(f"q: {error.message}", details={"position": error.position}) from None
        if not wanted and searched is None:
            return None

        def mask(columns: Columns) -> np.ndarray:
            keep = np.ones(len(columns), dtype=bool) if searched is None else searched.mask(columns)
            for field, value in wanted:
                # not &=: the arrays may be a column's memoised answers
                keep = keep & columns.strings("attributes", field).where(("=", value), value.__eq__)
            return keep

        return mask


def matching_rows(index: RunIndex, order: Order, run_filter: RunFilter) -> list[tuple]:
    """``(sort_key, run)`` rows of ``index`` in ``order`` that pass the filter."""
    keep = run_filter.compiled()
    rows, positions = index.sorted_view(order)
    if keep is None:
        return rows

    def pick() -> list[tuple]:
        chosen = np.flatnonzero(keep(index.columns)[positions])
        return [rows[i] for i in chosen.tolist()]

    return index.memo((order, run_filter), pick, search=True)


def matching_runs(index: RunIndex, run_filter: RunFilter) -> list[dict] | None:
    """The runs of ``index`` that pass the filter (snapshot order), or None for all of them."""
    keep = run_filter.compiled()
    if keep is None:
        return None
    runs = index.columns.runs
    return [runs[i] for i in np.flatnonzero(keep(index.columns)).tolist()]
