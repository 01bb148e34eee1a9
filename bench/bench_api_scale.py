"""metrics-api cold start and latency at 10,000 and 100,000 runs (issue 13, must-show 5).

    .venv/bin/python bench/bench_api_scale.py                  # or: make bench
    BENCH_SCALE_SIZES=10000 .venv/bin/python bench/bench_api_scale.py   # one size only

For each size: a real Postgres and `mlflow server` on it, runs seeded straight into MLflow's
tables (bench_api.seed: 10,000 REST round trips would take longer than the benchmark), then the
API under gunicorn with the production settings (2 workers), its full cache loads read from the
store read-only (METRICS_API_STORE_URI, see metrics_api/store_reader.py). Measured, in the same
run: seconds from starting gunicorn to the first 200 of the runs list and of the summary;
summary and runs-page p50 with MLflow's own `search_runs` page as the baseline; each worker's
resident memory once loaded.
Targets: 10,000 runs: list within 10 s of start. 100,000 runs: summary and runs page p50
<= 50 ms, first summary within 60 s of start, memory per process <= 1 GB (printed).
Results land in bench-results/bench_api_scale.json. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import psutil  # noqa: E402
import requests  # noqa: E402
from bench_api import EXPERIMENT, SERVICE, get_ok, seed, stats, timed  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

from tests.harness.mlflow_server import MlflowServer  # noqa: E402
from tests.harness.postgres import PostgresCluster  # noqa: E402
from tests.harness.process import ManagedProcess, free_port  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SCALE_SIZES", "10000,100000").split(",")]
WORKERS = 2
REQUESTS = 100
MB = 1024 * 1024


def first_ok(url: str, started: float, timeout: float = 600) -> float:
    """Seconds from ``started`` until ``url`` first answers 200 (503s while loading)."""
    while time.monotonic() - started < timeout:
        try:
            if requests.get(url, timeout=30).status_code == 200:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer 200 within {timeout} s")


def measure(size: int) -> dict:
    root = Path(tempfile.mkdtemp(prefix=f"bench-scale-{size}-"))
    postgres = PostgresCluster().init()
    server = api = None
    try:
        server = MlflowServer(
            root / "mlflow", backend_uri=postgres.uri, artifacts_destination=str(root / "artifacts")
        ).start()
        client = MlflowClient(server.url)
        experiment_id = client.create_experiment(EXPERIMENT)
        chunk = min(size, 10000)  # bounded memory while seeding
        seconds = sum(seed(postgres.uri, experiment_id, chunk) for _ in range(size // chunk))
        print(f"[{size}] seeded in {seconds:.0f} s", flush=True)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "METRICS_"))}
        env.update(
            {
                "MLFLOW_TRACKING_URI": server.url,
                "MLFLOW_EXPERIMENT_NAME": EXPERIMENT,
                "METRICS_API_HOST": "127.0.0.1",
                "METRICS_API_PORT": str(port),
                "METRICS_API_WORKERS": str(WORKERS),
                "METRICS_API_LOG_LEVEL": "warning",
                "METRICS_API_STORE_URI": postgres.uri,
            }
        )
        started = time.monotonic()
        api = ManagedProcess(
            "metrics-api",
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "metrics_api:create_app()",
            ],
            root / "gunicorn.log",
            env=env,
            cwd=SERVICE,
        ).start(lambda: True, timeout=10)
        first_list = first_ok(f"{base}/api/models/runs?limit=100", started)
        first_summary = first_ok(f"{base}/api/models/summary", started)
        # Both workers loaded: every one of a few fresh connections answers 200.
        for _ in range(8):
            first_ok(f"{base}/api/models/summary", started)
        with requests.Session() as session:
            total = get_ok(session, f"{base}/api/models/summary")["data"]["total_runs"]
            assert total == size, total
            for _ in range(10):  # warm both workers' sorted views and memos
                get_ok(session, f"{base}/api/models/runs?limit=100")
            result = {
                "first_list_s": first_list,
                "first_summary_s": first_summary,
                "summary": stats(
                    timed(lambda: get_ok(session, f"{base}/api/models/summary"), REQUESTS)
                ),
                "runs_page": stats(
                    timed(lambda: get_ok(session, f"{base}/api/models/runs?limit=100"), REQUESTS)
                ),
                "mlflow_search_runs_page": stats(
                    timed(
                        lambda: client.search_runs(
                            [experiment_id],
                            max_results=100,
                            order_by=["attributes.start_time DESC"],
                        ),
                        20,
                    )
                ),
            }
        workers = psutil.Process(api.process.pid).children()
        result["worker_rss_mb"] = sorted(w.memory_info().rss / MB for w in workers)
        return result
    finally:
        for process in (api, server):
            if process is not None:
                process.stop()
        postgres.destroy()


def main() -> int:
    results = {size: measure(size) for size in SIZES}
    checks = {}
    for size, r in results.items():
        print(f"\nmetrics-api at {size} runs (gunicorn {WORKERS} workers, loads from the store)")
        print(
            f"  first runs list {r['first_list_s']:.1f} s after start, first summary "
            f"{r['first_summary_s']:.1f} s; worker memory "
            f"{', '.join(f'{m:.0f} MB' for m in r['worker_rss_mb'])}"
        )
        for name in ("summary", "runs_page", "mlflow_search_runs_page"):
            row = r[name]
            print(f"  {name:26} p50 {row['p50_ms']:8.1f} ms  p99 {row['p99_ms']:8.1f} ms")
        print(
            f"  runs page / MLflow search_runs page (p50): "
            f"{r['runs_page']['p50_ms'] / r['mlflow_search_runs_page']['p50_ms']:.3f}"
        )
        if size == 10000:
            checks["10,000 runs: list within 10 s of start"] = r["first_list_s"] <= 10
        if size == 100000:
            checks["100,000 runs: summary p50 <= 50 ms"] = r["summary"]["p50_ms"] <= 50
            checks["100,000 runs: runs page p50 <= 50 ms"] = r["runs_page"]["p50_ms"] <= 50
            checks["100,000 runs: first summary within 60 s"] = r["first_summary_s"] <= 60
            checks["100,000 runs: memory per worker <= 1 GB"] = max(r["worker_rss_mb"]) <= 1024
    for name, passed in checks.items():
        print(f"  [{'PASS' if passed else 'FAIL'}] {name}")
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "bench_api_scale.json").write_text(
        json.dumps({"results": results, "checks": checks}, indent=2)
    )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
