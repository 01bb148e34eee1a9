"""/api/health latency while 50 slow clients trickle requests (issue 13, must-show 1).

    .venv/bin/python bench/bench_slow_clients.py             # or: make bench

Starts an MLflow server (SQLite), the metrics API under gunicorn with the production settings
(2 workers) and the dashboard's nginx server block in front of it, as compose runs them. Then,
in the same run: /api/health p50/p99 through nginx with no other clients (the baseline), and
again while 50 connections each send one more byte of an unfinished request every 2 s. For
contrast it also measures gunicorn reached directly under the same attack (how the API was
exposed before: it is no longer published on its own). Target: p99 through nginx <= 1 s.
Results also land in bench-results/bench_slow_clients.json. Exit status 1 when missed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.latency import stats  # noqa: E402
from bench.results import finish  # noqa: E402
from tests.frontend.nginx_server import NginxFrontend  # noqa: E402
from tests.harness.mlflow_server import MlflowServer  # noqa: E402
from tests.harness.services import METRICS_API, start_service  # noqa: E402
from tests.harness.slow_clients import Tricklers  # noqa: E402

SLOW_CLIENTS = 50
REQUESTS = int(os.environ.get("BENCH_SLOW_REQUESTS", "200"))
TRICKLE_SECONDS = 2.0


def health_latencies(url: str, count: int = REQUESTS, timeout: float = 30) -> dict:
    """Sequential requests, each on a new connection (as a healthcheck or a new visitor)."""
    latencies, errors = [], 0
    for _ in range(count):
        start = time.perf_counter()
        try:
            ok = requests.get(f"{url}/api/health", timeout=timeout).status_code == 200
        except requests.RequestException:
            ok = False
        latencies.append(time.perf_counter() - start)
        errors += not ok
    return {**stats(latencies), "errors": errors}


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="bench-slow-"))
    mlflow = api = nginx = None
    try:
        mlflow = MlflowServer(root / "mlflow").start()
        api, direct = start_service(
            METRICS_API,
            root / "gunicorn.log",
            {"MLFLOW_TRACKING_URI": mlflow.url, "METRICS_API_LOG_LEVEL": "warning"},
        )
        port = int(direct.rsplit(":", 1)[1])
        static = root / "static"
        static.mkdir()
        (static / "index.html").write_text('<!doctype html><div id="root"></div>')
        nginx = NginxFrontend(root / "nginx", static, f"http://127.0.0.1:{port}").start()

        results = {"nginx_baseline": health_latencies(nginx.url)}
        with Tricklers(nginx.port, SLOW_CLIENTS, TRICKLE_SECONDS):
            results["nginx_with_50_slow"] = health_latencies(nginx.url)
        with Tricklers(port, SLOW_CLIENTS, TRICKLE_SECONDS):
            # Fewer, with a 5 s client timeout: unprotected, requests may not be answered at all.
            results["gunicorn_direct_with_50_slow"] = health_latencies(direct, 20, timeout=5)
    finally:
        for process in (nginx, api, mlflow):
            if process is not None:
                process.stop()

    target = results["nginx_with_50_slow"]
    ratio = target["p99_ms"] / max(results["nginx_baseline"]["p99_ms"], 1e-6)
    checks = {
        "p99 through nginx with 50 slow clients <= 1000 ms": target["p99_ms"] <= 1000,
        "no errors through nginx": target["errors"] == 0,
    }
    print(
        f"\n/api/health, {REQUESTS} sequential requests (20 direct); {SLOW_CLIENTS} slow "
        f"clients sending a byte every {TRICKLE_SECONDS:g} s (gunicorn 2 workers; same "
        "machine, same run)"
    )
    print(f"{'':32} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9} {'errors':>7}")
    for name, row in results.items():
        print(
            f"{name:32} {row['p50_ms']:9.1f} {row['p99_ms']:9.1f} {row['max_ms']:9.1f} "
            f"{row['errors']:7d}"
        )
    print(f"\np99 with slow clients / baseline (through nginx): {ratio:.2f}")
    return finish("bench_slow_clients", checks, {"results": results, "p99_ratio": ratio})


if __name__ == "__main__":
    sys.exit(main())
