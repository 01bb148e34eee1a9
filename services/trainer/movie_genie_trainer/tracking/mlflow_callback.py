"""``TrainingCallback`` that logs a training run to MLflow following SYSTEM.md's logging contract.

Every hook only queues records for ``BackgroundSender``; ``RunWriter`` turns each into MLflow
requests. The training thread never waits on the network until the run ends, which waits
(bounded) for the queue to drain; whatever is left is written to an outbox file that
``python -m movie_genie_trainer.tracking.replay`` sends later. Ctrl-C or SIGTERM ends the run
``KILLED`` after a few seconds at most.
"""

from __future__ import annotations

import json
import logging
import os
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

from movie_genie_trainer.model_store import save_model

from . import contract, lineage
from .run_writer import HEARTBEAT_METRIC, RunWriter, describe
from .sender import BackgroundSender, Operation, short_error
from .settings import TrackingSettings, TrackingUnavailable  # noqa: F401  (raised here)

log = logging.getLogger("movie_genie_trainer.tracking")

OUTBOX_FILE = "tracking-outbox.json"
MODEL_DIR = "mlflow-model"  # the model's safetensors + description, next to the run's files
BATCH_LIMIT = 100  # MLflow accepts at most 100 params or tags per log_batch request
REPLAY_COMMAND = "python -m movie_genie_trainer.tracking.replay"


