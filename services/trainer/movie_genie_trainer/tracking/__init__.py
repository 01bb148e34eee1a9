"""MLflow tracking for training runs (implements ``callbacks.TrainingCallback``).

Placeholder until the tracking module lands: no callbacks, so training runs untracked.
"""

from __future__ import annotations

from typing import Any

from movie_genie_trainer.callbacks import TrainingCallback


def callbacks_for(model_name: str, config: dict[str, Any]) -> list[TrainingCallback]:
    """The callbacks a training entrypoint should pass to the training loop."""
    return []
