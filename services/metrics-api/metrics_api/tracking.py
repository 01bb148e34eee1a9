"""The one place that talks to MLflow: a thin wrapper over ``MlflowClient``.

MLflow errors are translated here: "does not exist" becomes a 404, everything else (connection
refused, timeouts, server errors) a 503 that names the tracking server. Filter strings passed to
MLflow are built from constants, numbers and configured names only, never from request input.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit, urlunsplit

import requests
from mlflow.entities import Experiment, Run, ViewType
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from .errors import NotFound, TrackingUnavailable

NOT_FOUND_CODES = {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}
# Small pages: at ~2.5 ms per run a page stays well inside the HTTP timeout, even under load.
SEARCH_PAGE = 200
ACTIVE_FILTER = "tags.status = 'active'"


def public_uri(uri: str) -> str:
    """The URI without credentials, fit for logs and responses."""
    parts = urlsplit(uri)
    if not parts.password and not parts.username:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class Tracking:
    def __init__(self, tracking_uri: str) -> None:
        self.uri = tracking_uri
        self.client = MlflowClient(tracking_uri=tracking_uri)

    @contextlib.contextmanager
    def _translated(self, missing: str | None = None):
        try:
            yield
        except MlflowException as error:
            if missing and error.error_code in NOT_FOUND_CODES:
                raise NotFound(missing) from None
            raise TrackingUnavailable(
                f"MLflow tracking server at {public_uri(self.uri)} is unavailable "
                f"({_short(error)})") from None
        except OSError as error:
            raise TrackingUnavailable(
                f"MLflow tracking server at {public_uri(self.uri)} is unreachable "
                f"({type(error).__name__})") from None

    def reachable(self) -> bool:
        """Quick (2 s at most): the container healthcheck waits on it."""
        if self.uri.startswith(("http://", "https://")):
            try:
                return requests.get(f"{self.uri.rstrip('/')}/health", timeout=2).ok
            except requests.RequestException:
                return False
        try:
            with self._translated():
                self.client.search_experiments(max_results=1)
            return True
        except TrackingUnavailable:
            return False

    def experiments(self) -> list[Experiment]:
        with self._translated():
            return list(self.client.search_experiments(view_type=ViewType.ACTIVE_ONLY))

    def experiment_id(self, name: str) -> str | None:
        with self._translated():
            experiment = self.client.get_experiment_by_name(name)
        if experiment is None or experiment.lifecycle_stage != "active":
            return None
        return experiment.experiment_id

    def run(self, run_id: str) -> Run:
        with self._translated(missing=f"run {run_id} not found"):
            run = self.client.get_run(run_id)
        if run.info.lifecycle_stage != "active":
            raise NotFound(f"run {run_id} not found")
        return run

    def search(self, experiment_ids: list[str], filter_string: str = "") -> list[Run]:
        """Every matching active run, newest first, fetched in pages."""
        runs, token = [], None
        with self._translated():
            while True:
                page = self.client.search_runs(
                    experiment_ids, filter_string=filter_string, run_view_type=ViewType.ACTIVE_ONLY,
                    max_results=SEARCH_PAGE, order_by=["attributes.start_time DESC"],
                    page_token=token)
                runs.extend(page)
                token = page.token
                if not token:
                    return runs

    def metric_history(self, run_id: str, metric: str) -> list:
        with self._translated(missing=f"run {run_id} not found"):
            return self.client.get_metric_history(run_id, metric)

    def set_tag(self, run_id: str, key: str, value: str) -> None:
        with self._translated(missing=f"run {run_id} not found"):
            self.client.set_tag(run_id, key, value)

    def model_version_for_run(self, registered_model: str, run_id: str) -> str | None:
        """The version of ``registered_model`` built from ``run_id``, or None."""
        try:
            with self._translated(missing="no registered model"):
                self.client.get_registered_model(registered_model)
        except NotFound:
            return None
        with self._translated():
            # The name is ours (prefix + a model_name checked against a safe pattern).
            versions = self.client.search_model_versions(f"name = '{registered_model}'")
        matches = [v.version for v in versions if v.run_id == run_id]
        return max(matches, key=int) if matches else None

    def set_alias(self, registered_model: str, alias: str, version: str) -> None:
        with self._translated():
            self.client.set_registered_model_alias(registered_model, alias, version)


def _short(error: MlflowException) -> str:
    text = str(getattr(error, "message", error))
    if text.startswith("API request to"):  # connection refused, timeout, retries exhausted
        return "no answer" if "timeout" not in text else "timed out"
    first = text.splitlines()[0] if text else type(error).__name__
    return first[:200]
