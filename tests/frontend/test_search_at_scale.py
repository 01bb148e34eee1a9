"""Headless Chromium over 10,000 runs: search, sort, export and the settings chart.

The runs go straight into the harness MLflow server's Postgres tables (tests/harness/bulk_runs.py,
the benchmark's seeder); the API under gunicorn and nginx serve them as in production. Expected
values come from Postgres with SQL, not from the API under test.
"""

from __future__ import annotations

import csv
import re
import time
import uuid

import psycopg2
import pytest
import requests
from mlflow.tracking import MlflowClient
from playwright.sync_api import Page, expect

from tests.frontend.metrics_api_server import start_metrics_api
from tests.frontend.nginx_server import NginxFrontend
from tests.harness.bulk_runs import seed

RUNS = 10_000
# Each first answer for a new search is computed over 10,000 runs on a possibly busy machine;
# Playwright's 5 s default is meant for one click's effect, not for that.
WAIT = 60_000
QUERY = "metrics.train_loss < 0.5 and model_name = 'bert4rec'"
ROWS = "[data-testid=run-row]"


@pytest.fixture(scope="module")
def scale(postgres, mlflow_server, frontend_dist, tmp_path_factory):
    name = f"scale-{uuid.uuid4().hex[:8]}"
    experiment_id = MlflowClient(mlflow_server.url).create_experiment(name)
    seed(postgres.uri, experiment_id, RUNS)
    # The API loads its cache straight from MLflow's Postgres, read-only (METRICS_API_STORE_URI,
    # as at scale): paging 10,000 runs through MLflow's REST search would cost minutes of this
    # module, and that path has tests of its own (tests/metrics_api).
    process, api_url = start_metrics_api(
        tmp_path_factory.mktemp("scale-api"),
        mlflow_server.url,
        name,
        "unused-token",
        mlflow_server.url,
        METRICS_API_STORE_URI=postgres.uri,
        MLFLOW_HTTP_REQUEST_TIMEOUT="120",  # busy CI, not dead
        METRICS_API_WORKERS="1",
    )  # one load of 10,000 runs
    # A request waits (up to 2.5 s, then 503 "still loading") for the cache to load.
    deadline = time.monotonic() + 600
    while True:
        summary = requests.get(f"{api_url}/api/models/summary", timeout=600)
        if summary.status_code != 503 or time.monotonic() > deadline:
            break
    assert summary.status_code == 200, summary.text
    assert summary.json()["data"]["total_runs"] == RUNS
    web = NginxFrontend(tmp_path_factory.mktemp("scale-nginx"), frontend_dist, api_url).start()
    yield {
        "url": web.url,
        "experiment_id": experiment_id,
        "dsn": postgres.uri.replace("postgresql+psycopg2://", "postgresql://"),
    }
    web.stop()
    process.stop()


def matching(scale) -> list[tuple[str, float, int, str]]:
    """(run id, val_ndcg_at_10, start_time, name) of the runs QUERY selects, by SQL."""
    sql = """
        SELECT r.run_uuid, v.value, r.start_time, r.name FROM runs r
        JOIN latest_metrics t ON t.run_uuid = r.run_uuid AND t.key = 'train_loss'
        JOIN tags m ON m.run_uuid = r.run_uuid AND m.key = 'model_name'
        JOIN latest_metrics v ON v.run_uuid = r.run_uuid AND v.key = 'val_ndcg_at_10'
        WHERE r.experiment_id = %s AND t.value < 0.5 AND m.value = 'bert4rec'"""
    with psycopg2.connect(scale["dsn"]) as connection, connection.cursor() as cursor:
        cursor.execute(sql, (int(scale["experiment_id"]),))
        return cursor.fetchall()


def search(page: Page, scale) -> None:
    page.goto(scale["url"] + "/metrics")
    expect(page.get_by_test_id("total-runs")).to_have_text("10,000", timeout=WAIT)
    page.get_by_label("Search runs").fill(QUERY)
    page.get_by_label("Search runs").press("Enter")


