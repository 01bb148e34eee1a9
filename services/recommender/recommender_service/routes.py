"""The recommender's routes: a run's top-k for an evaluation user or a given history."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, request
from mlflow.exceptions import MlflowException
from movie_genie_trainer.model_store import ModelIntegrityError
from movie_genie_trainer.serving.recommend import BadRequest
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.exceptions import HTTPException

from .catalogue import Movie, NoData
from .model_cache import NoModel

MAX_K = 100
SHOWN_HISTORY = 10  # the most recent movies a preview shows
MAX_HISTORY = 500
RUN_ID = re.compile(r"^[0-9a-f]{32}$")

bp = Blueprint("recommender", __name__)


class NotFound(LookupError):
    pass


class HistoryBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    history: list[int] = Field(min_length=1, max_length=MAX_HISTORY)
    k: int = Field(default=10, ge=1, le=MAX_K)


def parts():
    """(the catalogue, the model cache); a 503 while the data is not prepared yet."""
    catalogue, cache = current_app.extensions["recommender"]
    return catalogue.get(), cache


def integer(name: str, default: int | None, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        if default is None:
            raise BadRequest(f"{name} is required")
        return default
    if not re.fullmatch(r"\d{1,9}", raw.strip()):
        raise BadRequest(f"{name} must be an integer, not {raw[:40]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, not {value}")
    return value


def answer(run_id: str, history: list[int], k: int, watched_next: int | None = None) -> dict:
    if not RUN_ID.fullmatch(run_id):
        raise BadRequest(f"run_id must be 32 hexadecimal characters, not {run_id[:40]!r}")
    catalogue, cache = parts()
    entry = cache.get(run_id)
    [(movie_ids, scores)] = entry.recommender.recommend([history], k)

    def shown(movie_id: int) -> dict:
        movie = catalogue.movies.get(movie_id) or Movie(movie_id, "", None, [])
        return movie.as_json()

    return {
        "run_id": run_id,
        "model_name": entry.model_name,
        "k": k,
        "history_length": len(history),
        "history": [shown(m) for m in reversed(history[-SHOWN_HISTORY:])],  # latest first
        "watched_next": shown(watched_next) if watched_next is not None else None,
        "recommendations": [
            {
                **shown(m),
                "rank": rank,
                "score": score,
                "watched_next": m == watched_next,
            }
            for rank, (m, score) in enumerate(zip(movie_ids, scores, strict=True), start=1)
        ],
    }


@bp.get("/health")
def health():
    """Alive (200) even before the data is prepared; says whether it is."""
    try:
        catalogue, _ = parts()
        data = {"data": True, "movies": len(catalogue.movies), "users": len(catalogue.users)}
    except NoData as error:
        data = {"data": False, "error": str(error)}
    return jsonify(success=True, data=data)


@bp.get("/cache")
def cache_state():
    return jsonify(success=True, data=current_app.extensions["recommender"][1].describe())


@bp.get("/users")
def users():
    """The evaluation users' ids, whose previews carry a "watched next" movie."""
    ids = sorted(parts()[0].users)
    return jsonify(success=True, data=ids, count=len(ids))


@bp.get("/movies")
def movies():
    query = request.args.get("q", "").strip()
    if not query or len(query) > 200:
        raise BadRequest("q (part of a title, 1 to 200 characters) is required")
    limit = integer("limit", 20, 1, 100)
    found = parts()[0].search(query, limit)
    return jsonify(success=True, data=[m.as_json() for m in found], count=len(found))


@bp.get("/runs/<run_id>/recommendations")
def user_recommendations(run_id: str):
    user_id = integer("user_id", None, 0, 10**9)
    k = integer("k", 10, 1, MAX_K)
    user = parts()[0].users.get(user_id)
    if user is None:
        raise NotFound(f"unknown user {user_id} (not in the evaluation data)")
    data = answer(run_id, user.history, k, user.watched_next)
    return jsonify(success=True, data={"user_id": user_id, **data})


@bp.post("/runs/<run_id>/recommendations")
def history_recommendations(run_id: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('the body must be a JSON object: {"history": [movie ids], "k": n}')
    try:
        parsed = HistoryBody.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise BadRequest(f"{where}: {first['msg']}") from None
    return jsonify(success=True, data=answer(run_id, parsed.history, parsed.k))


def register_errors(app) -> None:
    def fail(message: str, status: int):
        return jsonify(success=False, error=message), status

    app.register_error_handler(BadRequest, lambda e: fail(str(e), 400))
    app.register_error_handler(NotFound, lambda e: fail(str(e), 404))
    app.register_error_handler(NoModel, lambda e: fail(str(e), 404))
    app.register_error_handler(NoData, lambda e: fail(str(e), 503))
    app.register_error_handler(
        HTTPException, lambda e: fail(e.description or e.name, e.code or 500)
    )
    app.register_error_handler(
        ModelIntegrityError, lambda e: fail(f"the run's model was refused: {e}", 409)
    )
    app.register_error_handler(
        MlflowException, lambda e: fail(f"the tracking server failed: {e.message}", 503)
    )
