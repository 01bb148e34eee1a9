"""gunicorn settings for the metrics API, the same in the container and in native runs/tests.

    gunicorn -c gunicorn.conf.py "metrics_api:create_app()"

Environment: METRICS_API_PORT (5001), METRICS_API_HOST (0.0.0.0), METRICS_API_WORKERS (2),
METRICS_API_THREADS (8). Threaded workers: most of a request's time is spent waiting on MLflow,
and each worker keeps one run cache that all its threads share.
"""

import os

host = os.environ.get("METRICS_API_HOST", "0.0.0.0")
bind = f"{host}:{os.environ.get('METRICS_API_PORT', '5001')}"
workers = int(os.environ.get("METRICS_API_WORKERS", "2"))
threads = int(os.environ.get("METRICS_API_THREADS", "8"))
worker_class = "gthread"
# A cold cache of 10,000 runs takes ~25 s to load; requests wait for it in their own threads.
timeout = 120
graceful_timeout = 20
keepalive = 5
limit_request_line = 8190  # gunicorn's maximum; page tokens and filters fit well within it
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("METRICS_API_LOG_LEVEL", "info")
