"""The seam between training and experiment tracking.

The training loop knows nothing about MLflow: it calls these hooks, and the tracking module
(``movie_genie_trainer.tracking``) implements them. Metric names follow SYSTEM.md's logging
contract (``train_loss``, ``val_loss``, ``learning_rate``, ``recall_at_10``, ``ndcg_at_10``, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class TrainingCallback(Protocol):
    def on_train_start(
        self,
        *,
        model_name: str,
        config: dict[str, Any],
        dataset_stats: dict[str, float],
        total_parameters: int,
    ) -> None: ...

    def on_epoch_end(self, epoch: int, metrics: dict[str, float]) -> None: ...

    # item_ids: the MovieLens movie id of each item index, so the logged model answers in ids.
    def on_train_end(
        self,
        *,
        final_metrics: dict[str, float],
        output_dir: Path,
        model: Any,
        example_input: Any,
        item_ids: Any = None,
    ) -> None: ...

    def on_train_failed(self, error: BaseException) -> None: ...
