"""Sends tracking requests from a background thread, in order, surviving a server that goes away.

The training loop only appends operations; it never waits on the network. An operation that
fails for a transient reason (connection refused, timeout, 5xx) stays at the head of the queue
and is retried (tenacity, capped exponential backoff), so nothing after it overtakes it. Operations
are written so that a retry after an ambiguous failure (the request may have landed) does not
duplicate anything: each one is told whether it is a retry and checks the server first.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tenacity import RetryCallState, Retrying, retry_if_exception, wait_exponential

from .settings import RetrySettings

log = logging.getLogger("movie_genie_trainer.tracking")

# MLflow error codes that no retry can fix: the request itself is wrong.
PERMANENT_ERROR_CODES = frozenset(
    {
        "BAD_REQUEST",
        "INVALID_PARAMETER_VALUE",
        "INVALID_STATE",
        "RESOURCE_DOES_NOT_EXIST",
        "RESOURCE_ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "UNAUTHENTICATED",
        "ENDPOINT_NOT_FOUND",
        "FEATURE_DISABLED",
    }
)


@dataclass
class Operation:
    """One step of a run's logging. ``send(retrying)`` talks to the server; ``record`` is its
    JSON form for the outbox file (None where the data already lives in the output folder)."""

    description: str
    send: Callable[[bool], Any]
    record: dict[str, Any] | None = None
    attempts: int = field(default=0, init=False)


def is_transient(error: BaseException) -> bool:
    from mlflow.exceptions import MlflowException

    if isinstance(error, MlflowException):
        return error.error_code not in PERMANENT_ERROR_CODES
    import requests

    return isinstance(error, OSError | requests.exceptions.RequestException | TimeoutError)


class BackgroundSender:
    def __init__(self, retry: RetrySettings, server: str) -> None:
        self.retry, self.server = retry, server
        self._queue: deque[Operation] = deque()
        self._cond = threading.Condition()
        self._stopping = False
        self.fatal: BaseException | None = None
        self.last_error: BaseException | None = None
        self._outage_since: float | None = None
        self._thread = threading.Thread(target=self._loop, name="mlflow-sender", daemon=True)
        self._thread.start()

    def submit(self, operation: Operation) -> None:
        with self._cond:
            self._queue.append(operation)
            self._cond.notify_all()

    def pending(self) -> list[Operation]:
        with self._cond:
            return list(self._queue)

    def drain(self, timeout: float) -> bool:
        """Wait until everything is sent (True), or a permanent error / the timeout (False)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue and self.fatal is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return not self._queue

    def close(self, join: bool = True) -> None:
        """Stop the thread; ``join=False`` does not wait for a request in flight (it is a
        daemon, and whatever it was sending is in the outbox too: replay skips what landed)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if join:
            self._thread.join(timeout=self.retry.request_timeout_seconds + 5)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                operation = self._queue[0]
            try:
                self._send(operation)
            except BaseException as error:  # noqa: BLE001 - the thread must never die silently
                if self._stopping:
                    return
                log.error("tracking: %s failed for good: %s", operation.description, error)
                with self._cond:
                    self.fatal = error
                    self._cond.notify_all()
                return
            with self._cond:
                self._queue.popleft()
                self._cond.notify_all()

    def _send(self, operation: Operation) -> None:
        """One operation, retried in place while the failure is transient (tenacity)."""
        began = time.monotonic()
        for attempt in Retrying(
            retry=retry_if_exception(is_transient),
            reraise=True,
            wait=wait_exponential(
                multiplier=self.retry.backoff_initial_seconds, max=self.retry.backoff_max_seconds
            ),
            stop=lambda _: self._stopping,
            sleep=self._pause,
            before_sleep=lambda state: self._outage(operation, state),
        ):
            with attempt:
                try:
                    operation.send(operation.attempts > 0)
                except BaseException as error:
                    self.last_error = error
                    raise
                finally:
                    operation.attempts += 1
        log.debug("tracking: %s took %.2f s", operation.description, time.monotonic() - began)
        if self._outage_since is not None:
            log.warning(
                "tracking: MLflow answers again after %.0f s; sending what was kept",
                time.monotonic() - self._outage_since,
            )
            self._outage_since = None

    def _outage(self, operation: Operation, state: RetryCallState) -> None:
        if self._outage_since is None:
            self._outage_since = time.monotonic()
            log.warning(
                "tracking: %s could not reach MLflow at %s (%s); keeping it and "
                "retrying in the background",
                operation.description,
                self.server,
                short_error(state.outcome.exception()),
            )

    def _pause(self, seconds: float) -> None:
        """tenacity's sleep, cut short by ``close``."""
        with self._cond:
            if not self._stopping:
                self._cond.wait(seconds)


def short_error(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text if len(text) < 200 else text[:200] + "..."
