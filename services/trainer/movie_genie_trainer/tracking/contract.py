"""The logging contract of SYSTEM.md as data: run names, tags, flattened params, metric names."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

MODEL_TYPES = {
    "two-tower": "retrieval",
    "bert4rec": "ranking",
    "popularity": "baseline",
    "ease": "baseline",
}
FINAL_METRICS = tuple(
    f"{name}_at_{k}" for name in ("recall", "ndcg", "coverage") for k in (10, 50, 100)
)
DATASET_METRICS = ("num_users", "num_movies", "num_interactions")
# MLflow caps a param value at 6000 characters; longer values are cut rather than rejected.
MAX_PARAM_LENGTH = 6000


def model_type(model_name: str) -> str:
    try:
        return MODEL_TYPES[model_name]
    except KeyError:
        raise ValueError(
            f"unknown model_name {model_name!r}; expected one of {sorted(MODEL_TYPES)}"
        ) from None


def run_name(model_name: str, now: float | None = None) -> str:
    """``<model_name>-<YYYYmmdd-HHMMSS>`` in local time."""
    return f"{model_name}-{time.strftime('%Y%m%d-%H%M%S', time.localtime(now))}"


def flatten_params(config: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"model": {"embedding_dim": 64}}`` -> ``{"model.embedding_dim": "64"}``.

    Lists stay whole (``evaluation.ks`` -> ``"[10, 50, 100]"``)."""
    flat: dict[str, str] = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten_params(value, f"{name}."))
        else:
            flat[name] = str(value)[:MAX_PARAM_LENGTH]
    return flat


def metric_name(name: str) -> str:
    """Metric names never contain ``@`` (``recall@10`` -> ``recall_at_10``)."""
    return name.replace("@", "_at_")


def numeric_metrics(metrics: Mapping[str, Any]) -> dict[str, float]:
    """The numbers among ``metrics`` (NaN included: a diverged loss is worth seeing), renamed."""
    out: dict[str, float] = {}
    for key, value in metrics.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        out[metric_name(key)] = float(value)
    return out
