"""The MovieLens item data and evaluation users the previews are told in.

Read from the processed data folder the runs were trained on (``movie_genie_trainer.prepare``):
``movies.parquet`` (title, genres per movie id), ``users.parquet`` and ``split.parquet``. A
user's history is what the model was tested with: every movie but the held-out test movie,
which is the user's "watched next".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

YEAR = re.compile(r"\((\d{4})\)\s*$")


@dataclass(frozen=True)
class Movie:
    movie_id: int
    title: str
    year: int | None
    genres: list[str]

    def as_json(self) -> dict:
        return {
            "movie_id": self.movie_id,
            "title": self.title,
            "year": self.year,
            "genres": self.genres,
        }


@dataclass(frozen=True)
class EvaluationUser:
    user_id: int
    history: list[int]  # movie ids, oldest first: training movies + the validation movie
    watched_next: int  # the held-out test movie


class Catalogue:
    def __init__(self, folder: str | Path):
        folder = Path(folder)
        if not (folder / "movies.parquet").is_file():
            raise FileNotFoundError(
                f"RECOMMENDER_DATA_DIR={folder}: no movies.parquet (run the DVC pipeline's "
                "prepare stage, or point it at the processed data folder)"
            )
        movies = pd.read_parquet(folder / "movies.parquet").sort_values("item_idx")
        self.movies: dict[int, Movie] = {}
        for movie_id, title, genres in zip(
            movies["item_id"], movies["title"], movies["genres"], strict=True
        ):
            year = YEAR.search(title or "")
            self.movies[int(movie_id)] = Movie(
                int(movie_id), str(title), int(year.group(1)) if year else None, list(genres)
            )
        id_of_index = np.concatenate([[0], movies["item_id"].to_numpy(np.int64)])
        users = pd.read_parquet(folder / "users.parquet")
        split = pd.read_parquet(folder / "split.parquet").merge(users, on="user_idx")
        self.users: dict[int, EvaluationUser] = {}
        for user_id, train, val, test in zip(
            split["user_id"],
            split["train_items"],
            split["val_item"],
            split["test_item"],
            strict=True,
        ):
            history = id_of_index[np.append(np.asarray(train, dtype=np.int64), val)]
            self.users[int(user_id)] = EvaluationUser(
                int(user_id), history.tolist(), int(id_of_index[test])
            )
        self._lower = {mid: movie.title.lower() for mid, movie in self.movies.items()}

    def search(self, query: str, limit: int) -> list[Movie]:
        """Titles containing every word of ``query`` (case-insensitive), shortest title first."""
        words = query.lower().split()
        found = [mid for mid, title in self._lower.items() if all(w in title for w in words)]
        found.sort(key=lambda mid: (len(self._lower[mid]), mid))
        return [self.movies[mid] for mid in found[:limit]]


class NoData(RuntimeError):
    """The processed data folder is not there yet (nothing prepared): a 503 until it is."""


class LazyCatalogue:
    """Loads the catalogue on first use, so the service starts before the first ``make train``
    has prepared the data (compose), and picks the data up once it appears."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._catalogue: Catalogue | None = None

    def get(self) -> Catalogue:
        if self._catalogue is None:
            try:
                self._catalogue = Catalogue(self.folder)
            except FileNotFoundError as error:
                raise NoData(str(error)) from None
        return self._catalogue
