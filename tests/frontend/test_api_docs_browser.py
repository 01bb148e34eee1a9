"""/api/docs through the dashboard's nginx (its CSP included) in headless Chromium: Swagger UI
renders the API's own OpenAPI document, with every file from the same origin.

The page needs no runs: the API here points at a tracking server that is not there, and nginx
serves a placeholder instead of the dashboard's build."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.frontend.metrics_api_server import start_metrics_api
from tests.frontend.nginx_server import NginxFrontend
from tests.harness.process import free_port


@pytest.fixture(scope="module")
def gateway(tmp_path_factory) -> NginxFrontend:
    root = tmp_path_factory.mktemp("api-docs")
    (root / "static").mkdir()
    (root / "static" / "index.html").write_text("<!doctype html><title>placeholder</title>")
    nowhere = f"http://127.0.0.1:{free_port()}"
    process, api_url = start_metrics_api(root, nowhere, "api-docs", "", nowhere)
    server = NginxFrontend(root / "nginx", root / "static", api_url).start()
    yield server
    server.stop()
    process.stop()


def test_api_reference_renders_through_nginx_from_local_files_only(page, gateway):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(gateway.url + "/api/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Movie Genie metrics API")
    runs = page.locator(".opblock-summary-path", has_text="/api/models/runs").first
    expect(runs).to_be_visible()
    promote = page.locator(".opblock-post .opblock-summary-path", has_text="/promote")
    expect(promote).to_have_count(1)
    assert gateway.url + "/api/openapi.json" in requested
    foreign = [url for url in requested if not url.startswith((gateway.url, "data:"))]
    assert foreign == []  # no CDN, no online validator (the page fixture fails on CSP errors)
