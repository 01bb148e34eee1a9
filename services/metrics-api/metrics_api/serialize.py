"""MLflow entities to the API's JSON shapes (see SYSTEM.md, "A run object carries ...")."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

from .progress import progress_of
from .staleness import HEARTBEAT_METRIC

if TYPE_CHECKING:  # MLflow is imported lazily (tracking.py)
    from mlflow.entities import Experiment, Metric, Run

HIDDEN_TAG_PREFIX = "mlflow."  # MLflow's internals; the run name and user are fields already


def finite(value: float) -> float | None:
    """JSON has no NaN or Infinity: such metric values travel as null."""
    return value if math.isfinite(value) else None


def run_to_dict(run: Run) -> dict:
    info, data = run.info, run.data
    metrics = {sys.intern(k): finite(v) for k, v in data.metrics.items()}
    params = {sys.intern(k): v for k, v in data.params.items()}
    tags = {sys.intern(k): v for k, v in data.tags.items() if not k.startswith(HIDDEN_TAG_PREFIX)}
    return run_dict(
        (info.run_id, info.run_name, info.experiment_id, info.status),
        (info.start_time, info.end_time, info.artifact_uri),
        metrics,
        params,
        tags,
        heartbeat_step(run),
    )


def run_dict(
    ids: tuple[str, str, str, str],
    times: tuple[int | None, int | None, str],
    metrics: dict,
    params: dict,
    tags: dict,
    heartbeat: int | None,
) -> dict:
    """The API's run object, from MLflow's REST entities or its store's rows (store_reader.py):
    ``ids`` (run id, name, experiment id, status), ``times`` (start, end, artifact URI)."""
    run_id, name, experiment_id, status = ids
    start, end, artifact_uri = times
    return {
        "run_id": run_id,
        "run_name": name,
        "experiment_id": experiment_id,
        "status": status,
        "start_time": start,
        "end_time": end,
        "artifact_uri": artifact_uri,
        "model_type": tags.get("model_type"),
        "model_name": tags.get("model_name"),
        "framework": tags.get("framework"),
        "model_status": tags.get("status"),
        "metrics": metrics,
        "params": params,
        "tags": tags,
        "progress": progress_of(status, start, params, metrics, heartbeat),
    }


def heartbeat_step(run: Run) -> int | None:
    """The step of the run's latest heartbeat (progress.py), for RUNNING runs only: MLflow's
    run data keeps each latest metric's step, but only its proto shows it publicly."""
    if run.info.status != "RUNNING" or HEARTBEAT_METRIC not in run.data.metrics:
        return None
    return next((m.step for m in run.data.to_proto().metrics if m.key == HEARTBEAT_METRIC), None)


def experiment_to_dict(experiment: Experiment) -> dict:
    return {
        "experiment_id": experiment.experiment_id,
        "name": experiment.name,
        "lifecycle_stage": experiment.lifecycle_stage,
        "artifact_location": experiment.artifact_location,
        "tags": {k: v for k, v in experiment.tags.items() if not k.startswith(HIDDEN_TAG_PREFIX)},
    }


def history_to_list(points: list[Metric]) -> list[dict]:
    ordered = sorted(points, key=lambda m: (m.step, m.timestamp))
    return [{"step": m.step, "value": finite(m.value), "timestamp": m.timestamp} for m in ordered]
