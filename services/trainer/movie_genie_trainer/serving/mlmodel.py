"""The ``MLmodel`` that makes a logged model servable by ``mlflow models serve``.

A ``python_function`` flavor with a ``loader_module`` (``movie_genie_trainer.serving.pyfunc``)
and the safetensors ``data/`` folder: no cloudpickled ``python_model``, nothing to unpickle.
Written once the logged model exists, so it names the logged model and its run.

Signature: each input row is one viewer, ``history`` = movie ids, oldest first; the param
``k`` (default 10) is how many movies to answer; each output row has ``movie_ids`` (best
first, none from the history) and their ``scores``.
"""

from __future__ import annotations

from pathlib import Path

from movie_genie_trainer.model_store import DATA_DIR
from movie_genie_trainer.serving.recommend import DEFAULT_K

LOADER_MODULE = "movie_genie_trainer.serving.pyfunc"


def signature():
    from mlflow.models import ModelSignature
    from mlflow.types.schema import Array, ColSpec, DataType, ParamSchema, ParamSpec, Schema

    return ModelSignature(
        inputs=Schema([ColSpec(Array(DataType.long), "history")]),
        outputs=Schema(
            [ColSpec(Array(DataType.long), "movie_ids"), ColSpec(Array(DataType.double), "scores")]
        ),
        params=ParamSchema([ParamSpec("k", DataType.long, DEFAULT_K)]),
    )


def write_mlmodel(folder: Path, model_id: str, run_id: str) -> Path:
    """Write ``folder/MLmodel`` for the model data in ``folder/data``."""
    from mlflow.models import Model
    from mlflow.pyfunc import add_to_model

    model = Model(run_id=run_id, model_id=model_id, signature=signature())
    add_to_model(model, loader_module=LOADER_MODULE, data=DATA_DIR)
    path = Path(folder) / "MLmodel"
    model.save(str(path))
    return path
