"""Preprocessing: id maps, time order with a stable tie-break, a leave-one-out split that
never leaks a held-out item into training."""

import json

import pandas as pd
from movie_genie_trainer.config import DataConfig
from movie_genie_trainer.data.dataset import load_processed
from movie_genie_trainer.data.grouplens import MovieLens
from movie_genie_trainer.data.preprocess import build_tables, write_processed
from movie_genie_trainer.data.sources import load_source, read_recbole_ml100k


def movielens(rows):
    ratings = pd.DataFrame(rows, columns=["user_id", "item_id", "rating", "timestamp"])
    items = sorted(ratings["item_id"].unique())
    movies = pd.DataFrame(
        {"item_id": items, "title": [f"m{i}" for i in items], "genres": [["Drama"] for _ in items]}
    )
    return MovieLens(ratings.astype({"rating": float}), movies)


ROWS = [  # user 7 has three items at the same second; user 9 rates item 30 twice
    (7, 50, 4, 100),
    (7, 40, 3, 100),
    (7, 60, 5, 100),
    (7, 10, 2, 50),
    (7, 20, 1, 200),
    (9, 30, 5, 10),
    (9, 10, 4, 20),
    (9, 30, 3, 30),
    (9, 20, 2, 40),
    (9, 40, 1, 50),
    (11, 10, 5, 1),
    (11, 20, 5, 2),  # too short for leave-one-out: dropped
]


def item_ids(tables, user_idx):
    lookup = dict(zip(tables["movies"]["item_idx"], tables["movies"]["item_id"], strict=True))
    return [lookup[i] for i in tables["sequences"]["items"][user_idx]]


def test_ties_in_time_keep_the_source_order_never_item_id():
    tables = build_tables(movielens(ROWS), DataConfig())
    assert item_ids(tables, 0) == [10, 50, 40, 60, 20]  # 50, 40, 60 share a second: file order
    assert item_ids(tables, 1) == [30, 10, 20, 40]  # the repeat of 30 counts once
    assert list(tables["users"]["user_id"]) == [7, 9]
    # The same ratings with the burst written the other way round read the other way round.
    burst_reversed = [ROWS[2], ROWS[1], ROWS[0], *ROWS[3:]]
    assert item_ids(build_tables(movielens(burst_reversed), DataConfig()), 0) == [
        10,
        60,
        40,
        50,
        20,
    ]


def test_tie_rule_on_a_tiny_grouplens_file(tmp_path):
    """Read through the real source path: the held-out item is the burst's last line, not its
    highest id (the leak issue 12 measured)."""
    folder = tmp_path / "ml-100k"
    folder.mkdir()
    (folder / "u.data").write_text(
        "1\t3\t4\t500\n1\t1\t4\t100\n1\t9\t5\t900\n1\t7\t3\t900\n1\t2\t3\t900\n"
    )
    (folder / "u.item").write_text(
        "".join(f"{i}|Movie {i} (1999)|01-Jan-1999||x|0|1\n" for i in (1, 2, 3, 7, 9)),
        encoding="latin-1",
    )
    (folder / "u.genre").write_text("unknown|0\nDrama|1\n\n")
    config = DataConfig.model_validate({"source": {"kind": "local", "path": str(folder)}})
    tables = build_tables(load_source(config.source), config)
    assert item_ids(tables, 0) == [1, 3, 9, 7, 2]
    split = tables["split"].iloc[0]
    movie_id = dict(zip(tables["movies"]["item_idx"], tables["movies"]["item_id"], strict=True))
    assert (movie_id[split["val_item"]], movie_id[split["test_item"]]) == (7, 2)


def test_split_holds_out_the_last_two_items(tmp_path):
    tables = build_tables(movielens(ROWS), DataConfig())
    split, sequences = tables["split"], tables["sequences"]
    for row, seq in zip(split.itertuples(), sequences["items"], strict=True):
        assert [*row.train_items, row.val_item, row.test_item] == list(seq)


def test_ml100k_from_the_recbole_wheel_never_leaks_held_out_items(tmp_path):
    stats = write_processed(read_recbole_ml100k(), DataConfig(), tmp_path)
    assert (stats["num_users"], stats["num_movies"], stats["num_interactions"]) == (
        943,
        1682,
        100000,
    )
    assert json.loads((tmp_path / "stats.json").read_text()) == stats
    data = load_processed(tmp_path)
    for train, val, test in zip(data.train, data.val_items, data.test_items, strict=True):
        assert test not in train and val not in train and test != val
    assert sum(map(len, data.train)) == stats["num_train_interactions"]
    movies = pd.read_parquet(tmp_path / "movies.parquet")
    assert movies.loc[0, "title"] == "Toy Story (1995)"
    assert list(movies.loc[0, "genres"]) == ["Animation", "Children's", "Comedy"]


def test_max_users_and_min_rating_filter():
    config = DataConfig.model_validate({"preprocessing": {"max_users": 1, "min_rating": 2}})
    tables = build_tables(movielens(ROWS), config)
    assert list(tables["users"]["user_id"]) == [7]
    assert item_ids(tables, 0) == [10, 50, 40, 60]  # the rating-1 item is gone
