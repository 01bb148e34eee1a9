"""Full loads straight from MLflow's backend store, read-only, when ``METRICS_API_STORE_URI`` is
set (the same Postgres or SQLite URI the tracking server uses, ideally with a read-only account).

Why not REST: MLflow's ``search_runs`` costs about 2.5 ms per run returned (the server builds
and serialises every run's entities): 10,000 runs take ~45 s per worker, 100,000 over four
minutes. Only the full load (start-up and the periodic resync) reads the store, together with the
experiment's id and the champion aliases, so that a worker serves its first list without
touching MLflow's client at all (importing it alone takes seconds, see tracking.py). Incremental
refreshes, single runs, histories and every write stay on MLflow's REST API, the only writer.
The connection cannot write: Postgres sessions are ``default_transaction_read_only``, SQLite
files open ``mode=ro``.

Why one JSON document per run: the database groups each run's tags, params and metrics
(indexed lookups by run id) and Python parses them in C, a few thousand runs per ``json.loads``
(which also shares the key strings of a batch), instead of looping in Python over ~55 rows per
run (5.5 million rows at 100,000 runs).
"""

from __future__ import annotations

import contextlib
import json
import queue
import sqlite3
import threading
from urllib.parse import unquote, urlsplit

from .errors import TrackingUnavailable
from .serialize import HIDDEN_TAG_PREFIX, run_dict
from .staleness import HEARTBEAT_METRIC

BATCH = 2000  # runs per fetch and per json.loads

# {obj}, {arr}: the dialect's JSON builders; {metric}: a metric's value as JSON (NaN -> null).
# As text: psycopg2 would otherwise parse each run's JSON on its own.
RUNS = """
SELECT CAST({arr}(r.run_uuid, r.name, r.experiment_id, r.status, r.start_time, r.end_time,
    r.artifact_uri,
    (SELECT {obj}(t.key, t.value) FROM tags t
      WHERE t.run_uuid = r.run_uuid AND substr(t.key, 1, {hidden}) <> '{prefix}'),
    (SELECT {obj}(p.key, p.value) FROM params p WHERE p.run_uuid = r.run_uuid),
    (SELECT {obj}(m.key, CASE WHEN m.is_nan THEN NULL ELSE {metric} END)
       FROM latest_metrics m WHERE m.run_uuid = r.run_uuid),
    CASE WHEN r.status = 'RUNNING' THEN (SELECT h.step FROM latest_metrics h
      WHERE h.run_uuid = r.run_uuid AND h.key = '{heartbeat}') END) AS TEXT)
FROM runs r WHERE r.experiment_id = {p} AND r.lifecycle_stage = 'active'
"""
DIALECTS = {
    # Postgres prints float8 in the shortest form that reads back exactly.
    "postgres": {
        "obj": "json_object_agg",
        "arr": "json_build_array",
        "metric": "m.value",
        "p": "%s",
    },
    # SQLite's default JSON numbers keep 15 digits; 21 significant digits read back exactly.
    "sqlite": {
        "obj": "json_group_object",
        "arr": "json_array",
        "metric": "json(printf('%!.20e', m.value))",
        "p": "?",
    },
}
EXPERIMENT = (
    "SELECT experiment_id FROM experiments WHERE name = {p} "
    "AND lifecycle_stage = 'active' AND workspace = 'default'"
)
ALIASED = (
    "SELECT a.name, v.run_id FROM registered_model_aliases a JOIN model_versions v "
    "ON v.workspace = a.workspace AND v.name = a.name AND v.version = a.version "
    "WHERE a.alias = {p} AND a.workspace = 'default' AND substr(a.name, 1, {n}) = {p}"
)
# Compared when a resync reuses a run dict of the previous snapshot (model_status is derived).
COMPARED = (
    "run_name",
    "status",
    "start_time",
    "end_time",
    "artifact_uri",
    "metrics",
    "params",
    "tags",
    "progress",
)


