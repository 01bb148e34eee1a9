"""``loader_module`` of the logged models' ``python_function`` flavor (``mlflow models serve``).

MLflow calls ``_load_pyfunc(<model folder>/data)``. Before anything is rebuilt, the data
folder's digest must equal the one logged at training time, read from the tracking server
(its database), never from the artifact bucket - someone with write access to the bucket can
rewrite every file there, ``MLmodel`` included, but not the registry:

1. Loaded through the registry (``models:/<name>@<alias>`` or ``models:/<name>/<version>``),
   MLflow's client writes ``registered_model_meta`` into the downloaded folder *after* the
   download, from the registry's answer (it overwrites any file of that name from the bucket).
   The expected digest is that model version's ``model_sha256`` tag: exactly what
   ``model_store.load_registered_model`` checks.
2. Otherwise (``models:/<model id>``, ``runs:/``), the logged model named by ``MLmodel``: its
   ``model_sha256`` tag, set when it was created. This proves the files are a model that was
   trained and logged here, unchanged; a bucket writer could still copy another logged model's
   whole folder over this one, which only the registry path (1) rules out.

Then the weights are read from safetensors and the class rebuilt by ``model_store.BUILDERS``.
The tracking server is the one MLflow itself uses (``MLFLOW_TRACKING_URI`` and its credentials).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from movie_genie_trainer.model_store import DIGEST_TAG, ModelIntegrityError, load_verified
from movie_genie_trainer.serving.recommend import DEFAULT_K, BadRequest, Recommender, check_k

REGISTERED_META = "registered_model_meta"  # mlflow.store.artifact.models_artifact_repo


def expected_digest(model_root: Path, client: Any = None) -> tuple[str, str]:
    """(digest logged at training time, what it was read from), from the tracking server."""
    from mlflow.models import Model
    from mlflow.tracking import MlflowClient

    client = client or MlflowClient()
    meta_path = model_root / REGISTERED_META
    meta = yaml.safe_load(meta_path.read_text()) if meta_path.is_file() else None
    if meta and meta.get("model_name") and meta.get("model_version"):
        name, number = meta["model_name"], str(meta["model_version"])
        source = f"registered model {name} version {number}"
        tags = client.get_model_version(name, number).tags
    else:
        model_id = Model.load(str(model_root)).model_id
        if not model_id:
            raise ModelIntegrityError(
                f"{model_root}: neither a registered model version nor a logged model id "
                "names this model; refusing to load an unverifiable model"
            )
        source = f"logged model {model_id}"
        tags = client.get_logged_model(model_id).tags
    digest = tags.get(DIGEST_TAG)
    if not digest:
        raise ModelIntegrityError(
            f"{source}: no {DIGEST_TAG} was logged for it; refusing to load an unverifiable model"
        )
    return digest, source


class RecommenderModel:
    """What ``mlflow.pyfunc.load_model`` returns: ``predict(histories, params={"k": n})``."""

    def __init__(self, recommender: Recommender):
        self.recommender = recommender

    def predict(self, model_input: Any, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """``model_input``: a DataFrame with a ``history`` column, or a list of histories;
        each history is a list of movie ids, oldest first. Returns one row per history."""
        from mlflow.exceptions import MlflowException
        from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE

        try:
            k = check_k((params or {}).get("k", DEFAULT_K))
            answers = self.recommender.recommend(histories_of(model_input), k)
        except BadRequest as error:  # the scoring server answers 400, not 500
            raise MlflowException(str(error), error_code=INVALID_PARAMETER_VALUE) from None
        return pd.DataFrame(
            {"movie_ids": [ids for ids, _ in answers], "scores": [s for _, s in answers]}
        )


def histories_of(model_input: Any) -> list[list[Any]]:
    if isinstance(model_input, pd.DataFrame):
        if "history" not in model_input.columns:
            raise BadRequest("the input needs a 'history' column (lists of movie ids)")
        rows = model_input["history"].tolist()
    elif isinstance(model_input, dict) and "history" in model_input:
        rows = list(model_input["history"])
    else:
        rows = list(model_input)
    return [list(row) if row is not None else [] for row in rows]


def _load_pyfunc(data_path: str) -> RecommenderModel:
    data = Path(data_path)
    digest, source = expected_digest(data.parent)
    try:
        model, description = load_verified(data, digest)
    except ModelIntegrityError as error:
        raise ModelIntegrityError(f"{source}: {error}") from None
    return RecommenderModel(Recommender(model, description.get("item_ids")))
