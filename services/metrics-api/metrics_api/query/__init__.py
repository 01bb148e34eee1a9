"""Searching the cached runs: the filter language (``language``), choosing runs with it and the
plain filters (``select``), and the streamed CSV export (``export``)."""

from .language import QueryError, compile_query
from .select import RunFilter, matching_rows, matching_runs

__all__ = ["QueryError", "RunFilter", "compile_query", "matching_rows", "matching_runs"]
