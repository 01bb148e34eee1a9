"""GroupLens layouts, written by the tests in the release's own format (no network)."""

import hashlib
import zipfile

import pytest
from movie_genie_trainer.config import SourceConfig
from movie_genie_trainer.data.grouplens import DatasetFormatError, read_grouplens
from movie_genie_trainer.data.sources import DownloadError, download, load_source

GENRES_100K = "unknown|0\nAction|1\nComedy|2\n\n"
ITEMS_100K = (
    "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|1\n"
    "2|GoldenEye (1995)|01-Jan-1995||http://y|0|1|0\n"
)
RATINGS_1M = "1::10::5::978300760\n1::20::3::978302109\n2::10::4::978301968\n"
MOVIES_1M = "10::Heat (1995)::Action|Crime|Thriller\n20::Café (1996)::Drama\n"
RATINGS_CSV = "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n"
MOVIES_CSV = (
    'movieId,title,genres\n1,"Toy Story (1995)",Adventure|Comedy\n3,Foo,(no genres listed)\n'
)


def write_ml100k(folder):
    folder.mkdir(parents=True)
    (folder / "u.data").write_text("1\t2\t5\t881250949\n2\t1\t3\t891717742\n")
    (folder / "u.item").write_text(ITEMS_100K, encoding="latin-1")
    (folder / "u.genre").write_text(GENRES_100K)
    return folder


def write_zip(path, top, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"{top}/{name}", text.encode("latin-1"))
    return path


def test_ml100k_folder(tmp_path):
    data = read_grouplens(write_ml100k(tmp_path / "ml-100k"))
    assert data.ratings.to_dict("list") == {
        "user_id": [1, 2],
        "item_id": [2, 1],
        "rating": [5.0, 3.0],
        "timestamp": [881250949, 891717742],
    }
    genres = dict(zip(data.movies["item_id"], data.movies["genres"], strict=True))
    assert genres == {1: ["Comedy"], 2: ["Action"]}


def test_ml1m_zip_with_latin1_titles(tmp_path):
    path = write_zip(
        tmp_path / "ml-1m.zip", "ml-1m", {"ratings.dat": RATINGS_1M, "movies.dat": MOVIES_1M}
    )
    data = read_grouplens(path)
    assert len(data.ratings) == 3
    assert list(data.movies["title"]) == ["Heat (1995)", "Café (1996)"]
    assert list(data.movies["genres"]) == [["Action", "Crime", "Thriller"], ["Drama"]]


def test_csv_release_folder(tmp_path):
    folder = tmp_path / "ml-latest-small"
    folder.mkdir()
    (folder / "ratings.csv").write_text(RATINGS_CSV)
    (folder / "movies.csv").write_text(MOVIES_CSV)
    data = read_grouplens(folder)
    assert list(data.ratings.columns) == ["user_id", "item_id", "rating", "timestamp"]
    assert list(data.ratings["rating"]) == [4.0, 4.5]
    assert list(data.movies["genres"]) == [["Adventure", "Comedy"], []]


def test_unknown_layout_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DatasetFormatError, match="no MovieLens files found"):
        read_grouplens(tmp_path)


def test_download_checks_the_checksum_and_caches(tmp_path):
    archive = write_zip(
        tmp_path / "ml-1m.zip", "ml-1m", {"ratings.dat": RATINGS_1M, "movies.dat": MOVIES_1M}
    )
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    cache = tmp_path / "cache"
    source = SourceConfig(kind="url", url=archive.as_uri(), sha256=digest, cache_dir=str(cache))

    assert len(load_source(source).ratings) == 3
    archive.unlink()  # the cached copy must now be enough
    assert download(source.url, digest, cache) == cache / "ml-1m.zip"
    assert len(load_source(source).ratings) == 3


def test_download_with_a_wrong_checksum_leaves_nothing(tmp_path):
    archive = write_zip(tmp_path / "ml-1m.zip", "ml-1m", {"ratings.dat": RATINGS_1M})
    cache = tmp_path / "cache"
    with pytest.raises(DownloadError, match="checksum mismatch"):
        download(archive.as_uri(), "0" * 64, cache)
    assert list(cache.iterdir()) == []
