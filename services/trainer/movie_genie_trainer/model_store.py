"""A trained model as data only: ``weights.safetensors`` plus ``model.json``, checked on load.

Nothing here unpickles: the weights are safetensors (tensors, no code), the description is
JSON, and the class that rebuilds the model comes from this package (``BUILDERS``), at the
version recorded in ``model.json``. The two files sit in the logged model's ``data/`` folder
(beside the ``MLmodel`` that lets MLflow serve it, ``movie_genie_trainer.serving``). The SHA-256
digest of that data folder is logged at training time on the tracking server (the run's and the
model version's ``model_sha256`` tag, which live in its database, not in the artifact bucket),
and ``load_registered_model`` refuses files that do not match it: a model swapped in the bucket
behind MLflow's back is never loaded.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

WEIGHTS_FILE = "weights.safetensors"
DESCRIPTION_FILE = "model.json"
DATA_DIR = "data"  # the digested files, inside the logged model's artifacts
DIGEST_TAG = "model_sha256"
FORMAT = "movie-genie-safetensors/1"


class ModelIntegrityError(RuntimeError):
    """The model files differ from what was logged at training time, or cannot be rebuilt."""


def trainer_version() -> str:
    try:
        return metadata.version("movie-genie-trainer")
    except metadata.PackageNotFoundError:
        return "unknown"


def class_path(model: torch.nn.Module) -> str:
    return f"{type(model).__module__}.{type(model).__qualname__}"


def folder_digest(folder: Path) -> str:
    """``sha256:<hex>`` over every file's relative name and bytes, in name order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        file_hash = hashlib.sha256(path.read_bytes()).hexdigest()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{file_hash}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def save_model(
    model: torch.nn.Module,
    model_name: str,
    config: dict[str, Any],
    folder: Path,
    item_ids: Any = None,
) -> str:
    """Write the model's two files into ``folder/data``; return their digest. ``item_ids``
    (the movie id of each item index, 0 for padding) lets a served model answer in movie ids;
    without it the ids are the model's own indices."""
    folder = Path(folder) / DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(folder / WEIGHTS_FILE), metadata={"format": FORMAT})
    description = {
        "format": FORMAT,
        "model_name": model_name,
        "class": class_path(model),
        "trainer_version": trainer_version(),
        "config": config,
    }
    if item_ids is not None:
        description["item_ids"] = [int(i) for i in item_ids]
    (folder / DESCRIPTION_FILE).write_text(json.dumps(description, indent=2, sort_keys=True))
    return folder_digest(folder)


# ------------------------------------------------------------------------------- rebuilding
Builder = Callable[[dict[str, Any], dict[str, torch.Tensor]], torch.nn.Module]
BUILDERS: dict[str, Builder] = {}


def builder(path: str) -> Callable[[Builder], Builder]:
    """Register how to rebuild the class at ``path`` from its config and weights (sizes come
    from the weights' shapes). A new model adds one of these."""

    def register(function: Builder) -> Builder:
        BUILDERS[path] = function
        return function

    return register


@builder("movie_genie_trainer.models.two_tower.TwoTower")
def _two_tower(config: dict[str, Any], state: dict[str, torch.Tensor]) -> torch.nn.Module:
    from movie_genie_trainer.config import TwoTowerModelConfig
    from movie_genie_trainer.models.two_tower import TwoTower

    num_items = state["item_embedding.weight"].shape[0] - 1
    users = state.get("user_embedding.weight")
    return TwoTower(
        TwoTowerModelConfig(**config["model"]),
        users.shape[0] if users is not None else 1,
        num_items,
        state["item_genres"],
        torch.zeros(num_items + 1),
    )


@builder("movie_genie_trainer.models.bert4rec.BERT4Rec")
def _bert4rec(config: dict[str, Any], state: dict[str, torch.Tensor]) -> torch.nn.Module:
    from movie_genie_trainer.config import Bert4RecModelConfig
    from movie_genie_trainer.models.bert4rec import BERT4Rec

    return BERT4Rec(Bert4RecModelConfig(**config["model"]), state["output_bias"].shape[0] - 1)


@builder("movie_genie_trainer.models.popularity.Popularity")
def _popularity(config: dict[str, Any], state: dict[str, torch.Tensor]) -> torch.nn.Module:
    from movie_genie_trainer.models.popularity import Popularity

    return Popularity(state["counts"], config["model"].get("smoothing", 1.0))


@builder("movie_genie_trainer.models.ease.EASE")
def _ease(config: dict[str, Any], state: dict[str, torch.Tensor]) -> torch.nn.Module:
    from movie_genie_trainer.models.ease import EASE

    # EASE reads the whole history; no user has seen more distinct items than the catalogue.
    return EASE(state["weights"], state["weights"].shape[0] - 1)


def load_model(folder: Path, expected_digest: str) -> torch.nn.Module:
    """Rebuild the model whose data is in ``folder`` after checking its digest; eval, CPU."""
    return load_verified(folder, expected_digest)[0]


def load_verified(folder: Path, expected_digest: str) -> tuple[torch.nn.Module, dict[str, Any]]:
    """``load_model`` plus the checked description (``model.json``)."""
    folder = Path(folder)
    actual = folder_digest(folder)
    if actual != expected_digest:
        raise ModelIntegrityError(
            f"model files in {folder} do not match the digest logged at training time "
            f"(expected {expected_digest}, found {actual}): they were changed after training; "
            "refusing to load them"
        )
    description = json.loads((folder / DESCRIPTION_FILE).read_text())
    build = BUILDERS.get(description.get("class", ""))
    if build is None:
        raise ModelIntegrityError(
            f"no builder for model class {description.get('class')!r} "
            f"(known: {', '.join(sorted(BUILDERS))})"
        )
    state = load_file(str(folder / WEIGHTS_FILE))
    model = build(description["config"], state)
    model.load_state_dict(state)
    return model.eval(), description


def load_registered_model(model_uri: str, tracking_uri: str | None = None) -> torch.nn.Module:
    """Load ``models:/<name>/<version>`` or ``models:/<name>@<alias>``, checking the digest
    recorded on the model version (set from the run's tag at registration)."""
    from mlflow.artifacts import download_artifacts
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri)
    name, _, ref = model_uri.removeprefix("models:/").partition("/")
    if "@" in name:
        name, alias = name.split("@", 1)
        version = client.get_model_version_by_alias(name, alias)
    else:
        version = client.get_model_version(name, ref)
    expected = version.tags.get(DIGEST_TAG)
    if not expected:
        raise ModelIntegrityError(
            f"{model_uri}: no {DIGEST_TAG} was logged for this model version; refusing to load "
            "an unverifiable model"
        )
    # The REST answer may leave model_id empty; the source names the logged model too.
    model_id = version.model_id or version.source.removeprefix("models:/")
    location = client.get_logged_model(model_id).artifact_location
    with tempfile.TemporaryDirectory(prefix="movie-genie-model-") as tmp:
        local = download_artifacts(artifact_uri=location, dst_path=tmp, tracking_uri=tracking_uri)
        try:
            return load_model(Path(local) / DATA_DIR, expected)
        except ModelIntegrityError as error:
            raise ModelIntegrityError(f"{model_uri} (version {version.version}): {error}") from None
