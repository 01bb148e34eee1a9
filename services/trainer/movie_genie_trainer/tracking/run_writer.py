"""Applies a run's logging steps to MLflow: one JSON record per step, safe to send twice.

The live callback and the replay command (``tracking.replay``) send the same records through
``RunWriter.apply``. With ``retrying=True`` every step first looks at what the server already
holds (the run by its ``run_key`` tag, metric points by name, step and timestamp, the logged
model by its ``run_key`` tag, the model version by run), so a step whose earlier attempt may
have landed is never applied twice: a retry after an ambiguous failure, or a whole replay run
a second time, changes nothing. A create whose answer timed out may still land after that check
(a slow server, not a dead one); before the run is closed, ``_reconcile`` deletes such twins
(same ``run_key``), keeping the run, logged model and version this writer went on with.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from movie_genie_trainer.model_store import DIGEST_TAG
from movie_genie_trainer.serving.mlmodel import write_mlmodel

log = logging.getLogger("movie_genie_trainer.tracking")

RUN_KEY_TAG = "movie_genie.run_key"  # lets a retried create_run find the run it may have made
HEARTBEAT_METRIC = "system/heartbeat"  # seconds since the epoch, logged with every epoch


CREATES = ("create_run", "log_model", "register")


def refused(error: BaseException) -> bool:
    """The request never reached the server (nothing can have landed)."""
    text = str(error)
    return "Connection refused" in text or "Failed to establish a new connection" in text


def describe(record: dict[str, Any]) -> str:
    kind = next(iter(record))
    body = record[kind]
    return {
        "create_run": lambda: f"creating run {body['run_name']}",
        "params": lambda: "logging params",
        "metrics": lambda: f"metrics of step {body['step']}",
        "artifacts": lambda: "uploading artifacts",
        "log_model": lambda: "logging the model",
        "register": lambda: f"registering {body['name']}",
        "failure": lambda: "recording the failure",
        "terminate": lambda: f"closing the run {body['status']}",
    }[kind]()


class RunWriter:
    def __init__(
        self,
        tracking_uri: str,
        experiment_name: str,
        run_key: str,
        base_dir: Path,
        run_id: str | None = None,
        settle_seconds: float = 20.0,
    ) -> None:
        self.tracking_uri, self.experiment_name = tracking_uri, experiment_name
        self.run_key, self.base_dir, self.run_id = run_key, Path(base_dir), run_id
        self.experiment_id: str | None = None
        self.model_id: str | None = None
        self.versions: dict[str, str] = {}  # registered name -> the version this run keeps
        # After a create whose answer was lost, how long the server may still be working on it.
        self.settle_seconds = settle_seconds
        self._lost_create = False
        self._client = None

    @property
    def client(self):
        if self._client is None:
            from mlflow.tracking import MlflowClient

            self._client = MlflowClient(self.tracking_uri)
        return self._client

    def apply(self, record: dict[str, Any], retrying: bool) -> None:
        ((kind, body),) = record.items()
        if kind != "create_run" and self.run_id is None:
            self._find_run()  # a replay of a run whose creation was never confirmed
        try:
            getattr(self, f"_{kind}")(body, retrying)
        except Exception as error:
            if kind in CREATES and not refused(error):
                self._lost_create = True  # it may have landed, or may land later
            raise

    # ------------------------------------------------------------------------- the run
    def _experiment(self) -> str:
        from mlflow.exceptions import MlflowException

        if self.experiment_id is None:
            found = self.client.get_experiment_by_name(self.experiment_name)
            if found is not None:
                self.experiment_id = found.experiment_id
            else:
                try:
                    self.experiment_id = self.client.create_experiment(self.experiment_name)
                except MlflowException as error:  # created meanwhile by a parallel stage
                    if error.error_code != "RESOURCE_ALREADY_EXISTS":
                        raise
                    self.experiment_id = self.client.get_experiment_by_name(
                        self.experiment_name
                    ).experiment_id
        return self.experiment_id

    def _find_run(self) -> bool:
        found = self.client.search_runs(
            [self._experiment()], f"tags.`{RUN_KEY_TAG}` = '{self.run_key}'"
        )
        if found:
            self.run_id = found[0].info.run_id
        return bool(found)

    def _create_run(self, body: dict[str, Any], retrying: bool) -> None:
        if (retrying or self.run_id) and (self.run_id or self._find_run()):
            return
        run = self.client.create_run(
            self._experiment(),
            start_time=body["start_time"],
            tags={**body["tags"], RUN_KEY_TAG: self.run_key},
            run_name=body["run_name"],
        )
        self.run_id = run.info.run_id
        log.info(
            "tracking: run %s (%s) in experiment %s at %s",
            body["run_name"],
            self.run_id,
            self.experiment_name,
            self.tracking_uri,
        )

    def _params(self, body: dict[str, str], retrying: bool) -> None:
        from mlflow.entities import Param

        if retrying:  # the same value twice is accepted; only send what is missing
            have = self.client.get_run(self.run_id).data.params
            body = {k: v for k, v in body.items() if k not in have}
        if body:
            self.client.log_batch(self.run_id, params=[Param(k, v) for k, v in body.items()])

    def _metrics(self, body: dict[str, Any], retrying: bool) -> None:
        from mlflow.entities import Metric

        step, stamp, values = body["step"], body["timestamp"], body["metrics"]
        if retrying:  # the lost attempt may have landed: (name, step, timestamp) identifies it
            values = {
                name: value
                for name, value in values.items()
                if not any(
                    m.step == step and m.timestamp == stamp
                    for m in self.client.get_metric_history(self.run_id, name)
                )
            }
        if values:
            self.client.log_batch(
                self.run_id,
                metrics=[Metric(name, value, stamp, step) for name, value in values.items()],
            )

    def _artifacts(self, body: list[str], retrying: bool) -> None:
        # Uploading a file again writes the same bytes to the same key.
        for name in body:
            self.client.log_artifact(self.run_id, str(self.base_dir / name))

    # ----------------------------------------------------------------------- the model
    def _log_model(self, body: dict[str, Any], retrying: bool) -> None:
        from mlflow.entities import LoggedModelStatus

        model = self._existing_model() if retrying else None
        if model is not None and str(model.status) == str(LoggedModelStatus.READY):
            self.model_id = model.model_id
            return
        if model is None:
            model = self.client.create_logged_model(
                self._experiment(),
                name="model",
                source_run_id=self.run_id,
                model_type=body["model_type"],
                tags={
                    RUN_KEY_TAG: self.run_key,
                    DIGEST_TAG: body["digest"],
                    "model_name": body["model_name"],
                    "model_type": body["model_type"],
                },
            )
        self.model_id = model.model_id
        folder = self.base_dir / body["dir"]
        write_mlmodel(folder, self.model_id, self.run_id)  # names this logged model
        self.client.log_model_artifacts(self.model_id, str(folder))
        self.client.set_tag(self.run_id, DIGEST_TAG, body["digest"])
        self.client.finalize_logged_model(self.model_id, LoggedModelStatus.READY)

    def _existing_model(self):
        found = self.client.search_logged_models(
            [self._experiment()], filter_string=f"tags.`{RUN_KEY_TAG}` = '{self.run_key}'"
        )
        return found[0] if found else None

    def _register(self, body: dict[str, Any], retrying: bool) -> None:
        from mlflow.exceptions import MlflowException

        name = body["name"]
        if retrying:
            found = self.client.search_model_versions(
                f"name = '{name}' and run_id = '{self.run_id}'"
            )
            if found:
                self.versions[name] = min((v.version for v in found), key=int)
                return
        if self.model_id is None:
            model = self._existing_model()
            if model is None:
                raise RuntimeError(f"no logged model for run {self.run_id} to register")
            self.model_id = model.model_id
        try:
            self.client.create_registered_model(name)
        except MlflowException as error:
            if error.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
        version = self.client.create_model_version(
            name,
            source=f"models:/{self.model_id}",
            run_id=self.run_id,
            model_id=self.model_id,
            tags={DIGEST_TAG: body["digest"], "model_type": body["model_type"]},
            await_creation_for=0,
        )  # MLflow's own registry creates versions READY at once
        self.versions[name] = version.version
        log.info("tracking: registered %s version %s", name, version.version)

    # ------------------------------------------------------------------------ the end
    def _failure(self, body: dict[str, Any], retrying: bool) -> None:
        self.client.set_tag(self.run_id, "error", body["message"])
        self.client.log_text(self.run_id, body["trace"], "error.txt")

    def _reconcile(self) -> None:
        if self._lost_create:  # let a create still running on the server land first
            time.sleep(self.settle_seconds)
            self._lost_create = False
        key = f"tags.`{RUN_KEY_TAG}` = '{self.run_key}'"
        for run in self.client.search_runs([self._experiment()], key):
            if run.info.run_id != self.run_id:
                log.warning("tracking: deleting run %s, a twin of %s", run.info.run_id, self.run_id)
                self.client.delete_run(run.info.run_id)
        if self.model_id is not None:
            for model in self.client.search_logged_models([self._experiment()], filter_string=key):
                if model.model_id != self.model_id:
                    self.client.delete_logged_model(model.model_id)
        for name, kept in self.versions.items():
            for version in self.client.search_model_versions(
                f"name = '{name}' and run_id = '{self.run_id}'"
            ):
                if version.version != kept:
                    log.warning(
                        "tracking: deleting %s version %s, a twin of version %s",
                        name,
                        version.version,
                        kept,
                    )
                    self.client.delete_model_version(name, version.version)

    def _terminate(self, body: dict[str, Any], retrying: bool) -> None:
        self._reconcile()
        if retrying:
            run = self.client.get_run(self.run_id)
            if (
                run.info.status == body["status"]
                and run.data.tags.get("status") == body["status_tag"]
            ):
                return
        self.client.set_tag(self.run_id, "status", body["status_tag"])
        self.client.set_terminated(self.run_id, body["status"], end_time=body["end_time"])
