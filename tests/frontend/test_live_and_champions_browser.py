"""Live training and champion history in headless Chromium, on a stack of their own (own
experiment, own registered-model names, own metrics API and nginx over the shared secured MLflow
server), so the other browser tests' run counts and champions stay put.

A tiny real training (tests/trainer/tiny_training.py, through the trainer's tracking callbacks)
is held after each epoch until the page has shown it: the test waits on what the page shows,
never on the clock."""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient
from movie_genie_trainer.tracking import callbacks_for
from playwright.sync_api import Page, expect

from tests.frontend.metrics_api_server import start_metrics_api
from tests.frontend.nginx_server import NginxFrontend
from tests.harness.mlflow_server import CLIENT_SECRETS, Accounts
from tests.metrics_api import seeding
from tests.trainer import tiny_training

CARDS = "[data-testid=run-card]"
SUFFIX = uuid.uuid4().hex[:8]
PREFIX = f"live-{SUFFIX}-"
EPOCHS = tiny_training.CONFIG["training"]["epochs"]  # 3: logged as the training.epochs param
# The runs list polls every 10 s while nothing runs; the API sees a new run within ~2 s.
LIST_WAIT_MS = 45_000
# A running run's page polls every 3 s.
PAGE_WAIT_MS = 30_000


@dataclass
class LiveStack:
    url: str
    trainer_env: dict[str, str]
    runs: list[str]  # two finished two-tower runs with registered versions: A, B


