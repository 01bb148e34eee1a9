"""Bounded wait for the tracking server's backend database (tenacity)."""

from __future__ import annotations

import sqlalchemy
from sqlalchemy.engine import make_url
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_delay, wait_fixed


class BackendUnavailable(RuntimeError):
    pass


def _first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(error).__name__


def wait_for_backend(uri: str, timeout: float = 60.0, interval: float = 1.0) -> None:
    """Return once ``SELECT 1`` succeeds on ``uri``; BackendUnavailable after ``timeout`` s."""
    if uri.startswith("sqlite:"):
        return  # an embedded file: nothing to wait for
    url = make_url(uri)
    where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    engine = sqlalchemy.create_engine(
        url, poolclass=sqlalchemy.pool.NullPool, connect_args={"connect_timeout": 3}
    )

    def say_waiting(state) -> None:
        print(
            f"waiting for database at {where} (attempt {state.attempt_number}): "
            f"{_first_line(state.outcome.exception())}",
            flush=True,
        )

    try:
        for attempt in Retrying(
            retry=retry_if_exception_type(sqlalchemy.exc.OperationalError),
            stop=stop_after_delay(timeout),
            wait=wait_fixed(interval),
            before_sleep=say_waiting,
        ):
            with attempt, engine.connect() as connection:
                connection.execute(sqlalchemy.text("SELECT 1"))
    except RetryError as error:
        last = error.last_attempt
        raise BackendUnavailable(
            f"backend database at {where} did not answer within {timeout:.0f} s "
            f"({last.attempt_number} attempts); last error: {_first_line(last.exception())}"
        ) from None
    finally:
        engine.dispose()
