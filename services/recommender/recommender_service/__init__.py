"""Movie Genie recommender: what a run's model recommends, for the metrics API's previews.

The scoring process of the stack, so the metrics API stays free of torch. Served by
``gunicorn -c gunicorn.conf.py "recommender_service:create_app()"`` (container and tests run
that same command). Settings (environment): ``RECOMMENDER_DATA_DIR`` (the processed MovieLens
folder the runs trained on), ``MLFLOW_TRACKING_URI`` and the account's
``MLFLOW_TRACKING_USERNAME``/``PASSWORD``, ``RECOMMENDER_CACHE_MODELS`` (models kept, 4).

Routes (JSON; errors are ``{"success": false, "error": ...}`` with a 4xx status):
``GET /health``, ``GET /cache``, ``GET /users``, ``GET /movies?q=&limit=``,
``GET /runs/<run_id>/recommendations?user_id=&k=``,
``POST /runs/<run_id>/recommendations`` with ``{"history": [movie ids], "k": n}``.
"""

from __future__ import annotations

import logging
import os

from flask import Flask
from movie_genie_trainer.mlflow_account import check_account

from .catalogue import LazyCatalogue, NoData
from .model_cache import ModelCache
from .routes import bp, register_errors

log = logging.getLogger("recommender_service")


def create_app(test_config: dict | None = None) -> Flask:
    from mlflow.tracking import MlflowClient

    app = Flask(__name__)
    settings = {
        "DATA_DIR": os.environ.get("RECOMMENDER_DATA_DIR", "data/processed"),
        "TRACKING_URI": os.environ.get("MLFLOW_TRACKING_URI", ""),
        "CACHE_MODELS": int(os.environ.get("RECOMMENDER_CACHE_MODELS", "4")),
        **(test_config or {}),
    }
    check_account()
    if not settings["TRACKING_URI"]:
        raise RuntimeError("MLFLOW_TRACKING_URI is not set: the recommender reads runs from it")
    app.json.sort_keys = False
    catalogue = LazyCatalogue(settings["DATA_DIR"])
    client = MlflowClient(settings["TRACKING_URI"])
    cache = ModelCache(client, settings["CACHE_MODELS"], settings["TRACKING_URI"])
    app.extensions["recommender"] = (catalogue, cache)
    app.register_blueprint(bp)
    register_errors(app)
    logging.basicConfig(level=logging.INFO)
    try:
        loaded = catalogue.get()
        data = f"{len(loaded.movies)} movies, {len(loaded.users)} evaluation users"
    except NoData as error:
        data = f"no data yet ({error})"
    log.info(
        "recommender: %s from %s; tracking %s; model cache of %d",
        data,
        settings["DATA_DIR"],
        settings["TRACKING_URI"],
        cache.max_models,
    )
    return app