def test_typing_a_query_shows_the_count_and_the_best_run_first(page, scale):
    expected = matching(scale)
    best = max(expected, key=lambda row: row[1])[0]
    search(page, scale)
    expect(page.get_by_test_id("runs-count")).to_have_text(
        re.compile(rf"^{len(expected):,} of 10,000 runs"), timeout=WAIT
    )
    expect(page.get_by_test_id("total-runs")).to_have_text(f"{len(expected):,}", timeout=WAIT)
    expect(page.locator(ROWS).first).to_have_attribute("data-run-id", best, timeout=WAIT)
    assert "q=metrics.train_loss" in page.url


def test_sorting_by_a_column_reorders_the_runs(page, scale):
    expected = matching(scale)
    search(page, scale)
    expect(page.locator(ROWS)).to_have_count(100, timeout=WAIT)
    page.get_by_role("button", name=re.compile("^Started")).click()
    newest = max(expected, key=lambda row: row[2])[0]
    expect(page.locator(ROWS).first).to_have_attribute("data-run-id", newest, timeout=WAIT)
    page.get_by_role("button", name=re.compile("^Started")).click()
    oldest = min(expected, key=lambda row: row[2])[0]
    expect(page.locator(ROWS).first).to_have_attribute("data-run-id", oldest, timeout=WAIT)
    assert "sort=start_time+ASC" in page.url or "sort=start_time%20ASC" in page.url


