"""A run's model, loaded once and kept in a bounded LRU cache (count and bytes reported).

The run's logged model is found on the tracking server (``source_run_id``), its ``data/``
folder downloaded and checked against the ``model_sha256`` digest recorded in the tracking
server's database at training time (the logged model's tag, which must equal the run's), then
rebuilt from safetensors - the same data-only load as ``mlflow models serve``.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from movie_genie_trainer.model_store import DATA_DIR, DIGEST_TAG, load_verified
from movie_genie_trainer.serving.recommend import Recommender

log = logging.getLogger("recommender_service")


class NoModel(LookupError):
    """The run is unknown or logged no model (a 404)."""


@dataclass
class Entry:
    recommender: Recommender
    model_name: str
    bytes: int


def model_bytes(model) -> int:
    tensors = list(model.parameters()) + list(model.buffers())
    return sum(t.numel() * t.element_size() for t in tensors)


class ModelCache:
    def __init__(self, client, max_models: int, tracking_uri: str):
        self.client, self.max_models = client, max(1, max_models)
        self.tracking_uri = tracking_uri
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.RLock()  # describe() is also called while holding it
        self._loading: dict[str, threading.Lock] = {}

    def get(self, run_id: str) -> Entry:
        with self._lock:
            if run_id in self._entries:
                self._entries.move_to_end(run_id)
                return self._entries[run_id]
            loading = self._loading.setdefault(run_id, threading.Lock())
        with loading:  # one load per run, however many requests wait for it
            with self._lock:
                if run_id in self._entries:
                    return self._entries[run_id]
            entry = self._load(run_id)
            with self._lock:
                self._entries[run_id] = entry
                while len(self._entries) > self.max_models:
                    evicted, _ = self._entries.popitem(last=False)
                    log.info("model cache: evicted run %s", evicted)
                self._loading.pop(run_id, None)
                log.info("model cache: %s", self.describe())
            return entry

    def describe(self) -> dict:
        with self._lock:
            return {
                "models": len(self._entries),
                "max_models": self.max_models,
                "bytes": sum(e.bytes for e in self._entries.values()),
                "runs": list(self._entries),
            }

    def _load(self, run_id: str) -> Entry:
        from mlflow.artifacts import download_artifacts
        from mlflow.exceptions import MlflowException

        try:
            run = self.client.get_run(run_id)
        except MlflowException as error:
            # With MLflow's auth on, a missing run is PERMISSION_DENIED (no oracle of ids).
            if error.error_code in (
                "RESOURCE_DOES_NOT_EXIST",
                "INVALID_PARAMETER_VALUE",
                "PERMISSION_DENIED",
            ):
                raise NoModel(f"unknown run {run_id} (or not readable by this service)") from None
            raise
        models = [
            m
            for m in self.client.search_logged_models(
                [run.info.experiment_id], filter_string=f"source_run_id = '{run_id}'"
            )
            if str(m.status).endswith("READY") and m.tags.get(DIGEST_TAG)
        ]
        if not models:
            raise NoModel(f"run {run_id} logged no model to recommend with")
        model = models[0]
        digest = model.tags[DIGEST_TAG]
        if run.data.tags.get(DIGEST_TAG) not in (None, digest):
            raise NoModel(f"run {run_id}: its model digest and its logged model's disagree")
        with tempfile.TemporaryDirectory(prefix="recommender-model-") as tmp:
            local = download_artifacts(
                artifact_uri=f"{model.artifact_location.rstrip('/')}/{DATA_DIR}",
                dst_path=tmp,
                tracking_uri=self.tracking_uri,
            )
            loaded, description = load_verified(Path(local), digest)
        try:
            recommender = Recommender(loaded, description.get("item_ids"))
        except (AttributeError, ValueError) as error:  # not a recommender (e.g. a test model)
            raise NoModel(f"run {run_id}'s model cannot recommend: {error}") from None
        return Entry(
            recommender,
            description.get("model_name", ""),
            model_bytes(loaded),
        )
