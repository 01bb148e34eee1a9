"""The nginx server block the frontend image runs: caching, security headers, gzip, SPA fallback
and the /api/ proxy, checked over HTTP against the rendered template."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import urllib.error
import urllib.request

import pytest

from tests.frontend.nginx_server import TEMPLATE, render_template


def fetch(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def hashed_script(frontend) -> str:
    _, _, body = fetch(frontend.url + "/")
    match = re.search(r'src="(/assets/[^"]+\.js)"', body.decode())
    assert match, body[:500]
    return match.group(1)


def test_index_html_is_revalidated_and_carries_security_headers(frontend):
    status, headers, body = fetch(frontend.url + "/")
    assert status == 200 and b'<div id="root">' in body
    assert headers["Cache-Control"] == "no-cache"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers.get("Server") == "nginx"  # no version number


def test_client_routes_fall_back_to_the_app_shell(frontend):
    for path in ("/metrics", "/metrics/compare?runs=a,b&tab=training", "/metrics/runs/abc"):
        status, headers, body = fetch(frontend.url + path)
        assert status == 200, path
        assert b'<div id="root">' in body
        assert headers["Cache-Control"] == "no-cache"


def test_hashed_assets_are_cached_for_a_year_and_gzipped(frontend):
    script = hashed_script(frontend)
    status, headers, body = fetch(frontend.url + script, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert headers["X-Content-Type-Options"] == "nosniff"  # server-level headers kept
    assert len(gzip.decompress(body)) > 2 * len(body)  # really compressed, not just labelled


def test_built_files_are_sent_as_their_precompressed_twins(frontend, frontend_dist):
    """gzip_static: the .gz the build wrote goes out byte for byte (no work per request)."""
    for path in (hashed_script(frontend), "/index.html"):
        status, headers, body = fetch(frontend.url + path, {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip", path
        assert body == (frontend_dist / (path.lstrip("/") + ".gz")).read_bytes(), path
        assert headers["Vary"] == "Accept-Encoding"
    # A client without gzip still gets the plain file.
    status, headers, body = fetch(frontend.url + "/index.html")
    assert status == 200 and "Content-Encoding" not in headers and b'<div id="root">' in body


def test_the_csp_admits_index_htmls_inline_script_by_its_hash_and_nothing_else_inline(frontend):
    _, headers, body = fetch(frontend.url + "/")
    directives = dict(
        (part.split()[0], part.split()[1:])
        for part in headers["Content-Security-Policy"].split(";")
        if part.strip()
    )
    inline = re.findall(r"<script>(.*?)</script>", body.decode(), re.S)
    assert len(inline) == 1, "the early runs request is index.html's one inline script"
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    wanted = ["'self'", f"'sha256-{digest}'"]
    assert directives["script-src"] == wanted, (
        f"script-src is {directives['script-src']}: put {wanted[1]} in "
        "services/frontend/nginx/default.conf.template for index.html's inline script"
    )


def test_a_missing_asset_is_a_404_not_the_app_shell(frontend):
    status, _, body = fetch(frontend.url + "/assets/index-doesnotexist.js")
    assert status == 404
    assert b'<div id="root">' not in body


def test_api_requests_reach_the_metrics_api(frontend):
    status, headers, body = fetch(frontend.url + "/api/health")
    assert status == 200
    data = json.loads(body)
    assert data["success"] is True and data["data"]["mlflow"]["reachable"] is True
    assert "Cache-Control" not in headers or headers["Cache-Control"] != "no-cache"
    status, _, body = fetch(frontend.url + "/api/models/runs/" + "0" * 32)
    assert status == 404
    assert json.loads(body)["success"] is False


def test_template_rendering_refuses_a_missing_variable():
    with pytest.raises(ValueError, match="API_UPSTREAM"):
        render_template(TEMPLATE.read_text(), {"LISTEN_PORT": "8080", "STATIC_ROOT": "/srv"})
