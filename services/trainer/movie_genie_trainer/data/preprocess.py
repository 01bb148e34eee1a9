"""Turn raw ratings into the processed files every model trains from.

Writes (parquet unless noted) into the output folder:

- ``users.parquet``      user_idx (0..U-1) ↔ original user_id
- ``movies.parquet``     item_idx (1..N; 0 is padding) ↔ item_id, title, genres
- ``sequences.parquet``  per user, every item in time order (ties keep the data source's own
                         row order: a stable sort by time)
- ``split.parquet``      leave-one-out: train_items (list), val_item, test_item
- ``stats.json``         num_users, num_movies, num_interactions, ... ; ``data_config.yaml``
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from movie_genie_trainer.config import DataConfig, dump_config
from movie_genie_trainer.data.grouplens import MovieLens


def filter_ratings(ratings: pd.DataFrame, config: DataConfig) -> pd.DataFrame:
    prep = config.preprocessing
    ratings = ratings.dropna(subset=["user_id", "item_id", "timestamp"])
    if prep.min_rating is not None:
        ratings = ratings[ratings["rating"] >= prep.min_rating]
    # Ties in time keep the data source's own row order (a stable sort by time), never item id.
    # On ML-100k 50.6% of consecutive interactions share a second; ordering a burst by item id
    # made the held-out item the highest id of the user's last burst (test id > validation id
    # for 68.6% of users, where behaviour gives ~50%) and let sequential models learn ascending
    # ids. Test NDCG@10, ties by item id vs source order: popularity 0.026 vs 0.045, EASE
    # (lambda=100) 0.042 vs 0.072. The explicit row number makes the tie-break visible.
    ratings = ratings.assign(source_row=np.arange(len(ratings)))
    ratings = ratings.sort_values(["user_id", "timestamp", "source_row"])
    # A user-item pair counts once, at its first time.
    ratings = ratings.drop_duplicates(["user_id", "item_id"], keep="first")
    if prep.max_users is not None:
        keep = np.sort(ratings["user_id"].unique())[: prep.max_users]
        ratings = ratings[ratings["user_id"].isin(keep)]
    sizes = ratings.groupby("user_id")["item_id"].transform("size")
    return ratings[sizes >= prep.min_user_interactions].reset_index(drop=True)


def build_tables(data: MovieLens, config: DataConfig) -> dict[str, pd.DataFrame]:
    ratings = filter_ratings(data.ratings, config)
    if ratings.empty:
        raise ValueError("no interactions left after filtering; check data.preprocessing")

    user_ids = np.sort(ratings["user_id"].unique())
    item_ids = np.sort(ratings["item_id"].unique())
    users = pd.DataFrame({"user_idx": np.arange(len(user_ids)), "user_id": user_ids})
    movies = pd.DataFrame({"item_idx": np.arange(1, len(item_ids) + 1), "item_id": item_ids})
    movies = movies.merge(data.movies, on="item_id", how="left")
    movies["title"] = movies["title"].fillna("")
    movies["genres"] = movies["genres"].map(lambda g: list(g) if isinstance(g, list) else [])

    ratings = ratings.assign(
        user_idx=np.searchsorted(user_ids, ratings["user_id"]),
        item_idx=np.searchsorted(item_ids, ratings["item_id"]) + 1,
    ).sort_values(["user_idx", "timestamp", "source_row"])
    grouped = ratings.groupby("user_idx", sort=True)["item_idx"].agg(list)
    sequences = pd.DataFrame({"user_idx": grouped.index, "items": grouped.to_numpy()})
    split = pd.DataFrame(
        {
            "user_idx": sequences["user_idx"],
            "train_items": sequences["items"].map(lambda s: s[:-2]),
            "val_item": sequences["items"].map(lambda s: s[-2]),
            "test_item": sequences["items"].map(lambda s: s[-1]),
        }
    )
    return {"users": users, "movies": movies, "sequences": sequences, "split": split}


def dataset_stats(tables: dict[str, pd.DataFrame], config: DataConfig) -> dict[str, float]:
    lengths = tables["sequences"]["items"].map(len)
    num_users, num_movies = len(tables["users"]), len(tables["movies"])
    num_interactions = int(lengths.sum())
    return {
        "dataset": config.name,
        "num_users": num_users,
        "num_movies": num_movies,
        "num_interactions": num_interactions,
        "num_train_interactions": num_interactions - 2 * num_users,
        "density": num_interactions / (num_users * num_movies),
        "mean_sequence_length": float(lengths.mean()),
        "max_sequence_length": int(lengths.max()),
        "num_genres": len({g for gs in tables["movies"]["genres"] for g in gs}),
    }


def write_processed(data: MovieLens, config: DataConfig, out: str | Path) -> dict[str, float]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = build_tables(data, config)
    for name, table in tables.items():
        table.to_parquet(out / f"{name}.parquet", index=False)
    stats = dataset_stats(tables, config)
    (out / "stats.json").write_text(json.dumps(stats, indent=2) + "\n")
    dump_config(config, out / "data_config.yaml")
    return stats
