"""The one place that talks to MLflow: a thin wrapper over ``MlflowClient``.

MLflow errors are translated here, by MLflow's own error code: "does not exist" is a 404, a bad
parameter a 400, a conflict (already exists, invalid state) a 409; no answer (refused, timed out)
or "temporarily unavailable" a 503 with ``Retry-After``; anything else MLflow says (a server
error, a refusal) a 502 that names the tracking server. Filter strings passed to MLflow are built
from constants, numbers and configured names only, never from request input.
"""

from __future__ import annotations

import contextlib
import copy
import functools
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import requests

from .errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    TrackingFailed,
    TrackingUnavailable,
    Unauthorized,
)

NOT_FOUND_CODES = {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}
BAD_INPUT_CODES = {"INVALID_PARAMETER_VALUE", "BAD_REQUEST", "MALFORMED_REQUEST"}
CONFLICT_CODES = {"RESOURCE_ALREADY_EXISTS", "RESOURCE_CONFLICT", "INVALID_STATE", "ABORTED"}
RETRY_CODES = {"TEMPORARILY_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED", "RESOURCE_EXHAUSTED"}
# Small pages: at ~2.5 ms per run a page stays well inside the HTTP timeout, even under load.
SEARCH_PAGE = 200
ACTIVE_FILTER = "tags.status = 'active'"

if TYPE_CHECKING:
    from mlflow.entities import Experiment, Run
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient
    from mlflow.utils.rest_utils import MlflowHostCreds


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
        self.acting_as: str | None = None  # None: the API's own account (from the environment)
        self._writer = _ClientWriter(self)

    @functools.cached_property
    def client(self) -> MlflowClient:
        """MLflow's client, imported on first use: importing MLflow takes seconds of CPU (pandas,
        its GenAI modules...), and a worker that loads its runs from the store (store_reader.py)
        serves its first list without it. ``RunCache.warm`` imports it right after that load."""
        from mlflow.tracking import MlflowClient

        return MlflowClient(tracking_uri=self.uri)

    def prepare(self) -> None:
        """Import MLflow's client now (in the background), not in the first request needing it."""
        self.client  # noqa: B018

    def as_user(self, username: str, password: str) -> Tracking:
        """The same reads; writes made with ``username``'s credentials, so that MLflow checks
        that person's password (401) and permissions (403)."""
        if not self.uri.startswith(("http://", "https://")):
            raise Forbidden("promotion as a person needs an MLflow tracking server (http)")
        other = copy.copy(self)
        other.acting_as = username
        from mlflow.utils.rest_utils import MlflowHostCreds

        other._writer = _PersonWriter(
            MlflowHostCreds(self.uri, username=username, password=password)
        )
        return other

    @contextlib.contextmanager
    def _translated(self, missing: str | None = None):
        try:
            yield
        except OSError as error:
            raise TrackingUnavailable(
                f"MLflow tracking server at {public_uri(self.uri)} is unreachable "
                f"({type(error).__name__})"
            ) from None
        except Exception as error:
            from mlflow.exceptions import MlflowException  # imported already: raised by MLflow

            if isinstance(error, MlflowException):
                raise self.translate(error, missing) from None
            raise

    def translate(self, error: MlflowException, missing: str | None = None) -> ApiError:
        code, where = error.error_code, public_uri(self.uri)
        if code in NOT_FOUND_CODES:
            return NotFound(missing or f"not found in MLflow: {_short(error)}")
        who = f"MLflow user {self.acting_as!r}" if self.acting_as else "the metrics API's account"
        if code == "UNAUTHENTICATED":
            return Unauthorized(f"MLflow refused the credentials of {who}")
        if code == "PERMISSION_DENIED":
            if missing and self.acting_as is None:
                # MLflow's auth answers 403, not 404, for a run that does not exist (no oracle of
                # run ids); the API's account reads every experiment, so for it that means absent.
                return NotFound(missing)
            return Forbidden(
                f"{who} may not do this on MLflow (promotion needs the editor role or above)"
            )
        if code in BAD_INPUT_CODES:
            return BadRequest(f"MLflow refused the request: {_short(error)}")
        if code in CONFLICT_CODES:
            return Conflict(f"MLflow reports a conflict: {_short(error)}")
        if code in RETRY_CODES or _no_answer(error):
            return TrackingUnavailable(
                f"MLflow tracking server at {where} is unavailable ({_short(error)})"
            )
        return TrackingFailed(f"MLflow tracking server at {where} failed ({_short(error)})")

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
            from mlflow.entities import ViewType

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
        from mlflow.entities import ViewType

        runs, token = [], None
        with self._translated():
            while True:
                page = self.client.search_runs(
                    experiment_ids,
                    filter_string=filter_string,
                    run_view_type=ViewType.ACTIVE_ONLY,
                    max_results=SEARCH_PAGE,
                    order_by=["attributes.start_time DESC"],
                    page_token=token,
                )
                runs.extend(page)
                token = page.token
                if not token:
                    return runs

    def metric_history(self, run_id: str, metric: str) -> list:
        with self._translated(missing=f"run {run_id} not found"):
            return self.client.get_metric_history(run_id, metric)

    def set_tag(self, run_id: str, key: str, value: str) -> None:
        with self._translated(missing=f"run {run_id} not found"):
            self._writer.set_tag(run_id, key, value)

    def set_version_tag(self, registered_model: str, version: str, key: str, value: str) -> None:
        with self._translated():
            self._writer.set_version_tag(registered_model, version, key, value)

    def set_model_tag(self, registered_model: str, key: str, value: str) -> None:
        with self._translated(missing=f"registered model {registered_model!r} not found"):
            self._writer.set_model_tag(registered_model, key, value)

    def model_tags(self, registered_model: str) -> dict[str, str]:
        """The registered model's tags; a 404 when there is no such model."""
        with self._translated(missing=f"registered model {registered_model!r} not found"):
            return dict(self.client.get_registered_model(registered_model).tags or {})

    def model_version_for_run(self, registered_model: str, run_id: str) -> str | None:
        """The newest version of ``registered_model`` built from ``run_id``, or None."""
        with self._translated():
            # Both values are checked: a configured prefix + a model_name matching NAME_PATTERN,
            # and a run id of 32 hex digits.
            versions = self.client.search_model_versions(
                f"name = '{registered_model}' AND run_id = '{run_id}'"
            )
        matches = [v.version for v in versions if v.run_id == run_id]
        return max(matches, key=int) if matches else None

    def set_alias(self, registered_model: str, alias: str, version: str) -> None:
        with self._translated():
            self._writer.set_alias(registered_model, alias, version)

    def alias_run(self, registered_model: str, alias: str) -> tuple[str, str] | None:
        """``(version, run_id)`` that ``alias`` points at, or None (no model, no alias)."""
        try:
            with self._translated(missing="no alias"):
                version = self.client.get_model_version_by_alias(registered_model, alias)
        except (NotFound, BadRequest):  # MLflow says INVALID_PARAMETER_VALUE for a missing alias
            return None
        return version.version, version.run_id

    def aliased_runs(self, prefix: str, alias: str) -> dict[str, str]:
        """``{registered model: run id}`` for every model named ``prefix...`` that has ``alias``."""
        found, token = {}, None
        with self._translated():
            while True:
                # The prefix is configuration (checked in config.py); LIKE's wildcards in it only
                # widen the search, and startswith() below narrows it again.
                page = self.client.search_registered_models(
                    filter_string=f"name LIKE '{prefix}%'", max_results=100, page_token=token
                )
                for model in page:
                    version = (model.aliases or {}).get(alias)
                    if model.name.startswith(prefix) and version is not None:
                        found[model.name] = self.client.get_model_version(
                            model.name, version
                        ).run_id
                token = page.token
                if not token:
                    return found


