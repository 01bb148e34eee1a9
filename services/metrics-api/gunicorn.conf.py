"""gunicorn settings for the metrics API, the same in the container and in native runs/tests.

    gunicorn -c gunicorn.conf.py "metrics_api:create_app()"

Environment: METRICS_API_PORT (5001), METRICS_API_HOST (0.0.0.0), METRICS_API_WORKERS (2),
METRICS_API_THREADS (8). Threaded workers: most of a request's time is spent waiting on MLflow,
and each worker keeps one run cache that all its threads share.
"""

import os
import shutil
import tempfile

host = os.environ.get("METRICS_API_HOST", "0.0.0.0")
bind = f"{host}:{os.environ.get('METRICS_API_PORT', '5001')}"
workers = int(os.environ.get("METRICS_API_WORKERS", "2"))
threads = int(os.environ.get("METRICS_API_THREADS", "8"))
worker_class = "gthread"
# The app is imported and built once, in the master, and forked: importing it costs each worker
# seconds of CPU otherwise (start-up at 10,000 runs, issue 13). Each worker then loads its run
# cache in its own threads (post_worker_init): threads do not survive a fork.
preload_app = True
os.environ["METRICS_API_PRELOADING_PID"] = str(os.getpid())  # create_app: don't warm here
timeout = 120
graceful_timeout = 20
keepalive = 5
limit_request_line = 8190  # gunicorn's maximum; page tokens and filters fit well within it
accesslog = "-"
# gunicorn's default line, led by the worker's pid (which worker served what, e.g. in tests).
access_log_format = '%(p)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
errorlog = "-"
# gunicorn 25+'s runtime control socket ($HOME/.gunicorn/gunicorn.ctl) is unused here: off, so
# the container's user needs no writable home and native servers side by side share no socket.
control_socket_disable = True
loglevel = os.environ.get("METRICS_API_LOG_LEVEL", "info")

# One folder shared by this server's workers (promotion lock, champion map: see champions.py),
# made here in the master so that every forked worker inherits the same path.
if not os.environ.get("METRICS_API_STATE_DIR"):
    os.environ["METRICS_API_STATE_DIR"] = tempfile.mkdtemp(prefix="metrics-api-")
    _made_state_dir = os.environ["METRICS_API_STATE_DIR"]

    def on_exit(server):
        shutil.rmtree(_made_state_dir, ignore_errors=True)


def post_worker_init(worker):
    """Each forked worker starts loading its run cache (create_app left that to the workers)."""
    app = worker.wsgi
    if app.config["CACHE_WARM_ON_START"]:
        app.extensions["metrics_api"].cache.warm()
