"""Movie Genie metrics API: REST over the MLflow tracking server.

Served by ``gunicorn -c gunicorn.conf.py "metrics_api:create_app()"`` (the container and the tests
run that same command). Settings: see ``config.py``.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

from flask import Flask
from flask_cors import CORS

from . import config, errors
from .routes import health, models
from .run_cache import RunCache
from .tracking import Tracking, public_uri

log = logging.getLogger("metrics_api")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    config.load(app, test_config)
    app.json.sort_keys = False  # keep field order; sorting 100 runs' dicts costs time for nothing
    app.json.ensure_ascii = False
    CORS(app, resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}})
    errors.register(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(models.bp)

    tracking = Tracking(app.config["TRACKING_URI"])
    cache = RunCache(tracking, app.config)
    app.extensions["metrics_api"] = SimpleNamespace(tracking=tracking, cache=cache)
    _log_start(app, tracking)
    if app.config["CACHE_WARM_ON_START"]:
        cache.warm(app.config["EXPERIMENT_NAME"])
    return app


def _log_start(app: Flask, tracking: Tracking) -> None:
    """SYSTEM.md: on start, say what is served and whether MLflow answers."""
    if not logging.getLogger().handlers and not log.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                                                       "%(message)s")
    log.setLevel(logging.INFO)
    routes = sorted(f"{','.join(sorted(r.methods - {'HEAD', 'OPTIONS'}))} {r.rule}"
                    for r in app.url_map.iter_rules() if r.endpoint != "static")
    log.info("tracking URI %s (MLflow %s); experiment %r; promotion %s; CORS origins %s",
             public_uri(tracking.uri), "answers" if tracking.reachable() else "DOES NOT ANSWER",
             app.config["EXPERIMENT_NAME"],
             "on" if app.config["PROMOTE_TOKEN"] else "off (no METRICS_API_PROMOTE_TOKEN)",
             ",".join(app.config["CORS_ORIGINS"]) or "none")
    log.info("routes: %s", "; ".join(routes))
