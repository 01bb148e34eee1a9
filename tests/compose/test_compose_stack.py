"""The compose stack for real: every image built, the stack up, `make train` run in the trainer
container; then checked only through the published loopback ports (the dashboard's /api and
MLflow's port), except for what only the engine can tell (users, images)."""

from __future__ import annotations

import filecmp
import json
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
import yaml
from mlflow.tracking import MlflowClient
from playwright.sync_api import expect

from bench.bench_slow_clients import SLOW_CLIENTS, TRICKLE_SECONDS, Tricklers, health_latencies
from tests.compose.report import record

pytestmark = [pytest.mark.compose, pytest.mark.timeout(5400)]

# At least these (other baselines may come and go); DVC writes each model's files to models/<dir>.
MODELS = {
    "two-tower": "retrieval",
    "bert4rec": "ranking",
    "popularity": "baseline",
    "ease": "baseline",
}


def output_dir(workdir: Path, model_name: str) -> Path:
    return workdir / "models" / model_name.replace("-", "_")


@pytest.fixture(autouse=True)
def as_mlflow_admin(stack, monkeypatch):
    """MLflow runs with its basic-auth in compose: these checks read MLflow as the .env admin."""
    monkeypatch.setenv(
        "MLFLOW_TRACKING_USERNAME", stack.settings.get("MLFLOW_AUTH_ADMIN_USERNAME", "admin")
    )
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", stack.settings["MLFLOW_AUTH_ADMIN_PASSWORD"])


def api_runs(stack) -> list[dict]:
    body = stack.api("/models/runs", limit=100).json()
    assert body["success"] is True, body
    return body["data"]


def registered_models(stack) -> list[str]:
    config = yaml.safe_load((stack.workdir / "configs" / "mlflow.yaml").read_text())
    return sorted(config["registered_models"].values())