class StoreReader:
    def __init__(self, uri: str) -> None:
        scheme = urlsplit(uri).scheme
        if not (scheme.startswith("postgresql") or scheme == "sqlite"):
            raise ValueError(
                f"METRICS_API_STORE_URI must be a postgresql:// or sqlite:/// URI, "
                f"got scheme {scheme!r}"
            )
        self.uri, self.postgres = uri, scheme.startswith("postgresql")
        self.dialect = DIALECTS["postgres" if self.postgres else "sqlite"]

    @contextlib.contextmanager
    def _connection(self):
        try:
            if self.postgres:
                import psycopg2  # only needed when the store is Postgres

                dsn = "postgresql://" + self.uri.split("://", 1)[1]
                # No JIT: compiling this query costs more than running it (1.6 s at 10,000
                # runs). The timeout: a hung database must not hold a gunicorn master forever.
                connection = psycopg2.connect(
                    dsn,
                    connect_timeout=5,
                    options=(
                        "-c default_transaction_read_only=on -c jit=off -c statement_timeout=300s"
                    ),
                )
            else:
                # sqlite:///relative.db and sqlite:////absolute/path.db, as SQLAlchemy reads them
                path = unquote(urlsplit(self.uri).path)[1:]
                connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        except Exception as error:  # psycopg2.OperationalError, sqlite3.OperationalError
            raise TrackingUnavailable(
                f"MLflow's store cannot be read ({type(error).__name__})"
            ) from None
        try:
            yield connection
        finally:
            connection.close()

    def _batches(self, connection, query: str, params: tuple):
        """Rows in batches: a server-side cursor on Postgres (a client-side one would hold the
        whole experiment's text in memory at once)."""
        if self.postgres:
            cursor = connection.cursor(name="store_reader")
            cursor.itersize = BATCH
        else:
            cursor = connection.cursor()
        try:
            cursor.execute(query, params)
            if not self.postgres:
                while batch := cursor.fetchmany(BATCH):
                    yield batch
                return
            yield from _read_ahead(lambda: cursor.fetchmany(BATCH))
        finally:
            cursor.close()

    def _sql(self, template: str, **extra) -> str:
        return template.format(**self.dialect, **extra)

    def experiment_id(self, name: str) -> str | None:
        """The id of the active experiment ``name``, or None."""
        with self._connection() as connection:
            cursor = connection.cursor()
            cursor.execute(self._sql(EXPERIMENT), (name,))
            row = cursor.fetchone()
        return None if row is None else str(row[0])

    def aliased_runs(self, prefix: str, alias: str) -> dict[str, str]:
        """``{registered model: run id}`` as ``Tracking.aliased_runs`` answers it."""
        with self._connection() as connection:
            cursor = connection.cursor()
            cursor.execute(self._sql(ALIASED, n=len(prefix)), (alias, prefix))
            return {
                name: run_id
                for name, run_id in cursor.fetchall()
                if name.startswith(prefix) and run_id
            }

    def runs(self, experiment_id: str, previous: dict[str, dict] | None = None) -> dict[str, dict]:
        """Every active run of the experiment, shaped as ``serialize.run_to_dict`` shapes it.
        A run unchanged since ``previous`` (the snapshot being resynced) keeps its old dict, so
        a resync holds one copy of the runs rather than two."""
        previous = previous or {}
        query = self._sql(
            RUNS,
            hidden=len(HIDDEN_TAG_PREFIX),
            prefix=HIDDEN_TAG_PREFIX,
            heartbeat=HEARTBEAT_METRIC,
        )
        runs: dict[str, dict] = {}
        with self._connection() as connection:
            for batch in self._batches(connection, query, (int(experiment_id),)):
                # One parse per batch: its runs share the key strings (json's memo).
                for values in json.loads(f"[{','.join(row[0] for row in batch)}]"):
                    run_id, name, exp_id, status, start, end, uri, tags, params, metrics, beat = (
                        values
                    )
                    tags, params, metrics = tags or {}, params or {}, metrics or {}
                    run = run_dict(
                        (run_id, name, str(exp_id), status),
                        (start, end, uri),
                        metrics,
                        params,
                        tags,
                        beat,
                    )
                    old = previous.get(run_id)
                    if old is not None and all(old[k] == run[k] for k in COMPARED):
                        run = old
                    runs[run_id] = run
        return runs


def _read_ahead(fetch):
    """Batches from ``fetch`` (until an empty one), fetched a batch ahead in a thread: Postgres
    builds the next batch while this thread parses the last (psycopg2 lets go of the GIL while
    it waits), instead of the two taking turns. The thread ends with the batches."""
    batches: queue.Queue = queue.Queue(maxsize=2)

    def produce():
        try:
            while batch := fetch():
                batches.put(batch)
            batches.put(None)
        except BaseException as error:  # handed to the reader, which raises it
            batches.put(error)

    producer = threading.Thread(target=produce, name="store-read-ahead", daemon=True)
    producer.start()
    while (item := batches.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield item
    producer.join()