class MlflowTrackingCallback:
    def __init__(
        self,
        model_name: str,
        config: dict[str, Any],
        settings: TrackingSettings,
        output_dir: Path | None = None,
    ):
        self.model_name, self.config, self.settings = model_name, config, settings
        self.model_type = contract.model_type(model_name)
        self.output_dir = Path(output_dir) if output_dir is not None else None
        self.run_key = uuid.uuid4().hex
        self.writer = RunWriter(
            settings.tracking_uri or "",
            settings.experiment_name,
            self.run_key,
            self.output_dir or Path.cwd(),
            settle_seconds=2 * settings.retry.request_timeout_seconds,
        )
        self.last_epoch = 0
        self._last_stamp = 0
        self._finished = False
        self._started_at = time.time()
        self._clock = time.monotonic()
        self.sender = BackgroundSender(settings.retry, settings.tracking_uri or "")

    @property
    def run_id(self) -> str | None:
        return self.writer.run_id

    def _submit(self, record: dict[str, Any]) -> None:
        self.sender.submit(
            Operation(
                describe(record), lambda retrying: self.writer.apply(record, retrying), record
            )
        )

    # ------------------------------------------------------------------ training hooks
    def on_train_start(
        self,
        *,
        model_name: str,
        config: dict[str, Any],
        dataset_stats: dict[str, Any],
        total_parameters: int,
    ) -> None:
        self._started_at, self._clock = time.time(), time.monotonic()
        self.dataset_stats, self.total_parameters = dict(dataset_stats), int(total_parameters)
        commit, dirty = lineage.git_commit()
        stage = lineage.dvc_stage()
        tags = {
            "model_type": self.model_type,
            "model_name": model_name,
            "framework": "pytorch",
            "status": "running",
            "dvc_pipeline": str(stage is not None).lower(),
            "dvc_stage": stage or "none",
            "git_commit": commit,
            "git_dirty": str(dirty).lower(),
            "data_version": lineage.data_version(self.settings.processed_data),
            "dataset": str(dataset_stats.get("dataset") or self.settings.dataset),
        }
        params = contract.flatten_params(config)
        params.update(
            contract.flatten_params(
                {k: v for k, v in dataset_stats.items() if not isinstance(v, dict | list)},
                "dataset.",
            )
        )
        params["model.total_parameters"] = str(self.total_parameters)
        self._submit(
            {
                "create_run": {
                    "run_name": contract.run_name(model_name, self._started_at),
                    "tags": tags,
                    "start_time": int(self._started_at * 1000),
                }
            }
        )
        items = sorted(params.items())
        for start in range(0, len(items), BATCH_LIMIT):
            self._submit({"params": dict(items[start : start + BATCH_LIMIT])})
        self._metrics({}, step=0)  # the first heartbeat: the run is alive

    def on_epoch_end(self, epoch: int, metrics: dict[str, float]) -> None:
        self.last_epoch = epoch
        self._metrics(contract.numeric_metrics(metrics), step=epoch)

    def on_train_end(
        self,
        *,
        final_metrics: dict[str, Any],
        output_dir: Path,
        model: Any,
        example_input: Any,
        item_ids: Any = None,
    ) -> None:
        final = contract.numeric_metrics(final_metrics)
        for key in contract.DATASET_METRICS:
            if key not in final and isinstance(self.dataset_stats.get(key), int | float):
                final[key] = float(self.dataset_stats[key])
        final.setdefault("total_parameters", float(self.total_parameters))
        final.setdefault("training_time_seconds", time.monotonic() - self._clock)
        # Logged once, at the last epoch's step: the test metrics (validation is per epoch,
        # under val_* names, so the two never mix).
        self._metrics(final, step=self.last_epoch, heartbeat=False)
        self.output_dir = self.writer.base_dir = Path(output_dir)
        files = sorted(
            p.name
            for p in self.output_dir.iterdir()
            if p.is_file() and not p.name.startswith("tracking-outbox")
        )
        self._submit({"artifacts": files})
        registered_name = self.settings.registered_models.get(self.model_name)
        if model is not None and registered_name:
            digest = save_model(
                model, self.model_name, self.config, self.output_dir / MODEL_DIR, item_ids
            )
            about = {"digest": digest, "model_type": self.model_type}
            self._submit({"log_model": {"dir": MODEL_DIR, "model_name": self.model_name, **about}})
            self._submit({"register": {"name": registered_name, **about}})
        self._submit(self._terminate("FINISHED", "inactive"))
        self._finish(raise_on_loss=True, wait=self.settings.retry.flush_timeout_seconds)

    def on_train_failed(self, error: BaseException) -> None:
        if self._finished:  # on_train_end already settled the run (or reported it lost)
            return
        if isinstance(error, KeyboardInterrupt):  # Ctrl-C, or SIGTERM (cli.py maps it)
            self._submit(self._terminate("KILLED", "killed"))
            self._finish(raise_on_loss=False, wait=self.settings.retry.interrupt_flush_seconds)
            return
        message = f"{type(error).__name__}: {error}"[:5000]
        trace = "".join(traceback.format_exception(error))
        self._submit({"failure": {"message": message, "trace": trace}})
        self._submit(self._terminate("FAILED", "failed"))
        self._finish(raise_on_loss=False, wait=self.settings.retry.flush_timeout_seconds)

    # ------------------------------------------------------------------------- records
    def _metrics(self, values: dict[str, float], step: int, heartbeat: bool = True) -> None:
        # Strictly increasing: the final metrics share the last epoch's step, and MLflow keys a
        # logged model's metrics by (name, step, timestamp) - a shared millisecond collides.
        now = time.time()
        stamp = max(int(now * 1000), self._last_stamp + 1)
        self._last_stamp = stamp
        if heartbeat:  # the metrics API shows a RUNNING run that stopped beating as stale
            values = {**values, HEARTBEAT_METRIC: now}
        self._submit({"metrics": {"step": step, "timestamp": stamp, "metrics": values}})

    @staticmethod
    def _terminate(status: str, status_tag: str) -> dict[str, Any]:
        return {
            "terminate": {
                "status": status,
                "status_tag": status_tag,
                "end_time": int(time.time() * 1000),
            }
        }

    # ------------------------------------------------------------------------- ending
    def _finish(self, raise_on_loss: bool, wait: float) -> None:
        self._finished = True
        interrupted = None
        try:
            sent = self.sender.drain(wait)
        except KeyboardInterrupt as error:  # Ctrl-C while waiting for a server that is away
            sent, interrupted = False, error
        pending = self.sender.pending()
        self.sender.close(join=not interrupted and sent)
        if sent or not pending:
            if interrupted is not None:
                raise interrupted
            return
        fatal, last = self.sender.fatal, self.sender.last_error
        why = (
            f"a permanent error: {short_error(fatal)}"
            if fatal is not None
            else "an interrupt"
            if interrupted is not None
            else f"no answer within {wait:.0f} s"
            + (f" (last error: {short_error(last)})" if last is not None else "")
        )
        outbox = self._write_outbox(pending)
        kept = (
            f"Kept in {outbox}; send it once MLflow answers: {REPLAY_COMMAND} {outbox}"
            if outbox
            else "The run's metrics stay on disk in the output folder."
        )
        message = (
            f"MLflow at {self.settings.tracking_uri} did not take {len(pending)} pending "
            f"step(s) ({pending[0].description} first) because of {why}. {kept}"
        )
        if interrupted is not None:
            log.error("tracking: %s", message)
            raise interrupted
        if raise_on_loss:
            raise TrackingUnavailable(message)
        log.error("tracking: %s", message)

    def _write_outbox(self, pending: list[Operation]) -> str | None:
        if self.output_dir is None:
            return None
        self.output_dir.mkdir(parents=True, exist_ok=True)
        path = self.output_dir / OUTBOX_FILE
        path.write_text(
            json.dumps(
                {
                    "tracking_uri": self.settings.tracking_uri,
                    "experiment": self.settings.experiment_name,
                    "run_id": self.writer.run_id,
                    "run_key": self.run_key,
                    "pending": [op.record for op in pending],
                },
                indent=2,
            )
        )
        relative = os.path.relpath(path)
        return str(path) if relative.startswith("..") else relative
