"""Slow clients against the production shape (nginx in front of the API under gunicorn): 50
connections trickling a request a byte at a time do not stop /api/health from answering, and a
body over 1 MiB gets a JSON 413 from nginx. The latency figure is in bench/bench_slow_clients.py."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from tests.harness.slow_clients import Tricklers

SLOW_CLIENTS = 50


def get(url: str, data: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_fifty_trickling_connections_do_not_starve_health(frontend):
    with Tricklers(frontend.port, SLOW_CLIENTS) as slow:
        assert slow.ticked.wait(10)
        for _ in range(20):
            status, body = get(f"{frontend.url}/api/health")
            assert status == 200 and body["success"] is True
            assert body["data"]["status"] == "ok"
        assert slow.rounds >= 1


def test_a_body_over_one_mib_is_a_json_413_at_nginx(frontend):
    status, body = get(f"{frontend.url}/api/models/compare", data=b"x" * (1024 * 1024 + 1))
    assert status == 413
    assert body == {"success": False, "error": "request body larger than 1 MiB"}
