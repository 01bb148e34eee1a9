"""Full loads straight from MLflow's backend store, read-only, when ``METRICS_API_STORE_URI`` is
set (the same Postgres or SQLite URI the tracking server uses, ideally with a read-only account).

Why not REST: MLflow's ``search_runs`` costs about 2.5 ms per run returned (the server builds
and serialises every run's entities): 10,000 runs take ~45 s per worker, 100,000 over four
minutes. The same rows come out of four indexed queries in a few seconds. Only the full load
(start-up and the periodic resync) reads the store; incremental refreshes, single runs,
histories and every write stay on MLflow's REST API, the only writer. The connection cannot
write: Postgres sessions are ``default_transaction_read_only``, SQLite files open ``mode=ro``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from urllib.parse import unquote, urlsplit

from .errors import TrackingUnavailable
from .serialize import HIDDEN_TAG_PREFIX, finite

RUNS = (
    "SELECT run_uuid, name, experiment_id, status, start_time, end_time, artifact_uri "
    "FROM runs WHERE experiment_id = {p} AND lifecycle_stage = 'active'"
)
# (table, columns): rows of the experiment's active runs only.
CHILDREN = {
    "tags": "c.key, c.value",
    "params": "c.key, c.value",
    "latest_metrics": "c.key, c.value, c.is_nan",
}
CHILD = (
    "SELECT c.run_uuid, {columns} FROM {table} c JOIN runs r ON r.run_uuid = c.run_uuid "
    "WHERE r.experiment_id = {p} AND r.lifecycle_stage = 'active'"
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

    @contextlib.contextmanager
    def _connection(self):
        try:
            if self.postgres:
                import psycopg2  # only needed when the store is Postgres

                dsn = "postgresql://" + self.uri.split("://", 1)[1]
                connection = psycopg2.connect(
                    dsn, connect_timeout=5, options="-c default_transaction_read_only=on"
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

    def _rows(self, connection, query: str, params: tuple):
        """Rows streamed in batches: a server-side cursor on Postgres (a client-side one would
        hold all 4.5 million child rows of 100,000 runs in memory at once)."""
        if self.postgres:
            cursor = connection.cursor(name=f"store_reader_{id(query)}")
            cursor.itersize = 20_000
        else:
            cursor = connection.cursor()
        try:
            cursor.execute(query, params)
            yield from cursor
        finally:
            cursor.close()

    def runs(self, experiment_id: str) -> dict[str, dict]:
        """Every active run of the experiment, shaped as ``serialize.run_to_dict`` shapes it."""
        placeholder = "%s" if self.postgres else "?"
        key = (int(experiment_id),)
        runs: dict[str, dict] = {}
        with self._connection() as connection:
            rows = self._rows(connection, RUNS.format(p=placeholder), key)
            for run_id, name, exp_id, status, start, end, artifact_uri in rows:
                runs[run_id] = {
                    "run_id": run_id,
                    "run_name": name,
                    "experiment_id": str(exp_id),
                    "status": status,
                    "start_time": start,
                    "end_time": end,
                    "artifact_uri": artifact_uri,
                    "model_type": None,
                    "model_name": None,
                    "framework": None,
                    "model_status": None,
                    "metrics": {},
                    "params": {},
                    "tags": {},
                }
            for table, columns in CHILDREN.items():
                query = CHILD.format(columns=columns, table=table, p=placeholder)
                for row in self._rows(connection, query, key):
                    run = runs.get(row[0])
                    if run is None:
                        continue  # a run created between the two queries: the next refresh
                    if table == "latest_metrics":
                        run["metrics"][sys.intern(row[1])] = (
                            None if row[3] else finite(float(row[2]))
                        )
                    elif table == "params":
                        run["params"][sys.intern(row[1])] = row[2]
                    elif not row[1].startswith(HIDDEN_TAG_PREFIX):
                        run["tags"][sys.intern(row[1])] = row[2]
        for run in runs.values():
            tags = run["tags"]
            run.update(
                model_type=tags.get("model_type"),
                model_name=tags.get("model_name"),
                framework=tags.get("framework"),
                model_status=tags.get("status"),
            )
        return runs
