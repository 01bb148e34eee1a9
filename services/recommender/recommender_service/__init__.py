"""Movie Genie recommender: what a run's model recommends, for the metrics API's previews.

The scoring process of the stack, so the metrics API stays free of torch. Served by
``gunicorn -c gunicorn.conf.py "recommender_service:create_app()"`` (container and tests run
that same command). Settings (environment, ``settings.py``): ``RECOMMENDER_DATA_DIR`` (the
processed MovieLens folder the runs trained on), ``MLFLOW_TRACKING_URI`` and the account's
``MLFLOW_TRACKING_USERNAME``/``PASSWORD``, ``RECOMMENDER_CACHE_MODELS`` (models kept, 4).

Routes (JSON; errors are ``{"success": false, "error": ...}`` with a 4xx status):
``GET /health``, ``GET /cache``, ``GET /users``, ``GET /movies?q=&limit=``,
``GET /runs/<run_id>/recommendations?user_id=&k=``,
``POST /runs/<run_id>/recommendations`` with ``{"history": [movie ids], "k": n}``.
"""

from __future__ import annotations

import logging

from flask import Flask

from .catalogue import LazyCatalogue, NoData
from .model_cache import ModelCache
from .routes import bp, register_errors
from .settings import load_settings

log = logging.getLogger("recommender_service")


def create_app(**overrides) -> Flask:
    """``overrides``: settings by field name (``settings.Settings``), winning over the env."""
    from mlflow.tracking import MlflowClient

    settings = load_settings(**overrides)
    app = Flask(__name__)
    app.json.sort_keys = False
    catalogue = LazyCatalogue(settings.data_dir)
    client = MlflowClient(settings.tracking_uri)
    cache = ModelCache(client, settings.cache_models, settings.tracking_uri)
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
        settings.data_dir,
        settings.tracking_uri,
        cache.max_models,
    )
    return app
