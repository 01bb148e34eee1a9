"""metrics-api latency at 10,000 runs (issue 5, must-show 3 and 4).

    .venv/bin/python bench/bench_api.py             # or: make bench
    BENCH_API_RUNS=2000 .venv/bin/python bench/bench_api.py   # a quicker, smaller variant

1. Starts a real Postgres and a real `mlflow server` on it (the test harness), creates the
   experiment through MLflow, then seeds BENCH_API_RUNS (10,000) runs **straight into MLflow's
   Postgres tables** in batches (runs, tags, params, metrics, latest_metrics: what the tracking
   code logs per run, minus per-epoch history), because 10,000 REST round trips would take longer
   than the benchmark itself. MLflow reads them back like any other run.
2. Starts the API under gunicorn with the production settings (gunicorn.conf.py: 2 workers,
   8 threads each), its cache loading from MLflow's Postgres (METRICS_API_STORE_URI), and waits
   until both workers have loaded the experiment into their run cache.
3. Measures, sequentially in the same run: `GET /api/models/summary`, `GET /api/models/runs?
   limit=100`, and MLflow's own `search_runs` for the same first page (100 newest runs), as the
   baseline. Targets: summary p50 <= 100 ms; runs page p50 <= 1.2 x MLflow's search p50.
   Search (issue 16): a `q` that matches about half the runs, sorted by a metric, first page of
   100, p50 <= 50 ms, both repeated (the dashboard paging through one search) and with a new
   threshold in every request (a person typing: nothing memoised for that exact query), each
   also as a ratio to the unfiltered runs page measured in the same run.
   `GET /api/models/runs.csv` of every run: <= 3 s, and the serving worker's
   memory grows by well under the size of the CSV (sampled while it streams).
4. Load: 50 concurrent clients (threads, one keep-alive session each) for 30 s, alternating
   summary and runs; prints errors and p50/p95/p99.
Results also land in bench-results/bench_api.json. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import requests  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

from bench.latency import stats, timed  # noqa: E402
from bench.results import finish  # noqa: E402
from tests.harness.bulk_runs import seed  # noqa: E402
from tests.harness.mlflow_server import MlflowServer  # noqa: E402
from tests.harness.postgres import PostgresCluster  # noqa: E402
from tests.harness.services import METRICS_API, start_service  # noqa: E402

RUNS = int(os.environ.get("BENCH_API_RUNS", "10000"))
SEQUENTIAL = int(os.environ.get("BENCH_API_REQUESTS", "200"))
BASELINE_REQUESTS = int(os.environ.get("BENCH_API_BASELINE_REQUESTS", "40"))
CLIENTS, LOAD_SECONDS = 50, float(os.environ.get("BENCH_API_LOAD_SECONDS", "30"))
WORKERS = 2
EXPERIMENT = "movie-genie-models"
RUNS_PAGE = "/api/models/runs?limit=100"


def get_ok(session: requests.Session, url: str) -> dict:
    response = session.get(url, timeout=60)
    response.raise_for_status()
    return response.json()


def serving_latencies(
    session: requests.Session,
    base: str,
    client: MlflowClient,
    experiment_id: str,
    requests_each: int,
    baseline_requests: int,
) -> dict:
    """The summary and the first runs page from the API, and the same page from MLflow's own
    search_runs (the baseline), each timed one request after another."""
    return {
        "summary": stats(
            timed(lambda: get_ok(session, f"{base}/api/models/summary"), requests_each)
        ),
        "runs_page": stats(timed(lambda: get_ok(session, base + RUNS_PAGE), requests_each)),
        "mlflow_search_runs_page": stats(
            timed(
                lambda: client.search_runs(
                    [experiment_id], max_results=100, order_by=["attributes.start_time DESC"]
                ),
                baseline_requests,
            )
        ),
    }


def load(base: str, seconds: float) -> dict:
    paths = [f"{base}/api/models/summary", f"{base}/api/models/runs?limit=100"]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        with requests.Session() as session:
            i = index
            while time.monotonic() < stop_at:
                start = time.perf_counter()
                try:
                    body = session.get(paths[i % 2], timeout=60)
                    ok = body.status_code == 200 and body.json()["success"] is True
                    problem = None if ok else f"HTTP {body.status_code}"
                except (requests.RequestException, ValueError) as error:
                    problem = type(error).__name__
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)
                i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        **stats(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "requests_per_s": len(latencies) / seconds,
    }


SEARCH = (
    "/api/models/runs?limit=100&order_by=metrics.val_ndcg_at_10%20DESC"
    "&q=metrics.train_loss%20%3C%20{threshold}%20and%20run_name%20LIKE%20'%25-%25'"
)


def new_searches():
    """The search with a threshold never asked before (0.5 + i * 1e-7: still about half)."""
    count = 0

    def next_search() -> str:
        nonlocal count
        count += 1
        return SEARCH.format(threshold=f"{0.5 + count * 1e-7:.7f}")

    return next_search


def stream_csv(base: str, workers: list[psutil.Process]) -> dict:
    """Download runs.csv of every run; sample the workers' memory while it streams."""
    before = {w.pid: w.memory_info().rss for w in workers}
    peak = dict(before)
    size = rows = 0
    start = time.perf_counter()
    with requests.get(f"{base}/api/models/runs.csv", stream=True, timeout=120) as response:
        response.raise_for_status()
        for chunk in response.iter_content(chunk_size=64 * 1024):
            size += len(chunk)
            rows += chunk.count(b"\r\n")
            for worker in workers:
                peak[worker.pid] = max(peak[worker.pid], worker.memory_info().rss)
    seconds = time.perf_counter() - start
    growth = max(peak[pid] - before[pid] for pid in before)
    return {
        "seconds": seconds,
        "bytes": size,
        "data_rows": rows - 1,
        "worker_rss_growth_bytes": growth,
    }


