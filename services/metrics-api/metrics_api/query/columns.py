"""A snapshot's runs as columns, so that a query is a few array operations, not 10,000 calls.

Each field a query names is extracted once per snapshot (snapshots are immutable; see
run_cache.py): a number column (float64, NaN where a run lacks the value or it does not read as
a number) or a string column (the distinct values, and per run the index of its value, -1 where
it lacks one). A string test then runs once per distinct value, and its answer is spread to the
runs by that index. Columns are built on first use; two threads building the same one at once
just build it twice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from functools import lru_cache

import numpy as np

# A run's own fields (beside its metrics, params and tags) that queries, exports and orderings
# may name, in the export's column order; the two times are numbers (epoch ms), the rest strings.
RUN_ATTRIBUTES = (
    "run_id",
    "run_name",
    "status",
    "model_type",
    "model_name",
    "model_status",
    "framework",
    "start_time",
    "end_time",
    "experiment_id",
)
NUMERIC_ATTRIBUTES = frozenset({"start_time", "end_time"})


@lru_cache(maxsize=65536)
def as_number(text: str) -> float:
    """A param or tag value read as a number; NaN when it is not a finite one (cached: values
    repeat across runs)."""
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def _getter(kind: str, key: str) -> Callable[[dict], object]:
    if kind == "attributes":
        return lambda run: run.get(key)
    return lambda run: run[kind].get(key)  # the cache holds NaN/inf metrics as None


ANSWERS_KEPT = 64  # per string column: recent tests' answers (a LIKE over 10,000 names)


class StringColumn:
    __slots__ = ("values", "codes", "_numbers", "_answers")

    def __init__(self, raw: Sequence[str | None]) -> None:
        position: dict[str, int] = {}
        codes = np.fromiter(
            (-1 if v is None else position.setdefault(v, len(position)) for v in raw),
            dtype=np.int64,
            count=len(raw),
        )
        self.values: list[str] = list(position)  # in order of first appearance
        self.codes = codes
        self._numbers: np.ndarray | None = None
        self._answers: dict[Hashable, np.ndarray] = {}

    @property
    def present(self) -> np.ndarray:
        return self.codes >= 0

    def spread(self, per_value: np.ndarray) -> np.ndarray:
        """A per-distinct-value answer as a per-run one; a run without a value gets the
        answer appended last (False for a test, NaN for a number): index -1."""
        return per_value[self.codes]

    def where(self, key: Hashable, test: Callable[[str], bool]) -> np.ndarray:
        """Per run: does its value pass ``test`` (False where it has none)? ``key`` names the
        test, so that a search repeated with another number reuses this part's answer."""
        answer = self._answers.get(key)
        if answer is None:
            passed = np.fromiter(
                (bool(test(v)) for v in self.values), dtype=bool, count=len(self.values)
            )
            answer = self.spread(np.append(passed, False))
            if len(self._answers) >= ANSWERS_KEPT:
                self._answers.clear()
            self._answers[key] = answer
        return answer

    def numbers(self) -> np.ndarray:
        """Each run's value read as a number (NaN: missing, or not a number)."""
        if self._numbers is None:
            table = np.fromiter(
                (as_number(v) for v in self.values), dtype=np.float64, count=len(self.values)
            )
            self._numbers = self.spread(np.append(table, math.nan))
        return self._numbers


class Columns:
    """The runs of one snapshot, in a fixed order, and their columns by field."""

    def __init__(self, runs: Sequence[dict]) -> None:
        self.runs = runs
        self._columns: dict[tuple[str, str], np.ndarray | StringColumn] = {}

    def __len__(self) -> int:
        return len(self.runs)

    def numeric(self, kind: str, key: str) -> np.ndarray:
        """A metric or a time attribute: float64, NaN where missing."""
        column = self._columns.get((kind, key))
        if column is None:
            get = _getter(kind, key)
            # None (missing, or a NaN/inf metric) becomes NaN
            column = np.array([get(run) for run in self.runs], dtype=np.float64)
            self._columns[(kind, key)] = column
        return column

    def strings(self, kind: str, key: str) -> StringColumn:
        column = self._columns.get((kind, key))
        if column is None:
            get = _getter(kind, key)
            column = StringColumn([get(run) for run in self.runs])
            self._columns[(kind, key)] = column
        return column
