"""Where the raw MovieLens data comes from: the recbole wheel, a local release, or a URL."""

from __future__ import annotations

import hashlib
import importlib.resources
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from movie_genie_trainer.config import SourceConfig
from movie_genie_trainer.data.grouplens import MovieLens, read_grouplens


class DownloadError(RuntimeError):
    """A download failed or its checksum did not match; nothing is left in the cache."""


def read_recbole_ml100k() -> MovieLens:
    """ML-100k as shipped inside the recbole wheel (atomic files, read offline)."""
    folder = importlib.resources.files("recbole") / "dataset_example" / "ml-100k"
    with (folder / "ml-100k.inter").open("rb") as f:
        ratings = pd.read_csv(f, sep="\t")
    ratings.columns = ["user_id", "item_id", "rating", "timestamp"]
    with (folder / "ml-100k.item").open("rb") as f:
        items = pd.read_csv(f, sep="\t", keep_default_na=False)
    items.columns = ["item_id", "title", "year", "genres"]
    movies = pd.DataFrame(
        {
            "item_id": items["item_id"],
            "title": [
                f"{t} ({y})" if y else t for t, y in zip(items["title"], items["year"], strict=True)
            ],
            # recbole stores genres space-separated ("Children's Comedy"); none contain a space.
            "genres": items["genres"].map(lambda g: g.split() if g else []),
        }
    )
    return MovieLens(ratings.astype({"timestamp": "int64", "rating": float}), movies)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url: str, sha256: str, cache_dir: str | Path) -> Path:
    """Fetch ``url`` into ``cache_dir`` once; reuse the cached copy while its checksum matches."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / (Path(urlparse(url).path).name or "download")
    if target.is_file() and sha256_of(target) == sha256.lower():
        return target
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, partial.open("wb") as out:
            shutil.copyfileobj(response, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DownloadError(f"download of {url} failed: {exc}") from exc
    actual = sha256_of(partial)
    if actual != sha256.lower():
        partial.unlink()
        raise DownloadError(f"checksum mismatch for {url}: expected {sha256}, got {actual}")
    partial.replace(target)
    return target


def load_source(source: SourceConfig) -> MovieLens:
    if source.kind == "recbole":
        return read_recbole_ml100k()
    if source.kind == "local":
        return read_grouplens(source.path)
    return read_grouplens(download(source.url, source.sha256, source.cache_dir))
