"""Frontend budget and speed (issue 6, must-show 3).

    .venv/bin/python bench/bench_frontend.py      # or: make bench

1. Initial JavaScript of the production build (the entry script and its modulepreloads in
   dist/index.html; lazily loaded chunks such as the charts are not counted), gzipped at level 9,
   against the 250 KB budget.
2. Time from navigation start until headless Chromium shows the dashboard's summary for 1,000
   runs (total = 1,000 and the first page of runs drawn: a table at that size), against a
   baseline measured in the same run: the same dashboard over an experiment with no runs.
   The app is served by the real nginx template; /api/ goes to a stdlib stub that answers with
   synthetic runs shaped like the metrics-api contract (params and metrics as the trainer logs
   them), so the figure measures the frontend, not MLflow or the API. Five cold loads each.
Results also land in bench-results/frontend.json.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.results import finish  # noqa: E402
from tests.frontend.build import ensure_build  # noqa: E402
from tests.frontend.nginx_server import NginxFrontend  # noqa: E402
from tests.harness.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.harness.process import free_port  # noqa: E402

BUDGET_KB = 250
RUNS = 1000
REPEATS = 5


def initial_js(dist: Path) -> tuple[list[str], int, int]:
    html = (dist / "index.html").read_text()
    paths = re.findall(r'<script[^>]+src="([^"]+\.js)"', html)
    paths += re.findall(r'<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"', html)
    raw = [(dist / p.lstrip("/")).read_bytes() for p in paths]
    return paths, sum(map(len, raw)), sum(len(gzip.compress(b, 9)) for b in raw)


def synthetic_run(i: int) -> dict:
    name = ("two-tower", "bert4rec", "popularity")[i % 3]
    kind = {"two-tower": "retrieval", "bert4rec": "ranking", "popularity": "baseline"}[name]
    metrics = {
        f"{m}_at_{k}": 0.01 * ((i * 7 + k) % 50)
        for m in ("recall", "ndcg", "coverage")
        for k in (10, 50, 100)
    }
    metrics |= {
        "train_loss": 6.0 - i % 5 * 0.1,
        "val_loss": 6.2,
        "learning_rate": 0.001,
        "total_parameters": 120_000 + i,
        "training_time_seconds": 30.0 + i % 60,
        "epochs_trained": 10,
        "best_epoch": 8,
        "num_users": 943,
        "num_movies": 1682,
        "num_interactions": 100_000,
    }
    params = {f"model.p{j}": str(j * i % 97) for j in range(20)}
    params |= {f"training.p{j}": str(j) for j in range(20)}
    tags = {
        "model_type": kind,
        "model_name": name,
        "framework": "pytorch",
        "status": "inactive",
        "git_commit": f"{i:040x}",
        "data_version": "md5:0123456789abcdef",
        "dataset": "ml-100k",
        "dvc_stage": f"train_{name.replace('-', '_')}",
        "dvc_pipeline": "true",
    }
    start = 1_760_000_000_000 - i * 60_000
    return {
        "run_id": f"{i:032x}",
        "run_name": f"{name}-run-{i:04d}",
        "experiment_id": "1",
        "status": "FINISHED",
        "start_time": start,
        "end_time": start + 45_000,
        "artifact_uri": f"mlflow-artifacts:/1/{i:032x}/artifacts",
        "model_type": kind,
        "model_name": name,
        "framework": "pytorch",
        "model_status": "inactive",
        "metrics": metrics,
        "params": params,
        "tags": tags,
    }


class StubApi:
    """Answers /api/health, /api/models/summary and /api/models/runs (paged) for ``runs``."""

    def __init__(self, runs: list[dict]) -> None:
        counts: dict[str, dict[str, int]] = {"type": {}, "status": {}}
        for run in runs:
            counts["type"][run["model_type"]] = counts["type"].get(run["model_type"], 0) + 1
            counts["status"]["inactive"] = counts["status"].get("inactive", 0) + 1
        best = {}
        for run in runs:
            if run["metrics"]["ndcg_at_10"] > best.get(run["model_type"], {}).get(
                "metrics", {}
            ).get("ndcg_at_10", -1):
                best[run["model_type"]] = run
        latest = {}
        for run in runs:
            latest.setdefault(run["model_name"], run)
        self.runs = runs
        self.summary = {
            "total_runs": len(runs),
            "counts_by_type": counts["type"],
            "counts_by_status": counts["status"],
            "latest_models": list(latest.values()),
            "best_runs": best,
            "best_metric": "ndcg_at_10",
            "refreshed_at": 1_760_000_000,
        }
        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/api/health":
                    body = {
                        "status": "ok",
                        "mlflow": {"reachable": True, "tracking_uri": "http://stub"},
                        "experiment": "bench",
                        "mlflow_ui_url": "http://127.0.0.1:5000",
                    }
                    extra = {}
                elif url.path == "/api/models/summary":
                    body, extra = api.summary, {}
                elif url.path == "/api/models/runs":
                    start, limit = int(query.get("page_token", 0)), int(query.get("limit", 50))
                    body = api.runs[start : start + limit]
                    more = start + limit < len(api.runs)
                    extra = {
                        "count": len(body),
                        "total": len(api.runs),
                        "next_page_token": str(start + limit) if more else None,
                    }
                else:
                    self.send_error(404)
                    return
                payload = json.dumps({"success": True, "data": body, **extra}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self) -> StubApi:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


SHOWN = """(expected) => {
  const total = document.querySelector('[data-testid=total-runs]');
  if (!total || total.textContent !== expected.total.toLocaleString()) return false;
  // Past a few dozen runs the dashboard shows a table; below, cards.
  const drawn = expected.total === 0
    ? document.body.textContent.includes('No runs yet')
    : document.querySelectorAll('[data-testid=run-card], [data-testid=run-row]').length
      === expected.cards;
  return drawn ? performance.now() : false;
}"""


def time_dashboard(browser, dist: Path, runs: list[dict], work: Path) -> list[float]:
    """Milliseconds from navigation start until the summary and first cards are on screen."""
    with StubApi(runs) as api:
        nginx = NginxFrontend(work, dist, f"http://127.0.0.1:{api.port}").start()
        try:
            times = []
            for _ in range(REPEATS + 1):  # the first load warms nginx and the OS cache
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.goto(nginx.url + "/metrics", wait_until="commit")
                shown = page.wait_for_function(
                    SHOWN,
                    arg={"total": len(runs), "cards": min(len(runs), 100)},
                    polling="raf",
                    timeout=60_000,
                )
                times.append(float(shown.json_value()))
                context.close()
            return times[1:]
        finally:
            nginx.stop()


def main() -> int:
    dist = ensure_build()
    paths, raw, gz = initial_js(dist)
    print(
        f"initial JS: {len(paths)} file(s), {raw / 1024:.1f} KB raw, {gz / 1024:.1f} KB gzip "
        f"= {gz / 1024 / BUDGET_KB:.2f} of the {BUDGET_KB} KB budget"
    )
    lazy = sorted(
        p.name for p in (dist / "assets").glob("*.js") if f"/assets/{p.name}" not in paths
    )
    print(f"  lazy chunks (not counted): {', '.join(lazy)}")

    runs = [synthetic_run(i) for i in range(RUNS)]
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            empty = time_dashboard(browser, dist, [], Path(tmp) / "empty")
            full = time_dashboard(browser, dist, runs, Path(tmp) / "full")
        finally:
            browser.close()
    base, value = statistics.median(empty), statistics.median(full)
    print(f"dashboard shown, median of {REPEATS} cold loads in headless Chromium:")
    print(f"  baseline (0 runs, empty state):        {base:7.0f} ms")
    print(
        f"  {RUNS} runs (summary + first 100 cards): {value:7.0f} ms  = {value / base:.2f}x "
        "baseline"
    )
    return finish(
        "frontend",
        {f"initial JS <= {BUDGET_KB} KB gzip": gz / 1024 <= BUDGET_KB},
        {
            "initial_js_files": paths,
            "initial_js_raw_bytes": raw,
            "initial_js_gzip_bytes": gz,
            "budget_kb": BUDGET_KB,
            "budget_ratio": gz / 1024 / BUDGET_KB,
            "baseline_empty_ms": empty,
            f"runs_{RUNS}_ms": full,
            "median_ratio": value / base,
        },
    )


if __name__ == "__main__":
    sys.exit(main())
