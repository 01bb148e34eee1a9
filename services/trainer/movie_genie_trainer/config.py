"""Typed configs for data preparation and every model.

Each YAML file is nested by section (``source:``, ``model:``, ``training:``, ...) so that the
flattened MLflow params read ``model.embedding_dim``, ``training.learning_rate``. Every section
forbids unknown keys: a typo is an error that names the key and the file, never a silent default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from omegaconf import OmegaConf
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the offending key."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------- data
class SourceConfig(Section):
    # recbole: ml-100k shipped in the recbole wheel; local: a GroupLens folder or zip at `path`;
    # url: a GroupLens zip downloaded once into `cache_dir` and checked against `sha256`.
    kind: Literal["recbole", "local", "url"] = "recbole"
    path: str | None = None
    url: str | None = None
    sha256: str | None = None
    cache_dir: str = "data/raw"

    @model_validator(mode="after")
    def _needs_location(self) -> SourceConfig:
        if self.kind == "local" and not self.path:
            raise ValueError("source.path is required when source.kind is 'local'")
        if self.kind == "url" and not (self.url and self.sha256):
            raise ValueError("source.url and source.sha256 are required when source.kind is 'url'")
        return self


class PreprocessingConfig(Section):
    min_rating: float | None = None  # keep ratings >= this; None keeps every rating (implicit)
    min_user_interactions: int = Field(3, ge=3)  # leave-one-out needs train + val + test
    max_users: int | None = Field(None, ge=1)  # keep the first N users by id (smoke subsets)


class DataConfig(Section):
    name: str = "ml-100k"  # dataset label: logged as the `dataset` tag
    source: SourceConfig = SourceConfig()
    preprocessing: PreprocessingConfig = PreprocessingConfig()


# ------------------------------------------------------------------- shared training
class TrainingConfig(Section):
    seed: int = 42
    epochs: int = Field(50, ge=1)
    batch_size: int = Field(128, ge=1)
    learning_rate: float = Field(1e-3, gt=0)
    weight_decay: float = Field(0.0, ge=0)
    warmup_epochs: int = Field(1, ge=0)  # linear warm-up, then cosine decay to min_lr_ratio
    min_lr_ratio: float = Field(0.05, ge=0, le=1)
    early_stopping_patience: int = Field(10, ge=1)  # evaluations without a better val NDCG@10


class EvaluationConfig(Section):
    ks: list[int] = [10, 50, 100]
    batch_size: int = Field(256, ge=1)


# --------------------------------------------------------------------------- models
class TwoTowerModelConfig(Section):
    embedding_dim: int = Field(64, ge=1)
    max_history: int = Field(50, ge=1)  # most recent items the user tower attends over
    num_layers: int = Field(0, ge=0)  # self-attention blocks before the attention pooling
    num_heads: int = Field(2, ge=1)
    dropout: float = Field(0.2, ge=0, lt=1)
    use_user_id: bool = False  # add a user-id embedding to the pooled history
    use_genres: bool = True  # item tower: id embedding + mean genre embedding
    # full_softmax: every catalogue item is a negative; in_batch: the batch's targets are the
    # negatives, with a log-popularity correction (logQ) for their sampling frequency.
    loss: Literal["full_softmax", "in_batch"] = "full_softmax"


class TwoTowerConfig(Section):
    model: TwoTowerModelConfig = TwoTowerModelConfig()
    training: TrainingConfig = TrainingConfig()
    evaluation: EvaluationConfig = EvaluationConfig()


class Bert4RecModelConfig(Section):
    hidden_size: int = Field(64, ge=1)
    num_layers: int = Field(2, ge=1)
    num_heads: int = Field(2, ge=1)
    max_length: int = Field(100, ge=2)
    dropout: float = Field(0.2, ge=0, lt=1)
    mask_ratio: float = Field(0.35, gt=0, lt=1)
    # share of training sequences whose only mask is the last item, the test-time setting
    last_item_mask_ratio: float = Field(0.1, ge=0, le=1)
    # "only": those sequences mask nothing else; "also": the last item is masked on top of the
    # random masks, so the test-time task is trained without losing the other targets
    last_item_rule: Literal["only", "also"] = "only"
    # training windows tile each history from its end: one more every `window_stride` items
    window_stride: int = Field(50, ge=1)
    # share of each target's probability spread evenly over the catalogue (0: plain softmax)
    label_smoothing: float = Field(0.0, ge=0, lt=1)


class Bert4RecConfig(Section):
    model: Bert4RecModelConfig = Bert4RecModelConfig()
    training: TrainingConfig = TrainingConfig()
    evaluation: EvaluationConfig = EvaluationConfig()


class PopularityModelConfig(Section):
    smoothing: float = Field(1.0, gt=0)  # add-k counts, so val_loss stays finite


class PopularityConfig(Section):
    model: PopularityModelConfig = PopularityModelConfig()
    evaluation: EvaluationConfig = EvaluationConfig()


class EaseModelConfig(Section):
    # L2 penalties tried; the one with the best validation NDCG@10 is kept.
    l2_grid: list[float] = Field([50.0, 100.0, 200.0, 400.0, 800.0], min_length=1)
    # the dense N×N inverse is refused past this many items (float64: 8·N² bytes)
    max_items: int = Field(20000, ge=1)

    @model_validator(mode="after")
    def _positive(self) -> EaseModelConfig:
        if any(l2 <= 0 for l2 in self.l2_grid):
            raise ValueError("model.l2_grid values must be > 0")
        return self


class EaseConfig(Section):
    model: EaseModelConfig = EaseModelConfig()
    evaluation: EvaluationConfig = EvaluationConfig()


C = TypeVar("C", bound=BaseModel)


def _describe(error: dict[str, Any]) -> str:
    key = ".".join(str(part) for part in error["loc"]) or "<top level>"
    if error["type"] == "extra_forbidden":
        return f"unknown key '{key}'"
    return f"key '{key}': {error['msg']}"


def parse_config(raw: Any, cls: type[C], origin: str) -> C:
    """Validate an already-loaded mapping; errors name each bad key and ``origin``."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        kind = type(raw).__name__
        raise ConfigError(f"{origin}: expected a mapping at the top level, got {kind}")
    try:
        return cls.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise ConfigError(f"{origin}: {problems}") from None


def load_config(path: str | Path, cls: type[C]) -> C:
    """Read a YAML config file into ``cls``."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    return parse_config(raw, cls, str(path))


def merge_configs(*layers: str | Path | dict[str, Any]) -> dict[str, Any]:
    """Layer configs key by key, later layers winning (OmegaConf.merge; lists are replaced):
    a YAML file, a file of only the keys it changes (configs/demo), or a mapping such as
    ``{"training": {"seed": 3}}``. The result is plain data for ``parse_config``."""
    loaded = [
        OmegaConf.load(layer) if isinstance(layer, str | Path) else OmegaConf.create(layer)
        for layer in layers
    ]
    return OmegaConf.to_container(OmegaConf.merge(*loaded), resolve=True)


def dump_config(config: BaseModel, path: str | Path) -> None:
    Path(path).write_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False))
