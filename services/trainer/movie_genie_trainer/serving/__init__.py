"""Serving a logged model the standard MLflow way (``mlflow models serve``), data only.

``mlmodel`` writes the ``MLmodel`` beside the model's ``data/`` folder, ``pyfunc`` is its
``loader_module`` (checks the digest, then rebuilds from safetensors: nothing unpickled) and
``recommend`` turns histories of movie ids into top-K movie ids with scores.
"""
