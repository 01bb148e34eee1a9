"""``TrainingCallback`` that logs a training run to MLflow following SYSTEM.md's logging contract.

Every hook only queues work for ``BackgroundSender``; the training thread never waits on the
network until ``on_train_end``, which waits (bounded) for the queue to drain.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

from . import contract, lineage
from .sender import BackgroundSender, Operation
from .settings import TrackingSettings, TrackingUnavailable  # noqa: F401  (raised here)

log = logging.getLogger("movie_genie_trainer.tracking")

RUN_KEY_TAG = "movie_genie.run_key"  # lets a retried create_run find the run it may have made
OUTBOX_FILE = "tracking-outbox.json"
BATCH_LIMIT = 100  # MLflow accepts at most 100 params or tags per log_batch request


class MlflowTrackingCallback:
    def __init__(self, model_name: str, config: dict[str, Any], settings: TrackingSettings):
        self.model_name, self.config, self.settings = model_name, config, settings
        self.model_type = contract.model_type(model_name)
        self.run_key = uuid.uuid4().hex
        self.run_id: str | None = None
        self.experiment_id: str | None = None
        self.last_epoch = 0
        self._last_stamp = 0
        self._finished = False
        self._client = None
        self._started_at = time.time()
        self._clock = time.monotonic()
        self.sender = BackgroundSender(settings.retry, settings.tracking_uri or "")

    # ------------------------------------------------------------------ training hooks
    def on_train_start(self, *, model_name: str, config: dict[str, Any],
                       dataset_stats: dict[str, Any], total_parameters: int) -> None:
        self._started_at, self._clock = time.time(), time.monotonic()
        self.dataset_stats, self.total_parameters = dict(dataset_stats), int(total_parameters)
        commit, dirty = lineage.git_commit()
        stage = lineage.dvc_stage()
        tags = {
            "model_type": self.model_type, "model_name": model_name, "framework": "pytorch",
            "status": "running", "dvc_pipeline": str(stage is not None).lower(),
            "dvc_stage": stage or "none", "git_commit": commit, "git_dirty": str(dirty).lower(),
            "data_version": lineage.data_version(self.settings.processed_data),
            "dataset": str(dataset_stats.get("dataset") or self.settings.dataset),
            RUN_KEY_TAG: self.run_key,
        }
        params = contract.flatten_params(config)
        params.update(contract.flatten_params(
            {k: v for k, v in dataset_stats.items() if not isinstance(v, dict | list)},
            "dataset."))
        params["model.total_parameters"] = str(self.total_parameters)
        run_name = contract.run_name(model_name, self._started_at)
        self.sender.submit(Operation(f"creating run {run_name}",
                                     lambda retrying: self._create_run(run_name, tags, retrying),
                                     {"create_run": {"run_name": run_name, "tags": tags}}))
        items = sorted(params.items())
        for start in range(0, len(items), BATCH_LIMIT):
            chunk = dict(items[start:start + BATCH_LIMIT])
            self.sender.submit(Operation("logging params", lambda _, c=chunk: self._params(c),
                                         {"params": chunk}))
        if self.settings.registered_models.get(model_name):
            # Pay for mlflow.pytorch's imports and caches while the model trains, not after.
            self.sender.submit(Operation("loading the model flavour", lambda _: _warm_imports()))

    def on_epoch_end(self, epoch: int, metrics: dict[str, float]) -> None:
        self.last_epoch = epoch
        self._metrics(f"epoch {epoch} metrics", contract.numeric_metrics(metrics), step=epoch)

    def on_train_end(self, *, final_metrics: dict[str, Any], output_dir: Path, model: Any,
                     example_input: Any) -> None:
        final = contract.numeric_metrics(final_metrics)
        for key in contract.DATASET_METRICS:
            if key not in final and isinstance(self.dataset_stats.get(key), int | float):
                final[key] = float(self.dataset_stats[key])
        final.setdefault("total_parameters", float(self.total_parameters))
        final.setdefault("training_time_seconds", time.monotonic() - self._clock)
        # Logged once, at the last epoch's step: the test metrics (validation is per epoch,
        # under val_* names, so the two never mix).
        self._metrics("final metrics", final, step=self.last_epoch)
        output_dir = Path(output_dir)
        files = sorted(p for p in output_dir.iterdir() if p.is_file() and p.name != OUTBOX_FILE)
        self.sender.submit(Operation("uploading artifacts", lambda _: self._artifacts(files)))
        registered_name = self.settings.registered_models.get(self.model_name)
        if model is not None and registered_name:
            self._log_and_register(model, example_input, registered_name)
        self.sender.submit(Operation("closing run", lambda _: self._close("FINISHED", "inactive"),
                                     {"terminate": {"status": "FINISHED"}}))
        self._finish(output_dir, raise_on_loss=True)

    def on_train_failed(self, error: BaseException) -> None:
        if self._finished:  # on_train_end already settled the run (or reported it lost)
            return
        message = f"{type(error).__name__}: {error}"[:5000]
        trace = "".join(traceback.format_exception(error))
        self.sender.submit(Operation("recording the failure",
                                     lambda _: self._record_failure(message, trace),
                                     {"failure": message}))
        self.sender.submit(Operation("closing run", lambda _: self._close("FAILED", "failed"),
                                     {"terminate": {"status": "FAILED"}}))
        self._finish(None, raise_on_loss=False)

    # ------------------------------------------------------------ operations (sender thread)
    @property
    def client(self):
        if self._client is None:
            from mlflow.tracking import MlflowClient

            self._client = MlflowClient(self.settings.tracking_uri)
        return self._client

    def _create_run(self, run_name: str, tags: dict[str, str], retrying: bool) -> None:
        from mlflow.exceptions import MlflowException

        client = self.client
        experiment = client.get_experiment_by_name(self.settings.experiment_name)
        if experiment is None:
            try:
                self.experiment_id = client.create_experiment(self.settings.experiment_name)
            except MlflowException as error:  # created meanwhile by a parallel stage
                if error.error_code != "RESOURCE_ALREADY_EXISTS":
                    raise
                self.experiment_id = client.get_experiment_by_name(
                    self.settings.experiment_name).experiment_id
        else:
            self.experiment_id = experiment.experiment_id
        if retrying:
            found = client.search_runs([self.experiment_id],
                                       f"tags.`{RUN_KEY_TAG}` = '{self.run_key}'")
            if found:
                self.run_id = found[0].info.run_id
                return
        run = client.create_run(self.experiment_id, start_time=int(self._started_at * 1000),
                                tags=tags, run_name=run_name)
        self.run_id = run.info.run_id
        log.info("tracking: run %s (%s) in experiment %s at %s", run_name, self.run_id,
                    self.settings.experiment_name, self.settings.tracking_uri)

    def _params(self, params: dict[str, str]) -> None:
        from mlflow.entities import Param

        self.client.log_batch(self.run_id, params=[Param(k, v) for k, v in params.items()])

    def _metrics(self, description: str, values: dict[str, float], step: int) -> None:
        # Strictly increasing: the final metrics share the last epoch's step, and MLflow keys a
        # logged model's metrics by (name, step, timestamp) - a shared millisecond collides.
        stamp = max(int(time.time() * 1000), self._last_stamp + 1)
        self._last_stamp = stamp
        record = {"step": step, "timestamp": stamp, "metrics": values}
        self.sender.submit(Operation(description,
                                     lambda retrying: self._send_metrics(record, retrying),
                                     {"metrics": record}))

    def _send_metrics(self, record: dict[str, Any], retrying: bool) -> None:
        from mlflow.entities import Metric

        step, stamp, values = record["step"], record["timestamp"], record["metrics"]
        if retrying:  # the lost attempt may have landed: (name, step, timestamp) identifies it
            values = {name: value for name, value in values.items()
                      if not any(m.step == step and m.timestamp == stamp
                                 for m in self.client.get_metric_history(self.run_id, name))}
        if values:
            self.client.log_batch(self.run_id, metrics=[
                Metric(name, value, stamp, step) for name, value in values.items()])

    def _artifacts(self, files: list[Path]) -> None:
        for path in files:
            self.client.log_artifact(self.run_id, str(path))

    def _log_and_register(self, model: Any, example_input: Any, registered_name: str) -> None:
        logged: dict[str, Any] = {}
        self.sender.submit(Operation(
            "logging the model",
            lambda _: logged.update(info=self._log_model(model, example_input))))
        self.sender.submit(Operation(
            f"registering {registered_name}",
            lambda retrying: self._register(logged["info"], registered_name, retrying)))

    def _log_model(self, model: Any, example_input: Any):
        import mlflow.pytorch

        from .model_logging import model_signature, pip_requirements, trainer_code_path

        example, signature = model_signature(model, example_input)
        return mlflow.pytorch.log_model(
            model, name="model", run_id=self.run_id, input_example=example, signature=signature,
            pip_requirements=pip_requirements(), code_paths=[trainer_code_path()],
            # Pickle, with the trainer's code alongside: MLflow's default here (torch.export to
            # pt2) traces the model for seconds per run and needs static shapes.
            serialization_format="pickle",
            tags={"model_type": self.model_type, "model_name": self.model_name},
            step=self.last_epoch)  # links the final metrics (logged at this step) to the model

    def _register(self, model_info: Any, name: str, retrying: bool) -> None:
        import mlflow

        if retrying and self.client.search_model_versions(
                f"name = '{name}' and run_id = '{self.run_id}'"):
            return
        version = mlflow.register_model(model_info.model_uri, name,
                                        tags={"model_type": self.model_type})
        log.info("tracking: registered %s version %s", name, version.version)

    def _record_failure(self, message: str, trace: str) -> None:
        self.client.set_tag(self.run_id, "error", message)
        self.client.log_text(self.run_id, trace, "error.txt")

    def _close(self, status: str, status_tag: str) -> None:
        self.client.set_tag(self.run_id, "status", status_tag)
        self.client.set_terminated(self.run_id, status)

    # ------------------------------------------------------------------------- ending
    def _finish(self, output_dir: Path | None, raise_on_loss: bool) -> None:
        self._finished = True
        timeout = self.settings.retry.flush_timeout_seconds
        sent = self.sender.drain(timeout)
        pending = self.sender.pending()
        self.sender.close()
        if sent:
            return
        why = (f"a permanent error: {self.sender.fatal}" if self.sender.fatal is not None
               else f"no answer within {timeout:.0f} s (last error: {self.sender.last_error})")
        kept = self._write_outbox(output_dir, pending)
        message = (f"MLflow at {self.settings.tracking_uri} did not take {len(pending)} pending "
                   f"step(s) ({pending[0].description} first) because of {why}. "
                   f"{kept}The run's metrics stay on disk in the output folder.")
        if raise_on_loss:
            raise TrackingUnavailable(message)
        log.error("tracking: %s", message)

    def _write_outbox(self, output_dir: Path | None, pending: list[Operation]) -> str:
        if output_dir is None:
            return ""
        path = output_dir / OUTBOX_FILE
        path.write_text(json.dumps({
            "tracking_uri": self.settings.tracking_uri, "experiment": self.settings.experiment_name,
            "run_id": self.run_id, "run_key": self.run_key,
            "pending": [{"step": op.description, **(op.record or {})} for op in pending],
        }, indent=2))
        return f"What was not sent is kept in {path}. "


def _warm_imports() -> None:
    """Imports and caches that ``log_model`` would otherwise build after training (seconds)."""
    import mlflow.pytorch  # noqa: F401
    from mlflow.models import infer_signature  # noqa: F401
    from mlflow.utils import requirements_utils

    # Maps installed packages to modules, to check the model's requirements: cached once built.
    warm = getattr(requirements_utils, "_init_packages_to_modules_map", None)
    if warm is not None:
        warm()
