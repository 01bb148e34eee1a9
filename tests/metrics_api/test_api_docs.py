"""/api/docs through Flask's test client: the reference page and every file it loads come from
the API itself (no CDN), and it renders this API's own OpenAPI document."""

from __future__ import annotations

import re

import pytest
from metrics_api import create_app


@pytest.fixture(scope="module")
def client():
    app = create_app({"TRACKING_URI": "http://127.0.0.1:9", "CACHE_WARM_ON_START": False})
    return app.test_client()


def test_the_reference_page_loads_only_files_the_api_serves(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "<script>" not in html  # nginx's CSP allows no inline script
    loaded = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(loaded) == [
        "/api/docs/favicon-32x32.png",
        "/api/docs/start.js",
        "/api/docs/swagger-ui-bundle.js",
        "/api/docs/swagger-ui.css",
    ]
    for path in loaded:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert len(answer.get_data()) > 0, path
    assert client.get("/api/docs/swagger-ui-bundle.js").mimetype == "text/javascript"


def test_the_page_renders_the_apis_own_document_without_the_online_validator(client):
    start = client.get("/api/docs/start.js").get_data(as_text=True)
    assert 'url: "/api/openapi.json"' in start
    assert "validatorUrl: null" in start
    assert client.get("/api/openapi.json").get_json()["info"]["title"] == "Movie Genie metrics API"


def test_only_the_reference_files_are_served(client):
    for name in ("swagger-editor-bundle.js", "..%2F__init__.py", "LICENSE"):
        answer = client.get(f"/api/docs/{name}")
        assert answer.status_code == 404, name
        assert answer.get_json()["success"] is False
