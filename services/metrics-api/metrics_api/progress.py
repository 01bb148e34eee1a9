"""A RUNNING run's progress: epoch ``i / N`` and when it should end, from what the trainer logs.

The trainer logs ``system/heartbeat`` (seconds since the epoch) at step 0 when the run starts and
with every epoch at ``step = epoch``, and the planned epoch count as the ``training.epochs``
param. So the heartbeat's latest step is the epochs done, and the time they took since the run
started gives the pace: the run should end ``pace * (N - i)`` after the last heartbeat. Early
stopping may end it sooner; the ETA is then an upper bound.
"""

from __future__ import annotations

from .staleness import HEARTBEAT_METRIC

EPOCHS_PARAM = "training.epochs"


def progress_of(
    status: str,
    start_time: int | None,
    params: dict[str, str],
    metrics: dict[str, float | None],
    heartbeat_step: int | None,
) -> dict | None:
    """``{"epoch", "epochs", "eta_at"}`` for a RUNNING run that has beaten; else None.
    ``epochs`` is None without a usable param, ``eta_at`` (ms since the epoch) None before the
    first epoch ends."""
    if status != "RUNNING" or heartbeat_step is None:
        return None
    planned = params.get(EPOCHS_PARAM, "")
    epochs = int(planned) if planned.isdigit() and int(planned) > 0 else None
    epoch = int(heartbeat_step)
    beat = metrics.get(HEARTBEAT_METRIC)
    eta_at = None
    if epochs and epoch >= 1 and beat is not None and start_time:
        pace = max(0.0, beat - start_time / 1000) / epoch
        eta_at = int((beat + pace * max(0, epochs - epoch)) * 1000)
    return {"epoch": epoch, "epochs": epochs, "eta_at": eta_at}
