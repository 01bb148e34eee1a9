"""Readers for MovieLens releases in GroupLens' own layout, from a folder or a zip.

Supported: ml-100k (``u.data`` + ``u.item`` [+ ``u.genre``]), ml-1m (``ratings.dat`` +
``movies.dat``), and the CSV releases (ml-latest-small, ml-25m, ...: ``ratings.csv`` +
``movies.csv``). Every reader returns the same two frames:

- ratings: ``user_id, item_id, rating, timestamp`` (ints, float, int)
- movies:  ``item_id, title, genres`` (genres is a list of strings)
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

RATING_COLUMNS = ["user_id", "item_id", "rating", "timestamp"]
# ml-100k's u.item genre flag order, used when the release lacks u.genre.
ML100K_GENRES = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
]


class DatasetFormatError(ValueError):
    """The folder or zip is not a MovieLens release this module can read."""


@dataclass(frozen=True)
class MovieLens:
    ratings: pd.DataFrame
    movies: pd.DataFrame


class _Files:
    """Find a release's files by name inside a folder or a zip, whatever the top folder is."""

    def __init__(self, location: Path):
        self.location = location
        if location.is_dir():
            self._names = {p.name: p for p in location.rglob("*") if p.is_file()}
            self._zip = None
        elif zipfile.is_zipfile(location):
            self._zip = zipfile.ZipFile(location)
            self._names = {Path(n).name: n for n in self._zip.namelist() if not n.endswith("/")}
        else:
            raise DatasetFormatError(f"{location}: neither a folder nor a zip file")

    def has(self, name: str) -> bool:
        return name in self._names

    def open(self, name: str) -> io.BytesIO:
        entry = self._names[name]
        data = self._zip.read(entry) if self._zip else Path(entry).read_bytes()
        return io.BytesIO(data)


def _split_genres(column: pd.Series) -> pd.Series:
    return column.map(lambda g: [] if g in ("(no genres listed)", "") else g.split("|"))


def _read_100k(files: _Files) -> MovieLens:
    ratings = pd.read_csv(files.open("u.data"), sep="\t", names=RATING_COLUMNS)
    genres = ML100K_GENRES
    if files.has("u.genre"):
        table = pd.read_csv(
            files.open("u.genre"), sep="|", names=["name", "index"], encoding="latin-1"
        ).dropna()
        genres = list(table.sort_values("index")["name"])
    columns = ["item_id", "title", "release", "video_release", "url", *genres]
    items = pd.read_csv(files.open("u.item"), sep="|", names=columns, encoding="latin-1")
    flags = items[genres].to_numpy(dtype=bool)
    movies = pd.DataFrame(
        {
            "item_id": items["item_id"],
            "title": items["title"].astype(str),
            "genres": [[g for g, on in zip(genres, row, strict=True) if on] for row in flags],
        }
    )
    return MovieLens(ratings, movies)


def _read_1m(files: _Files) -> MovieLens:
    ratings = pd.read_csv(
        files.open("ratings.dat"), sep="::", engine="python", names=RATING_COLUMNS
    )
    movies = pd.read_csv(
        files.open("movies.dat"),
        sep="::",
        engine="python",
        names=["item_id", "title", "genres"],
        encoding="latin-1",
    )
    movies["genres"] = _split_genres(movies["genres"].fillna(""))
    return MovieLens(ratings, movies)


def _read_csv_release(files: _Files) -> MovieLens:
    ratings = pd.read_csv(files.open("ratings.csv"))
    ratings = ratings.rename(columns={"userId": "user_id", "movieId": "item_id"})[RATING_COLUMNS]
    movies = pd.read_csv(files.open("movies.csv"))
    movies = movies.rename(columns={"movieId": "item_id"})[["item_id", "title", "genres"]]
    movies["genres"] = _split_genres(movies["genres"].fillna(""))
    return MovieLens(ratings, movies)


_LAYOUTS: list[tuple[tuple[str, str], Callable[[_Files], MovieLens]]] = [
    (("u.data", "u.item"), _read_100k),
    (("ratings.dat", "movies.dat"), _read_1m),
    (("ratings.csv", "movies.csv"), _read_csv_release),
]


def read_grouplens(location: str | Path) -> MovieLens:
    """Read whichever GroupLens layout ``location`` (folder or zip) holds."""
    location = Path(location)
    if not location.exists():
        raise DatasetFormatError(f"{location}: no such file or folder")
    files = _Files(location)
    for names, reader in _LAYOUTS:
        if all(files.has(n) for n in names):
            data = reader(files)
            return MovieLens(data.ratings.astype({"rating": float}), data.movies)
    wanted = ", ".join(" + ".join(names) for names, _ in _LAYOUTS)
    raise DatasetFormatError(f"{location}: no MovieLens files found (looked for {wanted})")
