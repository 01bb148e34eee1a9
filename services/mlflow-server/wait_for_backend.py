"""Bounded wait for the tracking server's backend database."""

from __future__ import annotations

import time

import sqlalchemy
from sqlalchemy.engine import make_url


class BackendUnavailable(RuntimeError):
    pass


def wait_for_backend(uri: str, timeout: float = 60.0, interval: float = 1.0) -> None:
    """Return once ``SELECT 1`` succeeds on ``uri``; BackendUnavailable after ``timeout`` s."""
    if uri.startswith("sqlite:"):
        return  # an embedded file: nothing to wait for
    url = make_url(uri)
    where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    engine = sqlalchemy.create_engine(
        url, poolclass=sqlalchemy.pool.NullPool, connect_args={"connect_timeout": 3}
    )
    deadline = time.monotonic() + timeout
    attempt, last_error = 0, None
    try:
        while True:
            attempt += 1
            try:
                with engine.connect() as connection:
                    connection.execute(sqlalchemy.text("SELECT 1"))
                return
            except sqlalchemy.exc.OperationalError as error:
                last_error = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            if time.monotonic() + interval >= deadline:
                raise BackendUnavailable(
                    f"backend database at {where} did not answer within {timeout:.0f} s "
                    f"({attempt} attempts); last error: {last_error}"
                )
            print(f"waiting for database at {where} (attempt {attempt}): {last_error}", flush=True)
            time.sleep(interval)
    finally:
        engine.dispose()