def wait_for_warm_workers(base: str, log_path: Path, timeout: float = 600) -> float:
    """Seconds until every worker serves the runs. A preloading master (the store set) loads
    them once for all its workers, so one log line; without it each worker logs its own load.
    Then summaries on fresh connections, so that they spread over the workers: one still
    loading holds the request (then 503), so a run of 200s means all have the runs."""
    started = time.monotonic()
    while f"runs of experiment '{EXPERIMENT}'" not in log_path.read_text(errors="replace"):
        if "warming the run cache failed" in log_path.read_text(errors="replace"):
            raise RuntimeError(f"warming the run cache failed; see {log_path}")
        if time.monotonic() - started > timeout:
            raise TimeoutError("gunicorn did not load the run cache")
        time.sleep(1)
    answered = 0
    while answered < 4 * WORKERS:
        if time.monotonic() - started > timeout:
            raise TimeoutError("gunicorn workers did not all serve the run cache")
        response = requests.get(f"{base}/api/models/summary", timeout=600)
        answered = answered + 1 if response.status_code == 200 else 0
    return time.monotonic() - started


def main() -> int:
    load_before = os.getloadavg()  # printed with the figures: this machine is shared
    root = Path(tempfile.mkdtemp(prefix="bench-api-"))
    postgres = PostgresCluster().init()
    server = api = None
    try:
        server = MlflowServer(
            root / "mlflow", backend_uri=postgres.uri, artifacts_destination=str(root / "artifacts")
        ).start(timeout=600)  # a busy machine can take minutes to start MLflow
        client = MlflowClient(server.url)
        experiment_id = client.create_experiment(EXPERIMENT)
        seconds = seed(postgres.uri, experiment_id, RUNS)
        print(f"seeded {RUNS} runs straight into MLflow's Postgres tables in {seconds:.1f} s")

        log_path = root / "gunicorn.log"
        api, base = start_service(
            METRICS_API,
            log_path,
            {
                "MLFLOW_TRACKING_URI": server.url,
                "MLFLOW_EXPERIMENT_NAME": EXPERIMENT,
                "METRICS_API_WORKERS": str(WORKERS),
                "METRICS_API_LOG_LEVEL": "warning",
                # full loads straight from MLflow's Postgres, read-only, as at scale: what
                # is timed here is serving (bench_api_scale.py times the load itself)
                "METRICS_API_STORE_URI": postgres.uri,
                # a slow answer on a busy machine is not a dead server
                "MLFLOW_HTTP_REQUEST_TIMEOUT": "120",
            },
        )
        warm = wait_for_warm_workers(base, log_path)
        print(f"gunicorn ({WORKERS} workers) loaded the run cache in {warm:.1f} s")

        with requests.Session() as session:
            summary = get_ok(session, f"{base}/api/models/summary")["data"]
            page = get_ok(session, f"{base}/api/models/runs?limit=100")
            mlflow_page = client.search_runs(
                [experiment_id], max_results=100, order_by=["attributes.start_time DESC"]
            )
            assert summary["total_runs"] == RUNS, summary["total_runs"]
            assert [r["run_id"] for r in page["data"]] == [r.info.run_id for r in mlflow_page]
            for _ in range(10):  # warm connections and both workers' sorted views
                get_ok(session, f"{base}/api/models/summary")
                get_ok(session, f"{base}/api/models/runs?limit=100")
            results = serving_latencies(
                session, base, client, experiment_id, SEQUENTIAL, BASELINE_REQUESTS
            )
            search = SEARCH.format(threshold="0.5")
            matched = get_ok(session, f"{base}{search}")
            top = [r["metrics"]["val_ndcg_at_10"] for r in matched["data"]]
            assert top == sorted(top, reverse=True), "search page not sorted by the metric"
            for _ in range(10):
                get_ok(session, f"{base}{search}")
            results["search_half_sorted_by_metric"] = stats(
                timed(lambda: get_ok(session, f"{base}{search}"), SEQUENTIAL)
            )
            fresh = new_searches()
            results["search_new_threshold_each_time"] = stats(
                timed(lambda: get_ok(session, f"{base}{fresh()}"), SEQUENTIAL)
            )
        workers = psutil.Process(api.process.pid).children()
        # Twice: the first download may land on the worker that has not yet sorted the runs
        # in that order (a one-off cache build, not streaming); the second is what is checked.
        first_csv = stream_csv(base, workers)
        csv_result = stream_csv(base, workers)
        results["load"] = load(base, LOAD_SECONDS)
    finally:
        for process in (api, server):
            if process is not None:
                process.stop()
        postgres.destroy()

    ratio = results["runs_page"]["p50_ms"] / results["mlflow_search_runs_page"]["p50_ms"]
    search_ratios = {
        name: results[name]["p50_ms"] / results["runs_page"]["p50_ms"]
        for name in ("search_half_sorted_by_metric", "search_new_threshold_each_time")
    }
    checks = {
        "summary p50 <= 100 ms": results["summary"]["p50_ms"] <= 100,
        "runs page p50 <= 1.2 x MLflow search_runs p50": ratio <= 1.2,
        "load: zero errors": results["load"]["errors"] == 0,
        "search (half the runs, sorted by a metric) p50 <= 50 ms": results[
            "search_half_sorted_by_metric"
        ]["p50_ms"]
        <= 50,
        "search, a new threshold each time, p50 <= 50 ms": results[
            "search_new_threshold_each_time"
        ]["p50_ms"]
        <= 50,
        f"runs.csv has all {RUNS} runs": csv_result["data_rows"] == RUNS,
        "runs.csv of every run <= 3 s": csv_result["seconds"] <= 3,
        "runs.csv: worker memory grew < 1/4 of the CSV's size": csv_result[
            "worker_rss_growth_bytes"
        ]
        < csv_result["bytes"] / 4,
    }
    print(f"\nmetrics-api at {RUNS} runs (gunicorn {WORKERS} workers; same machine, same run)")
    print(f"{'':34} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'n':>6}")
    for name, row in results.items():
        if name == "load":
            continue
        print(
            f"{name:34} {row['p50_ms']:9.1f} {row['p95_ms']:9.1f} {row['p99_ms']:9.1f} "
            f"{row['n']:6d}"
        )
    print(f"\nruns page / MLflow search_runs (p50): {ratio:.3f}")
    for name, search_ratio in search_ratios.items():
        print(f"{name} / unfiltered runs page (p50): {search_ratio:.2f}")
    print(
        f"load: {CLIENTS} clients x {LOAD_SECONDS:.0f} s, {results['load']['requests_per_s']:.0f}"
        f" req/s, errors {results['load']['errors']} {results['load']['error_kinds']}, "
        f"p99 {results['load']['p99_ms']:.1f} ms"
    )
    print(
        f"search: {matched['total']} of {RUNS} runs match "
        f"(q = metrics.train_loss < 0.5 and run_name LIKE '%-%'), sorted by val_ndcg_at_10"
    )
    print(
        f"runs.csv: {csv_result['data_rows']} rows, {csv_result['bytes'] / 1e6:.1f} MB in "
        f"{csv_result['seconds']:.2f} s; serving worker RSS grew "
        f"{csv_result['worker_rss_growth_bytes'] / 1e6:.1f} MB while streaming "
        f"({csv_result['worker_rss_growth_bytes'] / csv_result['bytes']:.2f} x the CSV size)"
        f"; the first download: {first_csv['seconds']:.2f} s, RSS grew "
        f"{first_csv['worker_rss_growth_bytes'] / 1e6:.1f} MB"
    )
    loads = " ".join(f"{x:.1f}" for x in load_before), " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average (1/5/15 min) before: {loads[0]}, after: {loads[1]}")
    return finish(
        "bench_api",
        checks,
        {
            "runs": RUNS,
            "workers": WORKERS,
            "results": results,
            "runs_page_vs_mlflow": ratio,
            "search_vs_runs_page": search_ratios,
            "search_matched": matched["total"],
            "csv": csv_result,
            "csv_first": first_csv,
        },
    )


if __name__ == "__main__":
    sys.exit(main())
