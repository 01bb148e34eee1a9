"""What ``mlflow.pytorch.log_model`` needs besides the model: example, signature, requirements.

Requirements are given rather than inferred: MLflow's inference imports the model in a
subprocess, which costs seconds per run and can pick up the whole venv.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

import movie_genie_trainer


def _to_numpy(value: Any) -> Any:
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, dict):
        return {key: _to_numpy(item) for key, item in value.items()}
    return np.asarray(value)


def model_signature(model: Any, example_input: Any) -> tuple[Any, Any]:
    """The example as MLflow takes it (numpy) and a signature inferred from one forward pass."""
    import torch
    from mlflow.models import infer_signature

    if example_input is None:
        return None, None
    example = _to_numpy(example_input)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            if isinstance(example_input, dict):
                output = model(**example_input)
            elif isinstance(example_input, tuple | list):
                output = model(*example_input)
                example = _to_numpy(example_input[0]) if len(example_input) == 1 else example
            elif isinstance(example_input, np.ndarray):
                output = model(torch.from_numpy(example_input))
            else:
                output = model(example_input)
    finally:
        model.train(was_training)
    if isinstance(output, tuple | list):  # forward(x, targets=None) -> (logits, loss)
        output = output[0]
    if isinstance(example, tuple | list):
        example = {f"input_{i}": item for i, item in enumerate(example)}
    return example, infer_signature(example, _to_numpy(output))


def pip_requirements() -> list[str]:
    wanted = ("torch", "mlflow-skinny", "numpy")
    return [f"{name}=={metadata.version(name).split('+')[0]}" for name in wanted]


def trainer_code_path() -> str:
    """The trainer package, shipped with the model so its classes unpickle anywhere."""
    return str(Path(movie_genie_trainer.__file__).parent)