def download(client: MlflowClient, run_id: str, path: str, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    return Path(client.download_artifacts(run_id, path, str(target)))


def matching_artifacts(client: MlflowClient, run: dict, workdir: Path) -> list[str]:
    """Artifacts of a run that DVC also wrote as files of the same name in the checkout."""
    local = output_dir(workdir, run["model_name"])
    return sorted(
        a.path
        for a in client.list_artifacts(run["run_id"])
        if not a.is_dir and (local / a.path).is_file()
    )


def test_make_train_logs_every_model_with_metrics(stack):
    runs = api_runs(stack)
    logged = {run["model_name"]: run["model_type"] for run in runs}
    assert logged.items() >= MODELS.items(), logged
    assert len(logged) == len(runs), "one run per model"
    for run in runs:
        assert run["status"] == "FINISHED", run
        for metric in ("recall_at_10", "ndcg_at_10", "training_time_seconds"):
            assert 0 <= run["metrics"][metric] < float("inf"), (run["model_name"], metric)


def test_artifacts_download_byte_identical_through_mlflow(stack, tmp_path):
    client = MlflowClient(stack.mlflow)
    for run in api_runs(stack):
        names = matching_artifacts(client, run, stack.workdir)
        assert names, f"{run['model_name']}: no artifact matches a file DVC wrote"
        local = output_dir(stack.workdir, run["model_name"])
        for name in names:
            fetched = download(client, run["run_id"], name, tmp_path / run["run_id"])
            assert filecmp.cmp(fetched, local / name, shallow=False), (run["model_name"], name)


def test_both_registered_models_have_a_version(stack):
    client = MlflowClient(stack.mlflow)
    for name in registered_models(stack):
        versions = client.search_model_versions(f"name='{name}'")
        assert versions, f"{name} has no version"


def test_dashboard_shows_the_runs(stack, page):
    runs = api_runs(stack)
    page.goto(stack.web + "/metrics")
    expect(page.get_by_test_id("total-runs")).to_have_text(str(len(runs)))
    cards = page.locator("[data-testid=run-card]")
    expect(cards).to_have_count(len(runs))
    for run in runs:
        expect(cards.filter(has_text=run["run_name"])).to_have_count(1)


def snapshot(stack, client: MlflowClient, tmp_path: Path) -> dict:
    """Runs, their metrics and loss histories, one artifact's bytes each, the registry aliases."""
    state: dict = {"runs": {}, "aliases": {}}
    for run in api_runs(stack):
        history = stack.api(f"/models/runs/{run['run_id']}/metrics/train_loss/history").json()
        names = matching_artifacts(client, run, stack.workdir)
        artifact = download(client, run["run_id"], names[0], tmp_path / run["run_id"])
        state["runs"][run["run_id"]] = {
            "metrics": run["metrics"],
            "history": history,
            "artifact": (names[0], artifact.read_bytes()),
        }
    for name in registered_models(stack):
        state["aliases"][name] = {
            alias: version for alias, version in client.get_registered_model(name).aliases.items()
        }
    return state


def test_down_and_up_keeps_runs_histories_artifacts_and_aliases(stack, tmp_path):
    client = MlflowClient(stack.mlflow)
    for name in registered_models(stack):
        newest = max(client.search_model_versions(f"name='{name}'"), key=lambda v: int(v.version))
        client.set_registered_model_alias(name, "champion", newest.version)
    before = snapshot(stack, client, tmp_path / "before")
    assert all(before["aliases"].values()) and len(before["runs"]) >= len(MODELS)
    stack.compose("down")  # volumes kept
    assert stack.container_ids() == []
    stack.compose("up", "-d", "--wait", timeout=900)
    stack.wait_for_api()
    assert snapshot(stack, client, tmp_path / "after") == before


def test_mlflow_restart_gives_json_503_then_recovers(stack):
    run = api_runs(stack)[0]
    path = f"/models/runs/{run['run_id']}"  # run details always read MLflow itself
    seen: list[tuple[int, dict | None, str | None]] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            try:
                response = stack.api(path)
                try:
                    body = response.json()
                except ValueError:
                    body = None
                seen.append((response.status_code, body, response.headers.get("Retry-After")))
            except requests.RequestException:
                seen.append((0, None, None))
            time.sleep(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        stack.compose("restart", "mlflow-server", timeout=300)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not (
            any(status == 503 for status, *_ in seen) and seen[-1][0] == 200
        ):
            time.sleep(0.5)
    finally:
        stop.set()
        poller.join(10)
    statuses = [status for status, *_ in seen]
    assert 503 in statuses, f"never saw 503 while mlflow-server restarted: {set(statuses)}"
    assert set(statuses) <= {200, 503}, f"answers other than 200/JSON 503: {set(statuses)}"
    for status, body, retry_after in seen:
        if status == 503:
            assert body is not None and body["success"] is False and body["error"], body
            assert retry_after is not None and int(retry_after) > 0, retry_after
    assert statuses[-1] == 200, "the API did not recover after mlflow-server restarted"
    assert stack.api(path).json()["data"]["metrics"] == run["metrics"]


def test_every_container_runs_as_non_root(stack):
    for container in stack.container_ids():
        name = stack.run("docker", "inspect", "-f", "{{.Name}}", container).stdout.strip()
        rows = stack.run("docker", "top", container, "-eo", "pid,uid").stdout.splitlines()[1:]
        uids = [row.split()[1] for row in rows]
        assert uids and "0" not in uids, f"{name} runs processes as root: {uids}"
    config = json.loads(stack.compose("--profile", "train", "config", "--format", "json").stdout)
    trainer_user = config["services"]["trainer"]["user"]
    assert not trainer_user.startswith(("0:", "root")), trainer_user


def test_no_secret_in_any_image(stack):
    secret_values = stack.secret_values()
    assert len(secret_values) >= 3, secret_values
    for image in stack.image_names():
        history = stack.run(
            "docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", image
        ).stdout
        inspect = stack.run("docker", "image", "inspect", image).stdout
        for value in secret_values:
            assert value not in history and value not in inspect, f"a secret is in {image}"


def test_trainer_wrote_dvc_outputs_as_the_checkout_owner(stack):
    owner = stack.workdir.stat().st_uid
    for name in MODELS:
        metrics = output_dir(stack.workdir, name) / "metrics.json"
        assert metrics.is_file() and metrics.stat().st_uid == owner, metrics
    dvc_status = subprocess.run(
        ["git", "-c", "safe.directory=*", "status", "--porcelain", "dvc.lock"],
        cwd=stack.workdir,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert dvc_status.strip(), "make train did not record the pipeline in dvc.lock"


def test_fifty_trickling_connections_through_nginx_do_not_starve_health(stack):
    """Issue 13's slow clients, against the compose stack: nginx in front, the API unpublished.
    The same requests and tricklers as bench/bench_slow_clients.py; the stage prints the p99 next
    to its 1 s target (timings are reported, not asserted)."""
    baseline = health_latencies(stack.web, count=100)
    with Tricklers(stack.ports["frontend"], SLOW_CLIENTS, TRICKLE_SECONDS) as slow:
        assert slow.ticked.wait(10)  # every connection is open and has sent its first byte
        attacked = health_latencies(stack.web, count=200)
    assert baseline["errors"] == 0, baseline
    assert attacked["errors"] == 0, attacked
    record("/api/health p99 through nginx, no other clients", f"{baseline['p99_ms']:.0f} ms")
    record(
        f"/api/health p99 through nginx, {SLOW_CLIENTS} clients sending a byte every "
        f"{TRICKLE_SECONDS:g} s (target <= 1000 ms)",
        f"{attacked['p99_ms']:.0f} ms",
    )


@pytest.mark.parametrize(
    ("service", "variable"),
    [
        ("mlflow-server", "MLFLOW_AUTH_ADMIN_PASSWORD"),
        ("metrics-api", "MLFLOW_TRACKING_PASSWORD"),
    ],
)
def test_a_placeholder_secret_stops_the_service_naming_it(stack, service, variable):
    """The images refuse .env.example's placeholders at start (issue 11), checked in a container."""
    result = subprocess.run(
        [
            "docker",
            "compose",
            "run",
            "--rm",
            "--no-deps",
            "-e",
            f"{variable}=change-me-please",
            service,
        ],
        cwd=stack.workdir,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0, result.stdout[-2000:]
    assert variable in result.stdout + result.stderr, (result.stdout + result.stderr)[-2000:]
