"""Liveness (always 200 while the API lives) and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..openapi import document
from ..tracking import public_uri
from . import ok, services

bp = Blueprint("health", __name__, url_prefix="/api")


@bp.get("/health")
def health():
    tracking = services().tracking
    return ok(
        {
            "status": "ok",
            "mlflow": {"reachable": tracking.reachable(), "tracking_uri": public_uri(tracking.uri)},
            "experiment": current_app.config["EXPERIMENT_NAME"],
            "mlflow_ui_url": current_app.config["MLFLOW_UI_URL"],
        }
    )


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
