"""Recommendation preview latency (issue 14, must-show 2): cold first answer and warm p50.

    .venv/bin/python bench/bench_recommender.py      # or: make bench

1. Starts a real `mlflow server` (the test harness; SQLite + local artifacts), prepares the
   smoke MovieLens subset and trains a two-tower run with the trainer's CLI (it logs and
   registers the model, as `dvc repro` does).
2. Starts the recommender under gunicorn (the container's command line).
3. Cold: the first `GET /runs/<run>/recommendations?user_id=&k=10` (finds the run's logged
   model, downloads it, checks its digest, rebuilds it). Target <= 3 s.
   Warm: BENCH_RECOMMENDER_REQUESTS (200) previews for users in turn. Target p50 <= 50 ms.
   Baseline, same run: `GET /health` of the same server (the HTTP round trip alone); the
   warm p50 is also printed as a ratio to it.
Results also land in bench-results/bench_recommender.json. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

from bench.results import finish  # noqa: E402
from tests.frontend.trained_runs import train_smoke_runs  # noqa: E402
from tests.harness.mlflow_server import MlflowServer  # noqa: E402
from tests.recommender.recommender_server import start_recommender  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_RECOMMENDER_REQUESTS", "200"))
COLD_TARGET_S, WARM_TARGET_MS = 3.0, 50.0


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def ok(response: requests.Response) -> dict:
    if response.status_code != 200:
        raise RuntimeError(f"{response.url}: {response.status_code} {response.text[:300]}")
    return response.json()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-recommender-") as tmp:
        work = Path(tmp)
        server = MlflowServer(work / "mlflow").start()
        try:
            config = work / "mlflow.yaml"
            config.write_text(f"registered_models:\n  two-tower: bench-{uuid.uuid4().hex[:8]}\n")
            train_smoke_runs(
                work, server.url, "bench-recommender", ("two-tower",),
                client_env={"MOVIE_GENIE_MLFLOW_CONFIG": str(config)},
            )  # fmt: skip
            client = MlflowClient(server.url)
            experiment = client.get_experiment_by_name("bench-recommender")
            run_id = client.search_runs([experiment.experiment_id])[0].info.run_id
            process, url = start_recommender(work, server.url, work / "data")
            try:
                return measure(url, run_id)
            finally:
                process.stop()
        finally:
            server.stop()


def measure(url: str, run_id: str) -> int:
    session = requests.Session()
    users = ok(session.get(f"{url}/users", timeout=30))["data"]
    previews = f"{url}/runs/{run_id}/recommendations"

    def preview(user_id: int) -> None:
        data = ok(session.get(previews, params={"user_id": user_id, "k": 10}, timeout=60))
        if len(data["data"]["recommendations"]) != 10:
            raise RuntimeError(f"user {user_id}: not 10 recommendations")

    cold = timed(lambda: preview(users[0]))
    turn = [users[i % len(users)] for i in range(REQUESTS)]
    warm = [timed(lambda u=user: preview(u)) for user in turn]
    health = [timed(lambda: ok(session.get(f"{url}/health", timeout=30))) for _ in range(REQUESTS)]
    cache = ok(session.get(f"{url}/cache", timeout=30))["data"]
    warm_p50, health_p50 = statistics.median(warm) * 1000, statistics.median(health) * 1000
    result = {
        "cold_first_answer_s": cold,
        "warm_p50_ms": warm_p50,
        "warm_p95_ms": sorted(warm)[int(0.95 * (len(warm) - 1))] * 1000,
        "baseline_health_p50_ms": health_p50,
        "warm_p50_vs_health_p50": warm_p50 / health_p50,
        "cache": cache,
        "targets": {"cold_s": COLD_TARGET_S, "warm_p50_ms": WARM_TARGET_MS},
    }
    print(f"cold first preview: {cold:.2f} s (target <= {COLD_TARGET_S} s)")
    print(
        f"warm preview p50: {warm_p50:.1f} ms over {REQUESTS} (target <= {WARM_TARGET_MS} ms); "
        f"{result['warm_p50_vs_health_p50']:.1f}x the same server's /health p50 "
        f"({health_p50:.1f} ms)"
    )
    print(f"model cache: {cache['models']}/{cache['max_models']} models, {cache['bytes']} bytes")
    checks = {
        f"cold first preview <= {COLD_TARGET_S} s": cold <= COLD_TARGET_S,
        f"warm preview p50 <= {WARM_TARGET_MS} ms": warm_p50 <= WARM_TARGET_MS,
    }
    return finish("bench_recommender", checks, result)


if __name__ == "__main__":
    sys.exit(main())
