"""One bounded pool per worker for the MLflow calls a request fans out (``/compare``).

Shared rather than made per request, so N concurrent comparisons cannot start N x threads
against MLflow; and every wait has a deadline, so a hung MLflow fails the request within
``deadline`` seconds (503 with Retry-After) instead of holding it while calls queue.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait

from .errors import TrackingUnavailable


class BoundedCalls:
    def __init__(self, threads: int, deadline: float, ready=None) -> None:
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="mlflow-call")
        self.deadline = deadline
        # Run before the deadline starts: Tracking.prepare, which imports MLflow's client on a
        # worker's first calls (seconds of local CPU, not a hung MLflow; tracking.py).
        self.ready = ready

    def one(self, function, *args):
        return self.map(function, [args])[0]

    def map(self, function, items: list) -> list:
        if self.ready is not None:
            self.ready()
        futures = [self.pool.submit(function, *item) for item in items]
        done, pending = wait(futures, timeout=self.deadline)
        if pending:
            for future in pending:
                future.cancel()  # those not started yet never reach MLflow
            raise TrackingUnavailable(
                f"MLflow tracking server did not answer {len(pending)} of "
                f"{len(futures)} "
                f"calls within {self.deadline:g} s"
            )
        return [future.result() for future in futures]  # re-raises a call's ApiError
