"""The API reference at /api/docs: Swagger UI rendering /api/openapi.json.

Swagger UI's assets come from the pinned swagger-ui-py package and are served from here, so the
page works offline and through nginx; its start-up script is a file too (nginx's CSP allows no
inline script). The online validator badge is off: the page calls nothing but this API.
"""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path

from flask import Blueprint, Response, send_from_directory, url_for

from ..errors import NotFound

bp = Blueprint("docs", __name__, url_prefix="/api/docs")

ASSETS = Path(find_spec("swagger_ui").submodule_search_locations[0]) / "static"
SERVED = {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Movie Genie metrics API: reference</title>
  <link rel="icon" type="image/png" href="{favicon}">
  <link rel="stylesheet" href="{css}">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{bundle}"></script>
  <script src="{start}"></script>
</body>
</html>
"""

START = """window.ui = SwaggerUIBundle({
  url: %(document)s,
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  validatorUrl: null,
});
"""


@bp.get("")
def page():
    html = PAGE.format(
        favicon=url_for("docs.asset", name="favicon-32x32.png"),
        css=url_for("docs.asset", name="swagger-ui.css"),
        bundle=url_for("docs.asset", name="swagger-ui-bundle.js"),
        start=url_for("docs.start"),
    )
    return Response(html, mimetype="text/html")


@bp.get("/start.js")
def start():
    document = url_for("health.openapi")
    return Response(START % {"document": json.dumps(document)}, mimetype="text/javascript")


@bp.get("/<name>")
def asset(name: str):
    if name not in SERVED:
        raise NotFound(f"no such file in the API reference: {name[:80]!r}")
    return send_from_directory(ASSETS, name, max_age=86400)
