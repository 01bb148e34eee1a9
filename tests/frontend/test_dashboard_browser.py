"""Headless Chromium against the built dashboard behind the real nginx config, over a real
metrics-api and MLflow server holding runs logged by the trainer CLIs (see conftest.py)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

CARDS = "[data-testid=run-card]"


def open_dashboard(page: Page, url: str, cards: int = 3) -> None:
    page.goto(url)
    # A worker's first summary loads the runs from MLflow (with auth): allow a loaded machine.
    # The summary follows the URL's filter, so its total is the number of cards shown.
    expect(page.get_by_test_id("total-runs")).to_have_text(str(cards), timeout=20_000)
    expect(page.locator(CARDS)).to_have_count(cards)


def test_main_page_leads_to_the_dashboard_listing_every_run(page, frontend, artifacts):
    page.goto(frontend.url + "/")
    page.get_by_role("link", name=re.compile("metrics dashboard")).click()
    expect(page).to_have_url(frontend.url + "/metrics")
    expect(page.get_by_test_id("total-runs")).to_have_text("3")
    cards = page.locator(CARDS)
    expect(cards).to_have_count(3)
    names = sorted(cards.nth(i).locator("p").first.inner_text().split(" · ")[0] for i in range(3))
    assert names == ["bert4rec", "popularity", "two-tower"]
    # Retrieval cards show Recall@100 with a real value logged by the trainer.
    retrieval = page.locator(f"{CARDS}[data-model-type=retrieval]")
    value = retrieval.locator("dt", has_text="Recall@100").locator("xpath=../dd").inner_text()
    assert re.fullmatch(r"\d\.\d{4}", value), value
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)


def test_filtering_by_type_narrows_the_runs_and_survives_a_reload(page, frontend):
    open_dashboard(page, frontend.url + "/metrics")
    page.get_by_label("Model type").select_option("ranking")
    expect(page.locator(CARDS)).to_have_count(1)
    expect(page.locator(CARDS).first).to_have_attribute("data-model-type", "ranking")
    assert "type=ranking" in page.url

    page.reload()
    expect(page.locator(CARDS)).to_have_count(1)
    expect(page.locator(CARDS).first).to_have_attribute("data-model-type", "ranking")
    expect(page.get_by_label("Model type")).to_have_value("ranking")
    # index.html's inline script (the early runs request) ran under the served CSP: a blocked
    # one would also be a console error, which fails any browser test.
    assert page.evaluate("typeof window.__earlyRequests") == "object"


def test_two_selected_runs_open_the_compare_view_with_charts_that_have_data(
    page, frontend, artifacts
):
    open_dashboard(page, frontend.url + "/metrics")
    two_tower = page.locator(f"{CARDS}[data-model-type=retrieval]")
    bert = page.locator(f"{CARDS}[data-model-type=ranking]")
    # Controlled by the URL, so a box flips once the navigation lands: click, then expect.
    for card in (two_tower, bert):
        card.get_by_label(re.compile("^Compare")).click()
        expect(card.get_by_label(re.compile("^Compare"))).to_be_checked()
    page.get_by_role("link", name="Compare runs").click()

    expect(page).to_have_url(re.compile(r"/metrics/compare\?runs=[0-9a-f]{32},[0-9a-f]{32}$"))
    charts = page.get_by_test_id("metric-bar-chart")
    expect(charts).to_have_count(3)
    # Grouped bars: 3 metrics × 2 runs in the Recall chart, all with a drawn height.
    bars = charts.first.locator("path.recharts-rectangle")
    expect(bars).to_have_count(6)
    page.screenshot(path=str(artifacts / "compare-metrics.png"), full_page=True)

    page.get_by_role("tab", name="Training").click()
    for metric in ("train_loss", "val_loss"):
        chart = page.get_by_test_id(f"curve-chart-{metric}")
        expect(chart.locator("path.recharts-line-curve")).to_have_count(2)
        # One dot per logged epoch per run (smoke configs train 2 epochs; early stop may cut).
        dots = chart.locator(".recharts-line-dot")
        expect(dots.first).to_be_visible()
        assert dots.count() >= 2
    page.get_by_label("Log scale").click()
    expect(page.get_by_label("Log scale")).to_be_checked()
    page.screenshot(path=str(artifacts / "compare-training.png"), full_page=True)

    # The URL alone reproduces the view: same runs, same tab, same axis.
    url = page.url
    assert "tab=training" in url and "log=1" in url
    page.reload()
    expect(page.get_by_role("tab", name="Training")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Log scale")).to_be_checked()
    expect(
        page.get_by_test_id("curve-chart-train_loss").locator("path.recharts-line-curve")
    ).to_have_count(2)

    page.get_by_role("tab", name="Parameters").click()
    expect(page.locator("tr[data-differs=true]").first).to_be_visible()


def test_promotion_as_a_signed_in_editor_flips_the_badge(page, frontend, artifacts, editor):
    open_dashboard(page, frontend.url + "/metrics?type=retrieval", cards=1)
    card = page.locator(CARDS).first
    expect(card.get_by_test_id("status-badge")).to_have_text("inactive")
    card.get_by_role("link").first.click()

    page.get_by_role("button", name="Promote to active").click()
    page.get_by_label("MLflow username").fill(editor[0])
    page.get_by_label("Password").fill(editor[1])
    page.get_by_role("button", name="Confirm promotion").click()
    answer = page.get_by_text(
        re.compile(rf"Promoted by {editor[0]}: registered model \S+ version \d+")
    )
    # MLflow checks a new person's password once (a slow hash by design), then caches it.
    expect(answer).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("status-badge")).to_have_text("active")
    page.screenshot(path=str(artifacts / "run-detail-promoted.png"), full_page=True)

    page.get_by_role("link", name="Back to dashboard").click()
    expect(
        page.locator(f"{CARDS}[data-model-type=retrieval]").get_by_test_id("status-badge")
    ).to_have_text("active")
    expect(page.get_by_test_id("summary-active")).to_contain_text("two-tower")


def test_a_wrong_password_shows_the_apis_refusal(page, frontend, editor):
    open_dashboard(page, frontend.url + "/metrics?type=ranking", cards=1)
    page.locator(CARDS).first.get_by_role("link").first.click()
    page.get_by_role("button", name="Promote to active").click()
    page.get_by_label("MLflow username").fill(editor[0])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Confirm promotion").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Promotion refused: MLflow refused the credentials of MLflow user '{editor[0]}'",
        timeout=30_000,
    )
    expect(page.get_by_test_id("status-badge")).to_have_text("inactive")


def test_unknown_run_reads_as_not_found(page, frontend):
    page.goto(frontend.url + "/metrics/runs/" + "0" * 32)
    expect(page.get_by_role("alert")).to_contain_text("Not found")
