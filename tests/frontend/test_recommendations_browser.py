"""Headless Chromium: what a run recommends, on the real stack (see conftest.py: trained runs,
MLflow, metrics-api under gunicorn forwarding to the recommender, nginx, the production build)."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import Locator, Page, expect

PICKS = "[data-testid=recommended-movie]"


def an_evaluation_user(recommender: str) -> int:
    users = requests.get(f"{recommender}/users", timeout=30).json()["data"]
    return users[len(users) // 2]


def trained_runs(frontend) -> dict[str, str]:
    """model name -> run id of the session's finished runs (by id, not by card count, so runs
    that other tests start in the same experiment change nothing here)."""
    runs = requests.get(f"{frontend.url}/api/models/runs", params={"limit": 100}, timeout=30)
    return {
        run["model_name"]: run["run_id"]
        for run in runs.json()["data"]
        if run["status"] == "FINISHED"
    }


def a_user_the_runs_agree_on(run_ids: list[str], recommender) -> int:
    """Among some evaluation users, one whose two runs' top 10 share the most movies, so that
    compare's shared marks have something to mark."""
    users = requests.get(f"{recommender}/users", timeout=30).json()["data"][:20]

    def top(run_id: str, user_id: int) -> set[int]:
        url = f"{recommender}/runs/{run_id}/recommendations"
        answer = requests.get(url, params={"user_id": user_id}, timeout=120).json()
        return {movie["movie_id"] for movie in answer["data"]["recommendations"]}

    return max(users, key=lambda u: len(top(run_ids[0], u) & top(run_ids[1], u)))


def open_run(page: Page, frontend, model_name: str) -> None:
    page.goto(f"{frontend.url}/metrics/runs/{trained_runs(frontend)[model_name]}")
    expect(page.get_by_test_id("run-title")).to_contain_text(model_name, timeout=20_000)


def titles(list_: Locator) -> list[str]:
    return list_.get_by_test_id("movie-title").all_inner_texts()


def pick_user(scope: Locator, user_id: int) -> None:
    scope.get_by_label("User id").fill(str(user_id))
    scope.get_by_role("button", name="Show recommendations").click()


def test_try_it_shows_a_users_history_and_the_runs_top_10_titles(
    page, frontend, recommender, artifacts
):
    open_run(page, frontend, "two-tower")
    panel = page.get_by_role("region", name="Try it")
    pick_user(panel, an_evaluation_user(recommender))

    top = panel.get_by_test_id("recommendation-list")
    # The first answer loads the model into the recommender's cache: allow a loaded machine.
    expect(top.locator(PICKS)).to_have_count(10, timeout=60_000)
    picked = titles(top)
    assert len(set(picked)) == 10 and all(title.strip() for title in picked), picked
    history = titles(panel.get_by_test_id("history-list"))
    assert len(history) == 10 and not set(history) & set(picked), (history, picked)
    expect(panel.get_by_test_id("watched-next")).to_contain_text("Watched next")
    page.screenshot(path=str(artifacts / "run-detail-try-it.png"), full_page=True)

    # A made-up viewer: two titles found by search, then that history's top 10.
    panel.get_by_role("tab", name="A made-up history").click()
    for query in ("star wars", "toy story"):
        panel.get_by_label("Find a title").fill(query)
        panel.get_by_role("button", name="Find", exact=True).click()
        panel.get_by_role("button", name=re.compile(f"^Add {query}", re.I)).first.click()
    made_up = panel.get_by_role("list", name="Made-up history")
    expect(made_up.locator("li")).to_have_count(2)
    chosen = made_up.locator("li").all_inner_texts()
    panel.get_by_role("button", name="Recommend for this history").click()
    expect(panel.get_by_test_id("history-list")).to_contain_text("Last 2 movies watched")
    expect(top.locator(PICKS)).to_have_count(10)
    assert not {t.rstrip("×") for t in chosen} & set(titles(top))
    expect(panel.get_by_test_id("watched-next")).to_have_count(0)


def test_a_run_without_a_model_says_so(page, frontend):
    open_run(page, frontend, "popularity")
    panel = page.get_by_role("region", name="Try it")
    expect(panel.get_by_test_id("no-model")).to_contain_text("No model to try")
    expect(panel.get_by_label("User id")).to_have_count(0)


def test_compare_shows_two_runs_lists_side_by_side_for_the_same_user(
    page, frontend, recommender, artifacts
):
    runs = trained_runs(frontend)
    pair = [runs["two-tower"], runs["bert4rec"]]
    page.goto(f"{frontend.url}/metrics/compare?runs={','.join(pair)}")
    page.get_by_role("tab", name="Recommendations").click()
    section = page.get_by_role("region", name="Recommendations side by side")
    pick_user(section, a_user_the_runs_agree_on(pair, recommender))
    expect(page).to_have_url(re.compile(r"tab=recommendations&user=\d+$"))

    columns = section.get_by_test_id("run-recommendations")
    expect(columns).to_have_count(2)
    for i in range(2):
        expect(columns.nth(i).locator(PICKS)).to_have_count(10, timeout=60_000)
    expect(columns.nth(0)).to_contain_text("two-tower")
    expect(columns.nth(1)).to_contain_text("bert4rec")
    expect(section.get_by_test_id("history-list").locator("li")).to_have_count(10)
    lists = [set(titles(columns.nth(i))) for i in range(2)]
    assert lists[0] & lists[1], f"no user among those tried gets a movie from both runs: {lists}"
    # Marked exactly when both runs recommend it.
    for i in range(2):
        marked = set(titles(columns.nth(i).locator(f"{PICKS}[data-shared=true]")))
        assert marked == lists[0] & lists[1], (i, marked, lists)
    page.screenshot(path=str(artifacts / "compare-recommendations.png"), full_page=True)
