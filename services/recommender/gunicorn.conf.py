"""gunicorn settings for the recommender, the same in the container and in native runs/tests.

    gunicorn -c gunicorn.conf.py "recommender_service:create_app()"

Environment: RECOMMENDER_PORT (5002), RECOMMENDER_HOST (127.0.0.1 natively; compose sets
0.0.0.0 on its internal network), RECOMMENDER_THREADS (4). One worker: the model cache lives
in the worker, and torch uses the cores for one request's scoring anyway.
"""

import os

host = os.environ.get("RECOMMENDER_HOST", "127.0.0.1")
bind = f"{host}:{os.environ.get('RECOMMENDER_PORT', '5002')}"
workers = 1
threads = int(os.environ.get("RECOMMENDER_THREADS", "4"))
worker_class = "gthread"
timeout = 120  # a cold model load downloads it from the artifact store first
accesslog = "-"
errorlog = "-"
# gunicorn 25+'s runtime control socket ($HOME/.gunicorn/gunicorn.ctl) is unused here: off, so
# the container's user needs no writable home and native servers side by side share no socket.
control_socket_disable = True
loglevel = os.environ.get("RECOMMENDER_LOG_LEVEL", "info")
