"""Requests and answers of the recommendation previews (``routes/previews.py``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .schemas import Strict, Success

MAX_K = 100
MAX_HISTORY = 500


class RecommendationsQuery(Strict):
    user_id: int = Field(ge=0, le=10**9, description="a user of the evaluation data")
    k: int = Field(10, ge=1, le=MAX_K)


class RecommendationsRequest(Strict):
    history: list[int] = Field(
        min_length=1,
        max_length=MAX_HISTORY,
        description="movie ids the viewer watched, oldest first",
    )
    k: int = Field(10, ge=1, le=MAX_K)


class MoviesQuery(Strict):
    q: str = Field(min_length=1, max_length=200, description="words of the title")
    limit: int = Field(20, ge=1, le=100)


class MovieOut(BaseModel):
    movie_id: int
    title: str
    year: int | None
    genres: list[str]


class RecommendedMovie(MovieOut):
    rank: int
    score: float
    watched_next: bool = Field(description="the user's held-out test movie")


class RecommendationsData(BaseModel):
    run_id: str
    model_name: str
    k: int
    user_id: int | None = None
    history_length: int
    history: list[MovieOut] = Field(description="the last 10 movies of the history, latest first")
    watched_next: MovieOut | None = Field(description="the user's held-out test movie")
    recommendations: list[RecommendedMovie]


class RecommendationsResponse(Success):
    data: RecommendationsData


class MoviesResponse(Success):
    data: list[MovieOut]
    count: int