def set_env(patch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name in CLIENT_SECRETS:
        patch.delenv(name, raising=False)
    for key, value in env.items():
        patch.setenv(key, value)


@pytest.fixture(scope="module")
def live_stack(secured_mlflow_server, frontend_dist, tmp_path_factory):
    server = secured_mlflow_server
    work = tmp_path_factory.mktemp("live")
    config = work / "mlflow.yaml"
    config.write_text(
        f"registered_models:\n  two-tower: {PREFIX}two-tower\n"
        "retry:\n  request_timeout_seconds: 10\n  flush_timeout_seconds: 60\n"
    )
    experiment = f"frontend-live-{SUFFIX}"
    trainer_env = {
        "MOVIE_GENIE_MLFLOW_CONFIG": str(config),
        "MLFLOW_EXPERIMENT_NAME": experiment,
        "MLFLOW_TRACKING_URI": server.url,
        **Accounts.client_env(server.accounts.trainer),
    }
    with pytest.MonkeyPatch.context() as patch:
        set_env(patch, trainer_env)
        patch.delenv("DVC_STAGE", raising=False)
        for name, ndcg in (("a", 0.2), ("b", 0.3)):
            seeding.log_run("two-tower", work / name, ndcg)
        set_env(patch, Accounts.client_env(server.accounts.admin))
        client = MlflowClient(server.url)
        experiment_id = client.get_experiment_by_name(experiment).experiment_id
        runs = client.search_runs([experiment_id], order_by=["attributes.start_time ASC"])
    api, api_url = start_metrics_api(
        work,
        server.url,
        experiment,
        "",
        server.url,
        client_env=Accounts.client_env(server.accounts.metrics_api),
        METRICS_API_WORKERS="1",
        METRICS_API_REGISTERED_MODEL_PREFIX=PREFIX,
    )
    nginx = NginxFrontend(work / "nginx", frontend_dist, api_url).start()
    yield LiveStack(nginx.url, trainer_env, [run.info.run_id for run in runs])
    nginx.stop()
    api.stop()


def test_a_run_started_now_shows_up_and_its_epochs_rise_without_a_reload(
    page: Page, live_stack: LiveStack, monkeypatch, tmp_path: Path
):
    set_env(monkeypatch, live_stack.trainer_env)
    monkeypatch.delenv("DVC_STAGE", raising=False)
    page.goto(live_stack.url + "/metrics")
    expect(page.locator(CARDS).first).to_be_visible(timeout=20_000)
    # Gone on a reload: still there at the end means the page never reloaded.
    page.evaluate("window.__notReloaded = true")

    shown = {epoch: threading.Event() for epoch in range(1, EPOCHS + 1)}
    failure: list[BaseException] = []

    def hold(epoch: int) -> None:
        shown[epoch].wait(120)  # until the page has shown this epoch (or the test gave up)

    def train() -> None:
        try:
            tiny_training.train(
                callbacks_for("two-tower", tiny_training.CONFIG),
                tmp_path / "out",
                EPOCHS,
                model_name="two-tower",
                after_epoch=hold,
            )
        except BaseException as error:  # handed to the test below
            failure.append(error)

    trainer = threading.Thread(target=train, name="live-training")
    trainer.start()
    try:
        live_card = page.locator(CARDS, has=page.get_by_test_id("run-progress"))
        expect(live_card).to_have_count(1, timeout=LIST_WAIT_MS)
        expect(live_card.get_by_test_id("run-epoch")).to_have_text(
            f"1 / {EPOCHS}", timeout=PAGE_WAIT_MS
        )
        live_card.get_by_role("link").first.click()
        expect(page).to_have_url(re.compile(r"/metrics/runs/[0-9a-f]{32}$"))
        epoch = page.get_by_test_id("run-epoch")
        expect(epoch).to_have_text(f"1 / {EPOCHS}", timeout=PAGE_WAIT_MS)
        expect(page.get_by_test_id("run-progress")).to_contain_text("ETA")
        dots = page.get_by_test_id("curve-chart-train_loss").locator(".recharts-line-dot")
        for done in range(1, EPOCHS):
            expect(dots).to_have_count(done, timeout=PAGE_WAIT_MS)
            shown[done].set()  # the trainer goes on to the next epoch
            expect(epoch).to_have_text(f"{done + 1} / {EPOCHS}", timeout=PAGE_WAIT_MS)
        shown[EPOCHS].set()
        # The run ends: the progress goes, the curve keeps every epoch, polling stops.
        expect(page.get_by_test_id("run-progress")).to_have_count(0, timeout=PAGE_WAIT_MS)
        expect(dots).to_have_count(EPOCHS, timeout=PAGE_WAIT_MS)
        expect(page.get_by_test_id("status-badge")).to_have_text("inactive")
        assert page.evaluate("window.__notReloaded") is True
    finally:
        for event in shown.values():
            event.set()
        trainer.join(180)
    assert not trainer.is_alive() and not failure, failure


def test_promote_a_then_b_then_roll_back_lists_three_changes_and_a_is_champion(
    page: Page, live_stack: LiveStack, editor, secured_mlflow_server, monkeypatch
):
    a, b = live_stack.runs
    page.goto(f"{live_stack.url}/metrics/runs/{a}")
    page.get_by_role("button", name="Promote to active").click()
    page.get_by_label("MLflow username").fill(editor[0])
    page.get_by_label("Password").fill(editor[1])
    page.get_by_role("button", name="Confirm promotion").click()
    # MLflow checks a new person's password once (a slow hash by design), then caches it.
    expect(page.get_by_text(re.compile(rf"Promoted by {editor[0]}"))).to_be_visible(timeout=30_000)

    # The same tab keeps the signed-in person for the session: no second question.
    page.goto(f"{live_stack.url}/metrics/runs/{b}")
    page.get_by_role("button", name="Promote to active").click()
    expect(page.get_by_text(re.compile(rf"Promoted by {editor[0]}"))).to_be_visible(timeout=30_000)
    changes = page.get_by_test_id("champion-history").get_by_test_id("champion-change")
    expect(changes).to_have_count(2)

    page.get_by_role("button", name=re.compile(r"^Roll back to version \d+$")).click()
    expect(page.get_by_text(re.compile(rf"Rolled back by {editor[0]}"))).to_be_visible(
        timeout=30_000
    )
    expect(changes).to_have_count(3)
    assert [changes.nth(i).get_attribute("data-action") for i in range(3)] == [
        "rollback",
        "promote",
        "promote",
    ]
    expect(changes.first).to_contain_text(f"by {editor[0]}")
    expect(page.get_by_test_id("status-badge")).to_have_text("inactive")  # B's page

    set_env(monkeypatch, Accounts.client_env(secured_mlflow_server.accounts.admin))
    client = MlflowClient(secured_mlflow_server.url)
    champion = client.get_model_version_by_alias(f"{PREFIX}two-tower", "champion")
    assert champion.run_id == a
    assert changes.first.get_attribute("data-version") == champion.version