def test_export_downloads_every_matching_run(page, scale, tmp_path):
    expected = matching(scale)
    search(page, scale)
    expect(page.get_by_test_id("runs-count")).to_have_text(
        re.compile(f"^{len(expected):,} of"), timeout=WAIT
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    path = tmp_path / "runs.csv"
    download.value.save_as(path)
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(expected)
    assert {row["run_id"] for row in rows} == {row[0] for row in expected}
    assert rows[0]["run_id"] == max(expected, key=lambda row: row[1])[0]  # the table's order
    assert "metrics.val_ndcg_at_10" in rows[0]


TOPMOST_POINT = """(canvas) => {
  const { width, height } = canvas;
  const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  for (let y = 0; y < height; y++) {
    const xs = [];
    for (let x = 0; x < width; x++) if (pixels[(y * width + x) * 4 + 3] > 0) xs.push(x);
    if (xs.length) {
      const ratio = width / canvas.getBoundingClientRect().width;
      return { x: (xs[0] + xs[xs.length - 1]) / 2 / ratio, y: y / ratio };
    }
  }
  return null;
}"""


def open_settings_chart(page, scale):
    """The search's matching runs (from SQL) and the chart, once the count shows them all."""
    expected = matching(scale)
    search(page, scale)
    expect(page.get_by_test_id("runs-count")).to_have_text(
        re.compile(f"^{len(expected):,} of"), timeout=WAIT
    )
    page.get_by_role("button", name="Settings vs results").click()
    return expected, page.get_by_test_id("settings-chart")


def point_at_a_top_run(canvas, at: dict, tooltip, expected) -> tuple[str, str]:
    """Hover ``at`` on the canvas: the tooltip names a run among the best 1% of the matching
    runs (from SQL; several may be drawn there, so the test reads which one), by its name."""
    canvas.hover(position=at)
    expect(tooltip).to_be_visible()
    pointed = tooltip.get_attribute("data-run-id")
    values = sorted((row[1] for row in expected), reverse=True)
    by_id = {row[0]: row for row in expected}
    assert by_id[pointed][1] >= values[len(values) // 100], "not a run at the top of the chart"
    assert by_id[pointed][3] in tooltip.inner_text()
    return pointed, by_id[pointed][3]


def click_opens_the_run(page, canvas, at: dict, run_id: str, name: str) -> None:
    canvas.click(position=at)
    expect(page).to_have_url(re.compile(rf"/metrics/runs/{run_id}$"), timeout=WAIT)
    expect(page.get_by_role("heading", level=1)).to_have_text(name, timeout=WAIT)


def test_the_chart_draws_every_matching_run_and_a_point_opens_its_run(page, scale):
    expected, chart = open_settings_chart(page, scale)
    chart.get_by_label("Setting (x)").select_option("model.p0")
    expect(chart.get_by_label("Result (y)")).to_have_value("val_ndcg_at_10")
    points = chart.get_by_test_id("settings-chart-points")
    expect(points).to_have_attribute("data-points", str(len(expected)), timeout=WAIT)
    expect(chart.get_by_test_id("settings-chart-count")).to_have_text(
        re.compile(rf"^{len(expected):,} runs plotted"), timeout=WAIT
    )
    # The highest point on the canvas: a run with one of the best values (points may overlap
    # there, so the test reads which run the pointer is on), and a click opens that run.
    top = points.evaluate(TOPMOST_POINT)
    assert top is not None, "nothing drawn on the chart's canvas"
    centre = {"x": top["x"], "y": top["y"] + 3}
    tooltip = chart.get_by_test_id("settings-chart-tooltip")
    pointed, name = point_at_a_top_run(points, centre, tooltip, expected)
    click_opens_the_run(page, points, centre, pointed, name)


COLUMN_TOP = """(canvas, x) => {
  const ratio = canvas.width / canvas.getBoundingClientRect().width;
  const column = Math.floor(x * ratio) - 1; // just left of the axis, where the lines end
  const pixels = canvas.getContext('2d').getImageData(column, 0, 1, canvas.height).data;
  for (let y = 0; y < canvas.height; y++) if (pixels[y * 4 + 3] > 0) return y / ratio;
  return null;
}"""


def param_of(scale, run_id: str, key: str) -> str:
    with psycopg2.connect(scale["dsn"]) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT value FROM params WHERE run_uuid = %s AND key = %s", (run_id, key))
        return cursor.fetchone()[0]


def test_parallel_coordinates_draw_every_matching_run_and_a_line_opens_its_run(page, scale):
    expected, chart = open_settings_chart(page, scale)
    chart.get_by_role("button", name="Several settings").click()
    chart.get_by_text(re.compile(r"^Settings \(axes\)")).click()
    axes = chart.get_by_role("group", name="Settings drawn as axes")
    for box in axes.get_by_role("checkbox").all():
        box.uncheck()
    for name in ("model.p0", "model.p1", "training.p0"):
        axes.get_by_label(name, exact=True).check()
    expect(chart.get_by_label("Result (last axis)")).to_have_value("val_ndcg_at_10")
    lines = chart.get_by_test_id("parallel-lines")
    expect(lines).to_have_attribute("data-lines", str(len(expected)), timeout=WAIT)
    expect(lines).to_have_attribute("data-drawn", str(len(expected)), timeout=WAIT)
    expect(chart.get_by_test_id("parallel-axis")).to_have_count(4)
    expect(chart.get_by_test_id("settings-chart-count")).to_have_text(
        re.compile(rf"^{len(expected):,} runs drawn"), timeout=WAIT
    )
    # The highest line on the metric axis (the last): one of the best runs. The test reads
    # which run the pointer is on, checks it against Postgres, and a click opens it.
    metric_axis = chart.locator("[data-testid=parallel-axis][data-column='metrics.val_ndcg_at_10']")
    canvas_box, axis_box = lines.bounding_box(), metric_axis.bounding_box()
    x = axis_box["x"] - canvas_box["x"]
    top = lines.evaluate(COLUMN_TOP, x)  # the first painted pixel down that column
    assert top is not None, "nothing drawn on the metric axis"
    at = {"x": x, "y": top + 1}
    tooltip = chart.get_by_test_id("parallel-tooltip")
    pointed, name = point_at_a_top_run(lines, at, tooltip, expected)
    assert f"model.p0 {param_of(scale, pointed, 'model.p0')}" in tooltip.inner_text()
    click_opens_the_run(page, lines, at, pointed, name)
