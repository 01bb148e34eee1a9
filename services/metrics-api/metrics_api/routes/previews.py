"""What a run recommends: ``/api/models/runs/<run_id>/recommendations`` and ``/api/movies``.

Validated here, then scored by the recommender service (``recommender_client.py``)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..limits import json_body
from ..preview_schemas import MoviesQuery, RecommendationsQuery, RecommendationsRequest
from . import check_run_id, services, validated

bp = Blueprint("previews", __name__, url_prefix="/api")


def recommender():
    return services().recommender


@bp.get("/models/runs/<run_id>/recommendations")
def user_recommendations(run_id: str):
    check_run_id(run_id)
    query = validated(RecommendationsQuery, request.args.to_dict())
    return jsonify(
        recommender().call(
            "GET",
            f"/runs/{run_id}/recommendations",
            params=query.model_dump(),
        )
    )


@bp.post("/models/runs/<run_id>/recommendations")
def history_recommendations(run_id: str):
    check_run_id(run_id)
    body = validated(RecommendationsRequest, json_body())
    return jsonify(
        recommender().call("POST", f"/runs/{run_id}/recommendations", json=body.model_dump())
    )


@bp.get("/movies")
def movies():
    query = validated(MoviesQuery, request.args.to_dict())
    return jsonify(recommender().call("GET", "/movies", params=query.model_dump()))
