"""metrics-api cold start and latency at 10,000 and 100,000 runs (issue 13, must-show 5).

    .venv/bin/python bench/bench_api_scale.py                  # or: make bench
    BENCH_SCALE_SIZES=10000 .venv/bin/python bench/bench_api_scale.py   # one size only

For each size: a real Postgres and `mlflow server` on it, runs seeded straight into MLflow's
tables (tests/harness/bulk_runs.py, COPY in chunks of 10,000: REST would take hours), then the
API under gunicorn with the production settings (gunicorn.conf.py: 2 workers, the app preloaded
in the master, which reads the store once, read-only, before forking: METRICS_API_STORE_URI, see
metrics_api/store_reader.py). Measured, in the same run:
- seconds from starting gunicorn to the first 200 of the runs list and of the summary;
- p50/p99 of the summary and of a runs page (100 newest), with MLflow's own `search_runs` for the
  same page as the baseline (ratio printed);
- resident memory of every process of the API (RSS; PSS splits the pages that the fork shares).
Targets: 10,000 runs: list within 10 s of start. 100,000 runs: summary and runs page p50
<= 50 ms, first summary within 60 s of start, memory per process <= 1 GB.
Results land in bench-results/bench_api_scale.json. Exit status 1 when a target is missed.
"""

from __future__ import annotations

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
from bench_api import EXPERIMENT, RUNS_PAGE, get_ok, serving_latencies  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

from bench.results import finish  # noqa: E402
from tests.harness.bulk_runs import seed  # noqa: E402
from tests.harness.mlflow_server import MlflowServer  # noqa: E402
from tests.harness.postgres import PostgresCluster  # noqa: E402
from tests.harness.services import METRICS_API, start_service  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SCALE_SIZES", "10000,100000").split(",")]
WORKERS = 2
REQUESTS = 200
BASELINE_REQUESTS = 10  # MLflow's search_runs takes seconds a page at these sizes
CHUNK = 10_000  # runs seeded per COPY round: bounded memory while seeding
MB = 1024 * 1024


def first_ok(url: str, started: float, timeout: float = 900) -> float:
    """Seconds from ``started`` until ``url`` first answers 200 (refused or 503 before)."""
    while time.monotonic() - started < timeout:
        try:
            if requests.get(url, timeout=60).status_code == 200:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer 200 within {timeout} s")


def memory(pid: int) -> list[dict]:
    """RSS and PSS of the gunicorn master and each worker, in MB."""
    master = psutil.Process(pid)
    out = []
    for role, process in [("master", master)] + [("worker", w) for w in master.children()]:
        info = process.memory_full_info()
        out.append(
            {"role": role, "pid": process.pid, "rss_mb": info.rss / MB, "pss_mb": info.pss / MB}
        )
    return out


def measure(size: int) -> dict:
    root = Path(tempfile.mkdtemp(prefix=f"bench-scale-{size}-"))
    postgres = PostgresCluster().init()
    server = api = None
    try:
        # On a busy shared machine the tracking server alone can take minutes to start.
        server = MlflowServer(
            root / "mlflow", backend_uri=postgres.uri, artifacts_destination=str(root / "artifacts")
        ).start(timeout=600)
        client = MlflowClient(server.url)
        experiment_id = client.create_experiment(EXPERIMENT)
        seconds = 0.0
        for done in range(0, size, CHUNK):
            seconds += seed(postgres.uri, experiment_id, min(CHUNK, size - done))
            print(
                f"[{size}] seeded {done + min(CHUNK, size - done)} runs, {seconds:.0f} s",
                flush=True,
            )

        load_before = os.getloadavg()[0]
        started = time.monotonic()
        # Timed from the start command: no readiness wait here, first_ok polls.
        api, base = start_service(
            METRICS_API,
            root / "gunicorn.log",
            {
                "MLFLOW_TRACKING_URI": server.url,
                "MLFLOW_EXPERIMENT_NAME": EXPERIMENT,
                "METRICS_API_WORKERS": str(WORKERS),
                "METRICS_API_LOG_LEVEL": "warning",
                "METRICS_API_STORE_URI": postgres.uri,
            },
            timeout=10,
            ready=lambda url: lambda: True,
        )
        first_list = first_ok(base + RUNS_PAGE, started)
        first_summary = first_ok(f"{base}/api/models/summary", started)
        print(
            f"[{size}] first list {first_list:.1f} s, first summary {first_summary:.1f} s "
            f"after start (load average {load_before:.1f} before)",
            flush=True,
        )
        # Every worker serving: a few fresh connections (the kernel spreads them) all answer.
        for _ in range(4 * WORKERS):
            first_ok(f"{base}/api/models/summary", started)
        with requests.Session() as session:
            total = get_ok(session, f"{base}/api/models/summary")["data"]["total_runs"]
            assert total == size, total
            for _ in range(10):  # this connection's worker: sorted view and memo built
                get_ok(session, base + RUNS_PAGE)
                get_ok(session, f"{base}/api/models/summary")
            result = {
                "first_list_s": first_list,
                "first_summary_s": first_summary,
                "load_average_at_start": load_before,
                **serving_latencies(
                    session, base, client, experiment_id, REQUESTS, BASELINE_REQUESTS
                ),
            }
        result["memory"] = memory(api.process.pid)
        return result
    finally:
        for process in (api, server):
            if process is not None:
                process.stop()
        postgres.destroy()


def main() -> int:
    results = {}
    for size in SIZES:
        results[size] = measure(size)
    checks = {}
    for size, r in results.items():
        print(
            f"\nmetrics-api at {size} runs (gunicorn {WORKERS} workers, one store read in the "
            f"master before the fork; load average {r['load_average_at_start']:.1f} at start)"
        )
        print(
            f"  first runs list {r['first_list_s']:.1f} s after start, first summary "
            f"{r['first_summary_s']:.1f} s"
        )
        baseline = r["mlflow_search_runs_page"]["p50_ms"]
        for name in ("summary", "runs_page", "mlflow_search_runs_page"):
            row = r[name]
            print(
                f"  {name:24} p50 {row['p50_ms']:8.1f} ms  p99 {row['p99_ms']:8.1f} ms  "
                f"p50 / MLflow search_runs page p50 {row['p50_ms'] / baseline:.4f}"
            )
        for m in r["memory"]:
            print(
                f"  {m['role']:6} pid {m['pid']}: RSS {m['rss_mb']:.0f} MB, PSS "
                f"{m['pss_mb']:.0f} MB"
            )
        largest = max(m["rss_mb"] for m in r["memory"])
        if size == 10000:
            checks[f"10,000 runs: list within 10 s of start ({r['first_list_s']:.1f} s)"] = (
                r["first_list_s"] <= 10
            )
        if size == 100000:
            checks[f"100,000 runs: summary p50 <= 50 ms ({r['summary']['p50_ms']:.1f} ms)"] = (
                r["summary"]["p50_ms"] <= 50
            )
            checks[f"100,000 runs: runs page p50 <= 50 ms ({r['runs_page']['p50_ms']:.1f} ms)"] = (
                r["runs_page"]["p50_ms"] <= 50
            )
            checks[f"100,000 runs: first summary within 60 s ({r['first_summary_s']:.1f} s)"] = (
                r["first_summary_s"] <= 60
            )
            checks[f"100,000 runs: memory per process <= 1 GB (largest RSS {largest:.0f} MB)"] = (
                largest <= 1024
            )
    return finish("bench_api_scale", checks, {"results": results})


if __name__ == "__main__":
    sys.exit(main())