class _ClientWriter:
    """Writes as the API's own account: MLflow's client reads MLFLOW_TRACKING_USERNAME/PASSWORD."""

    def __init__(self, tracking: Tracking) -> None:
        self.tracking = tracking

    def set_tag(self, run_id: str, key: str, value: str) -> None:
        self.tracking.client.set_tag(run_id, key, value)

    def set_alias(self, name: str, alias: str, version: str) -> None:
        self.tracking.client.set_registered_model_alias(name, alias, version)

    def set_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        self.tracking.client.set_model_version_tag(name, version, key, value)

    def set_model_tag(self, name: str, key: str, value: str) -> None:
        self.tracking.client.set_registered_model_tag(name, key, value)


class _PersonWriter:
    """Writes with one person's credentials, through MLflow's own REST stores."""

    def __init__(self, creds: MlflowHostCreds) -> None:
        from mlflow.store.model_registry.rest_store import RestStore as RegistryRestStore
        from mlflow.store.tracking.rest_store import RestStore as TrackingRestStore

        self.runs = TrackingRestStore(lambda: creds)
        self.registry = RegistryRestStore(lambda: creds)

    def set_tag(self, run_id: str, key: str, value: str) -> None:
        from mlflow.entities import RunTag

        self.runs.set_tag(run_id, RunTag(key, value))

    def set_alias(self, name: str, alias: str, version: str) -> None:
        self.registry.set_registered_model_alias(name, alias, version)

    def set_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        from mlflow.entities.model_registry import ModelVersionTag

        self.registry.set_model_version_tag(name, version, ModelVersionTag(key, value))

    def set_model_tag(self, name: str, key: str, value: str) -> None:
        from mlflow.entities.model_registry import RegisteredModelTag

        self.registry.set_registered_model_tag(name, RegisteredModelTag(key, value))


def _no_answer(error: MlflowException) -> bool:
    """MLflow's REST client wraps connection errors and timeouts in a plain message."""
    return str(getattr(error, "message", error)).startswith(
        "API request to"
    ) and "failed with exception" in str(getattr(error, "message", error))


def _short(error: MlflowException) -> str:
    text = str(getattr(error, "message", error))
    if _no_answer(error):  # connection refused, timeout, retries exhausted
        return "timed out" if "timeout" in text.lower() or "timed out" in text else "no answer"
    first = text.splitlines()[0] if text else type(error).__name__
    return first[:200]
