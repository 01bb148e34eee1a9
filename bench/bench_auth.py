"""metrics-api latency with MLflow's basic-auth on vs off (issue 11, must-show 5).

    .venv/bin/python bench/bench_auth.py            # or: make bench

One Postgres; two real tracking servers on it (own databases, one worker each): auth off, and
auth on exactly as compose runs it (roles, service accounts, cached credential checks). Each gets
the same RUNS runs with per-epoch history, logged through MLflow. One metrics-api per server under
gunicorn; the one in front of the secured server signs in with the `metrics-api` service account.
Then, alternating between the two so drift hits both alike: the summary, one run's detail and a
compare of 3 runs with two histories each, as the dashboard asks. Target: each p50 with auth on
<= 1.2 x with auth off. For reference (no target), the same alternation straight against MLflow
as the API's account: what one call costs with auth on, and why the API answers finished runs
from its caches (metrics_api/histories.py). Results also land in bench-results/bench_auth.json.
Exit status 1 when a target is missed.
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
from mlflow.entities import Metric, Param  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

from bench.latency import stats  # noqa: E402
from bench.results import finish  # noqa: E402
from tests.harness.mlflow_server import Accounts, MlflowServer  # noqa: E402
from tests.harness.postgres import PostgresCluster  # noqa: E402
from tests.harness.services import METRICS_API, start_service  # noqa: E402

RUNS = int(os.environ.get("BENCH_AUTH_RUNS", "30"))
REQUESTS = int(os.environ.get("BENCH_AUTH_REQUESTS", "60"))
EXPERIMENT = "bench-auth"
TARGET = 1.2


def seed(url: str, admin: tuple[str, str]) -> list[str]:
    os.environ.update(Accounts.client_env(admin))  # ignored by the server without auth
    client = MlflowClient(url)
    experiment_id = client.create_experiment(EXPERIMENT)
    run_ids = []
    now = int(time.time() * 1000)
    for i in range(RUNS):
        model = ("two-tower", "bert4rec")[i % 2]
        run = client.create_run(
            experiment_id,
            tags={"model_name": model, "status": "inactive", "model_type": "retrieval"},
        )
        metrics = [
            Metric(key, 1 / (epoch + 2), now + epoch, epoch)
            for epoch in range(20)
            for key in ("train_loss", "val_loss")
        ]
        metrics += [Metric("ndcg_at_10", 0.01 * i, now, 0)]
        client.log_batch(
            run.info.run_id, metrics=metrics, params=[Param(f"p{j}", str(j)) for j in range(20)]
        )
        client.set_terminated(run.info.run_id)
        run_ids.append(run.info.run_id)
    return run_ids


def start_api(url: str, root: Path, account: tuple[str, str] | None) -> tuple[str, object]:
    process, base = start_service(
        METRICS_API,
        root / "gunicorn.log",
        {
            "MLFLOW_TRACKING_URI": url,
            "MLFLOW_EXPERIMENT_NAME": EXPERIMENT,
            "METRICS_API_WORKERS": "1",
            "METRICS_API_LOG_LEVEL": "warning",
            **(Accounts.client_env(account) if account else {}),
        },
        timeout=180,
    )
    return base, process


def measure(calls: dict, sessions: dict, bases: dict, runs: dict) -> dict:
    """p50 inputs per call and mode, alternating off/on so drift hits both alike."""
    timings = {name: {"off": [], "on": []} for name in calls}
    for name, call in calls.items():
        for mode in ("off", "on"):  # warm both: connections, caches, the credential cache
            for _ in range(5):
                response = call(sessions[mode], bases[mode], runs[mode])
                assert response.status_code == 200, (name, mode, response.text[:200])
        for _ in range(REQUESTS):
            for mode in ("off", "on"):
                start = time.perf_counter()
                response = call(sessions[mode], bases[mode], runs[mode])
                timings[name][mode].append(time.perf_counter() - start)
                assert response.status_code == 200, (name, mode, response.status_code)
    return timings


def p50_ms(values: list[float]) -> float:
    return stats(values)["p50_ms"]


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="bench-auth-"))
    postgres = PostgresCluster().init()
    processes = []
    try:
        accounts = Accounts.generate()
        plain = MlflowServer(
            root / "plain",
            backend_uri=postgres.create_database("plain"),
            artifacts_destination=str(root / "plain-artifacts"),
        ).start(timeout=600)
        processes.append(plain)
        secured = MlflowServer(
            root / "secured",
            backend_uri=postgres.create_database("secured"),
            artifacts_destination=str(root / "secured-artifacts"),
            accounts=accounts,
        ).start(timeout=600)
        processes.append(secured)
        runs = {"off": seed(plain.url, accounts.admin), "on": seed(secured.url, accounts.admin)}
        apis = {}
        for mode, server, account in (("off", plain, None), ("on", secured, accounts.metrics_api)):
            apis[mode], process = start_api(server.url, root / f"api-{mode}", account)
            processes.append(process)
        calls = {
            "summary": lambda s, base, ids: s.get(f"{base}/api/models/summary", timeout=60),
            "run detail": lambda s, base, ids: s.get(
                f"{base}/api/models/runs/{ids[0]}", timeout=60
            ),
            "compare (3 runs)": lambda s, base, ids: s.post(
                f"{base}/api/models/compare",
                timeout=60,
                json={"run_ids": ids[:3], "history_metrics": ["train_loss", "val_loss"]},
            ),
        }
        sessions = {"off": requests.Session(), "on": requests.Session()}
        timings = measure(calls, sessions, apis, runs)
        direct = {  # reference only: MLflow's REST API itself, as the metrics API's account
            "MLflow get_run": lambda s, base, ids: s.get(
                f"{base}/api/2.0/mlflow/runs/get", params={"run_id": ids[0]}, timeout=60
            ),
            "MLflow metric history": lambda s, base, ids: s.get(
                f"{base}/api/2.0/mlflow/metrics/get-history",
                timeout=60,
                params={"run_id": ids[0], "metric_key": "val_loss"},
            ),
        }
        mlflow_sessions = {"off": requests.Session(), "on": requests.Session()}
        mlflow_sessions["on"].auth = accounts.metrics_api
        reference = measure(direct, mlflow_sessions, {"off": plain.url, "on": secured.url}, runs)
    finally:
        for process in reversed(processes):
            process.stop()
        postgres.destroy()

    print(
        f"\nmetrics-api with MLflow auth off vs on ({RUNS} runs, {REQUESTS} requests each, "
        "alternating; same machine, same run)"
    )
    print(f"{'':20} {'off p50 ms':>11} {'on p50 ms':>11} {'on/off':>8}")
    results, checks = {}, {}
    for name, by_mode in timings.items():
        off, on = p50_ms(by_mode["off"]), p50_ms(by_mode["on"])
        results[name] = {"off_p50_ms": off, "on_p50_ms": on, "ratio": on / off}
        checks[f"{name}: auth on p50 <= {TARGET} x auth off"] = on / off <= TARGET
        print(f"{name:20} {off:11.1f} {on:11.1f} {on / off:8.3f}")
    for name, by_mode in reference.items():
        off, on = p50_ms(by_mode["off"]), p50_ms(by_mode["on"])
        results[name] = {"off_p50_ms": off, "on_p50_ms": on, "ratio": on / off}
        print(f"{name:20} {off:11.1f} {on:11.1f} {on / off:8.3f}   (reference, no target)")
    return finish("bench_auth", checks, {"runs": RUNS, "results": results})


if __name__ == "__main__":
    sys.exit(main())
