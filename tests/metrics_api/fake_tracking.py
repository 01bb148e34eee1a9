"""An in-memory stand-in for ``metrics_api.tracking.Tracking`` (the API's one boundary to MLflow),
for unit tests that must run in milliseconds: runs, a model registry with aliases, and knobs for
latency (``hang()``: every call blocks until ``release()``) and failures (``fail_with``).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import Counter

from metrics_api.errors import ApiError, NotFound
from metrics_api.tracking import ACTIVE_FILTER
from mlflow.entities import Metric, Param, Run, RunData, RunInfo, RunTag

DEFAULT_EXPERIMENT = "movie-genie-models"


def make_run(
    experiment_id: str,
    model_name: str | None,
    start: int,
    status: str = "FINISHED",
    metrics: dict[str, float] | None = None,
    tags: dict[str, str] | None = None,
) -> Run:
    run_id = uuid.uuid4().hex
    kind = {"two-tower": "retrieval", "bert4rec": "ranking"}.get(model_name or "", "baseline")
    all_tags = {
        "mlflow.runName": f"{model_name}-{start}",
        "model_type": kind,
        "status": "inactive" if status == "FINISHED" else status.lower(),
        **({"model_name": model_name} if model_name else {}),
        **(tags or {}),
    }
    info = RunInfo(
        run_id=run_id,
        experiment_id=experiment_id,
        user_id="test",
        status=status,
        start_time=start,
        end_time=None if status == "RUNNING" else start + 10,
        lifecycle_stage="active",
        artifact_uri=f"mem://{run_id}",
        run_name=all_tags["mlflow.runName"],
    )
    data = RunData(
        metrics=[Metric(k, v, start, 0) for k, v in (metrics or {}).items()],
        params=[Param("model.embedding_dim", "8")],
        tags=[RunTag(k, v) for k, v in all_tags.items()],
    )
    return Run(info, data)


class FakeTracking:
    uri = "http://fake-mlflow.test"

    def __init__(self) -> None:
        self.experiments = {DEFAULT_EXPERIMENT: "1"}
        self.runs: dict[str, Run] = {}
        self.versions: dict[str, dict[str, str]] = {}  # registered model -> {version: run id}
        self.aliases: dict[str, dict[str, str]] = {}  # registered model -> {alias: version}
        self.version_tags: dict[tuple[str, str], dict[str, str]] = {}  # (model, version) -> tags
        self.model_tags_: dict[str, dict[str, str]] = {}  # registered model -> tags
        self.calls: Counter[str] = Counter()
        self.fail_with: ApiError | None = None
        self.after_set_alias = None  # hook: another client acting right after a set_alias
        self._gate: threading.Event | None = None
        self.entered = threading.Event()  # a call reached the fake (and may be blocked)
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Tracking.prepare imports MLflow's client; nothing to import here."""

    # ---- knobs ----------------------------------------------------------------------------

    def hang(self) -> None:
        self._gate, self.entered = threading.Event(), threading.Event()

    def release(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.set()

    def _call(self, name: str) -> None:
        with self._lock:
            self.calls[name] += 1
        self.entered.set()
        gate = self._gate
        if gate is not None:
            gate.wait(30)
        if self.fail_with is not None:
            raise self.fail_with

    # ---- test data --------------------------------------------------------------------------

    def add_run(
        self,
        model_name: str | None,
        start: int,
        experiment: str = DEFAULT_EXPERIMENT,
        register_as: str | None = None,
        **kwargs,
    ) -> str:
        run = make_run(self.experiments[experiment], model_name, start, **kwargs)
        self.runs[run.info.run_id] = run
        if register_as:
            versions = self.versions.setdefault(register_as, {})
            versions[str(len(versions) + 1)] = run.info.run_id
        return run.info.run_id

    def status_tag(self, run_id: str) -> str | None:
        return self.runs[run_id].data.tags.get("status")

    # ---- the Tracking interface -------------------------------------------------------------

    def reachable(self) -> bool:
        return self.fail_with is None

    def experiment_id(self, name: str) -> str | None:
        self._call("experiment_id")
        return self.experiments.get(name)

    def run(self, run_id: str) -> Run:
        self._call("run")
        if run_id not in self.runs:
            raise NotFound(f"run {run_id} not found")
        return self.runs[run_id]

    def search(self, experiment_ids: list[str], filter_string: str = "") -> list[Run]:
        self._call("search")
        found = [
            r
            for r in self.runs.values()
            if r.info.experiment_id in experiment_ids and _matches(r, filter_string)
        ]
        return sorted(found, key=lambda r: r.info.start_time, reverse=True)

    def metric_history(self, run_id: str, metric: str) -> list:
        self._call("metric_history")
        return [m for m in self.run(run_id).data._metric_objs if m.key == metric]

    def set_tag(self, run_id: str, key: str, value: str) -> None:
        self._call("set_tag")
        run = self.runs[run_id]
        tags = {**run.data.tags, key: value}
        self.runs[run_id] = Run(
            run.info,
            RunData(
                metrics=run.data._metric_objs,
                params=[Param(k, v) for k, v in run.data.params.items()],
                tags=[RunTag(k, v) for k, v in tags.items()],
            ),
        )

    def model_version_for_run(self, registered_model: str, run_id: str) -> str | None:
        self._call("model_version_for_run")
        matches = [v for v, r in self.versions.get(registered_model, {}).items() if r == run_id]
        return max(matches, key=int) if matches else None

    def set_alias(self, registered_model: str, alias: str, version: str) -> None:
        self._call("set_alias")
        self.aliases.setdefault(registered_model, {})[alias] = version
        if self.after_set_alias is not None:
            self.after_set_alias(registered_model, alias, version)

    def set_version_tag(self, registered_model: str, version: str, key: str, value: str) -> None:
        self._call("set_version_tag")
        self.version_tags.setdefault((registered_model, version), {})[key] = value

    def set_model_tag(self, registered_model: str, key: str, value: str) -> None:
        self._call("set_model_tag")
        self.model_tags_.setdefault(registered_model, {})[key] = value

    def model_tags(self, registered_model: str) -> dict[str, str]:
        self._call("model_tags")
        if registered_model not in self.versions:
            raise NotFound(f"registered model {registered_model!r} not found")
        return dict(self.model_tags_.get(registered_model, {}))

    def alias_run(self, registered_model: str, alias: str) -> tuple[str, str] | None:
        self._call("alias_run")
        version = self.aliases.get(registered_model, {}).get(alias)
        return None if version is None else (version, self.versions[registered_model][version])

    def aliased_runs(self, prefix: str, alias: str) -> dict[str, str]:
        self._call("aliased_runs")
        return {
            name: self.versions[name][aliases[alias]]
            for name, aliases in self.aliases.items()
            if name.startswith(prefix) and alias in aliases
        }


def _matches(run: Run, filter_string: str) -> bool:
    """The few filter strings the run cache and promotion build (clauses joined by AND)."""
    if not filter_string:
        return True
    if filter_string == ACTIVE_FILTER:
        return run.data.tags.get("status") == "active"
    return all(_clause(run, clause) for clause in filter_string.split(" AND "))


def _clause(run: Run, clause: str) -> bool:
    if clause == "attributes.status = 'RUNNING'":
        return run.info.status == "RUNNING"
    metric = re.fullmatch(r"metrics\.`([^`]+)` >= (-?[\d.]+)", clause)
    if metric:
        value = run.data.metrics.get(metric.group(1))
        return value is not None and value >= float(metric.group(2))
    match = re.fullmatch(r"attributes\.(start_time|end_time) >= (-?\d+)", clause)
    assert match, f"the fake does not know the filter {clause!r}"
    value = getattr(run.info, match.group(1))
    return value is not None and value >= int(match.group(2))
