"""The background sender: order, retries of transient failures, a permanent error stops it.

The operations are the boundary here (they stand in for MLflow requests); the sender is real."""

from __future__ import annotations

from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import (
    INTERNAL_ERROR,
    INVALID_PARAMETER_VALUE,
    RESOURCE_DOES_NOT_EXIST,
)
from movie_genie_trainer.tracking.sender import BackgroundSender, Operation, is_transient
from movie_genie_trainer.tracking.settings import RetrySettings

FAST = RetrySettings(backoff_initial_seconds=0.01, backoff_max_seconds=0.05)


def test_a_transient_failure_is_retried_in_place_and_nothing_overtakes_it():
    sent: list[tuple[str, bool]] = []
    failures = iter([ConnectionRefusedError("down"), MlflowException("API request failed")])

    def flaky(retrying: bool) -> None:
        error = next(failures, None)
        if error is not None:
            raise error
        sent.append(("epoch 1", retrying))

    sender = BackgroundSender(FAST, "http://tracking")
    sender.submit(Operation("epoch 1", flaky))
    sender.submit(Operation("epoch 2", lambda retrying: sent.append(("epoch 2", retrying))))
    assert sender.drain(10)
    sender.close()
    assert sent == [("epoch 1", True), ("epoch 2", False)]


def test_a_permanent_error_stops_the_queue_and_keeps_what_is_left():
    sender = BackgroundSender(FAST, "http://tracking")

    def rejected(_: bool) -> None:
        raise MlflowException("bad param", error_code=INVALID_PARAMETER_VALUE)

    sender.submit(Operation("params", rejected))
    sender.submit(Operation("epoch 1", lambda _: None))
    assert not sender.drain(10)
    assert "bad param" in str(sender.fatal)
    assert [op.description for op in sender.pending()] == ["params", "epoch 1"]
    sender.close()


def test_network_and_server_errors_are_transient_bugs_are_not():
    assert is_transient(ConnectionResetError())
    assert is_transient(MlflowException("API request to x failed", error_code=INTERNAL_ERROR))
    assert not is_transient(MlflowException("no such run", error_code=RESOURCE_DOES_NOT_EXIST))
    assert not is_transient(TypeError("bug"))
