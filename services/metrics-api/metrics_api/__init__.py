"""Movie Genie metrics API: REST over the MLflow tracking server.

Served by ``gunicorn -c gunicorn.conf.py "metrics_api:create_app()"`` (the container and the tests
run that same command). Settings: see ``settings.py``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from types import SimpleNamespace

from flask import Flask
from flask_cors import CORS

from . import errors, settings
from .calls import BoundedCalls
from .champions import Champions
from .histories import HistoryCache
from .limits import MAX_BODY_BYTES
from .recommender_client import RecommenderClient
from .routes import champions as champion_routes
from .routes import docs, health, models, previews
from .run_cache import RunCache
from .store_reader import StoreReader
from .tracking import Tracking, public_uri

log = logging.getLogger("metrics_api")
CALL_THREADS = 8  # per worker, for the MLflow calls requests fan out (compare)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    settings.load(app, test_config)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES  # larger bodies: 413 before being read
    # Werkzeug would answer `//api//models//runs` with a redirect to an absolute URL built from
    # the Host header (an open redirect): no slash merging, no redirects, just a JSON 404.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.json.sort_keys = False  # keep field order; sorting 100 runs' dicts costs time for nothing
    app.json.ensure_ascii = False
    CORS(app, resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}})
    errors.register(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(models.bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(previews.bp)
    app.register_blueprint(champion_routes.bp)

    tracking = Tracking(app.config["TRACKING_URI"])
    # Shared by the workers of one gunicorn (its master creates it); a lone app makes its own.
    state_dir = Path(app.config["STATE_DIR"] or tempfile.mkdtemp(prefix="metrics-api-"))
    champions = Champions(tracking, app.config["REGISTERED_MODEL_PREFIX"], state_dir)
    store = StoreReader(app.config["STORE_URI"]) if app.config["STORE_URI"] else None
    if store is None:
        # Every load goes over REST: import MLflow's client now (in a preloading gunicorn master,
        # once for all workers), not in the first load, which requests wait on. With a store it
        # is imported after that load instead (RunCache.warm).
        tracking.prepare()
    cache = RunCache(tracking, champions, app.config, store)
    calls = BoundedCalls(CALL_THREADS, app.config["MLFLOW_WAIT_SECONDS"], tracking.prepare)
    app.extensions["metrics_api"] = SimpleNamespace(
        tracking=tracking,
        cache=cache,
        champions=champions,
        calls=calls,
        recommender=RecommenderClient(
            app.config["RECOMMENDER_URL"], app.config["RECOMMENDER_TIMEOUT_SECONDS"]
        ),
        histories=HistoryCache(),
    )
    _log_start(app, tracking)
    if app.config["CACHE_WARM_ON_START"]:
        if os.environ.get("METRICS_API_PRELOADING_PID") == str(os.getpid()):
            # A gunicorn master that preloads the app (gunicorn.conf.py): it reads the store
            # once, here, and every worker forks with the runs loaded (no thread started here
            # would survive the fork; the workers' own warm-up follows in post_worker_init).
            cache.load_before_fork(prime=models.prime)
        else:
            cache.warm()
    return app


def _log_start(app: Flask, tracking: Tracking) -> None:
    """SYSTEM.md: on start, say what is served and whether MLflow answers."""
    if not logging.getLogger().handlers and not log.handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    log.setLevel(logging.INFO)
    routes = sorted(
        f"{','.join(sorted(r.methods - {'HEAD', 'OPTIONS'}))} {r.rule}"
        for r in app.url_map.iter_rules()
        if r.endpoint != "static"
    )
    log.info(
        "tracking URI %s (MLflow %s) as %s; experiment %r; promotion by people (their MLflow "
        "accounts), by token %s; CORS origins %s",
        public_uri(tracking.uri),
        "answers" if tracking.reachable() else "DOES NOT ANSWER",
        app.config["TRACKING_USERNAME"] or "anonymous",
        app.config["EXPERIMENT_NAME"],
        "on" if app.config["PROMOTE_TOKEN"] else "off (no METRICS_API_PROMOTE_TOKEN)",
        ",".join(app.config["CORS_ORIGINS"]) or "none",
    )
    log.info("routes: %s", "; ".join(routes))
