"""The run search language on its own: grammar, precedence, each operator, LIKE, numbers vs
strings, missing keys and the positions of errors. Runs are plain dicts shaped like the cache's
(``serialize.run_to_dict``); the API-level behaviour is in test_runs_search.py."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from metrics_api.query import RunFilter
from metrics_api.query.columns import Columns
from metrics_api.query.language import PARSER, QueryError, compile_query


def run(name, metrics=None, params=None, tags=None, start=1000, **attributes):
    return {
        "run_id": name,
        "run_name": name,
        "experiment_id": "1",
        "status": "FINISHED",
        "start_time": start,
        "end_time": start + 10,
        "artifact_uri": None,
        "model_type": "retrieval",
        "model_name": "two-tower",
        "framework": "pytorch",
        "model_status": "inactive",
        "metrics": metrics or {},
        "params": params or {},
        "tags": tags or {},
        **attributes,
    }


RUNS = [
    run("a", {"ndcg": 0.1, "loss": 2.0}, {"dim": "64", "lr": "1e-3", "opt": "adam"}),
    run(
        "b",
        {"ndcg": 0.3, "loss": 1.0},
        {"dim": "128", "lr": "0.001", "opt": "sgd"},
        {"note": "=cmd"},
        start=2000,
        model_type="ranking",
        model_name="bert4rec",
    ),
    run("c", {"ndcg": 0.2}, {"dim": "9", "opt": "Adam"}, start=3000, status="FAILED"),
    run("d", {"ndcg": None}, {"dim": "big"}, start=4000),  # a NaN metric is None in the cache
    run("e_1", {}, {}, {"note": "50%"}, start=5000),
]


def names(text: str) -> list[str]:
    """The runs ``text`` matches, answered over all of RUNS' columns at once (as the API
    does); the grammar test below checks that this agrees with asking run by run."""
    keep = compile_query(text).mask(Columns(RUNS))
    return [r["run_name"] for r, kept in zip(RUNS, keep, strict=True) if kept]


def error_of(text: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        compile_query(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("metrics.ndcg = 0.2", ["c"]),
        ("metrics.ndcg == 0.2", ["c"]),
        ("metrics.ndcg != 0.2", ["a", "b"]),
        ("metrics.ndcg <> 0.2", ["a", "b"]),
        ("metrics.ndcg < 0.2", ["a"]),
        ("metrics.ndcg <= 0.2", ["a", "c"]),
        ("metrics.ndcg > 0.2", ["b"]),
        ("metrics.ndcg >= 0.2", ["b", "c"]),
        ("metrics.ndcg >= 2e-1", ["b", "c"]),
        ("start_time > 2500", ["c", "d", "e_1"]),
        ("attributes.end_time <= 2010", ["a", "b"]),
        ("status = 'FAILED'", ["c"]),
        ('model_name != "two-tower"', ["b"]),
        ("run_name >= 'c'", ["c", "d", "e_1"]),
    ],
)
def test_each_comparison_operator(text, expected):
    assert names(text) == expected


def test_and_binds_tighter_than_or():
    # a or (b and c): b-and-c matches nothing, so only a; (a or b) and c: b only
    assert names("run_name = 'a' or run_name = 'b' and metrics.ndcg < 0.2") == ["a"]
    assert names("(run_name = 'a' or run_name = 'b') and metrics.ndcg > 0.2") == ["b"]
    assert names("metrics.ndcg > 0.25 and run_name = 'b' or run_name = 'c'") == ["b", "c"]
    assert names("metrics.ndcg > 0.25 and (run_name = 'b' or run_name = 'c')") == ["b"]


def test_keywords_are_case_insensitive_and_nesting_works():
    assert names("((run_name = 'a') OR (run_name = 'c')) AnD metrics.ndcg > 0.15") == ["c"]


def test_like_and_ilike():
    assert names("params.opt LIKE 'ad%'") == ["a"]
    assert names("params.opt ILIKE 'ad%'") == ["a", "c"]
    assert names("params.opt NOT LIKE 'ad%'") == ["b", "c"]  # d and e_1 lack the param
    assert names("run_name like '_'") == ["a", "b", "c", "d"]
    assert names("run_name LIKE 'e\\_%'") == ["e_1"]
    assert names("tags.note LIKE '%\\%'") == ["e_1"]
    assert names("run_name LIKE 'A'") == []


def test_params_against_numbers_compare_as_numbers_and_against_strings_as_strings():
    assert names("params.dim > 50") == ["a", "b"]  # "9" < 50 numerically; "big" never matches
    assert names("params.dim > '50'") == ["a", "c", "d"]  # "128" < "50" as strings
    assert names("params.lr = 0.001") == ["a", "b"]  # "1e-3" and "0.001" are the same number
    assert names("params.lr = '0.001'") == ["b"]
    assert names("params.dim != 64") == ["b", "c"]  # "big" is not a number: no match either way


def test_missing_keys_match_no_comparison_and_is_null_finds_them():
    assert names("metrics.loss != 1.0") == ["a"]
    assert names("metrics.ndcg > -1") == ["a", "b", "c"]  # d's NaN and e_1's absence
    assert names("metrics.ndcg IS NULL") == ["d", "e_1"]
    assert names("metrics.loss is not null") == ["a", "b"]
    assert names("tags.note IS NOT NULL and tags.note LIKE '=%'") == ["b"]
    assert names("params.nope = 'x' or params.nope != 'x'") == []


def test_a_repeated_search_reuses_answers_without_changing_them():
    # The answers of string tests are memoised per column; combining them must not write
    # into the memoised arrays.
    columns = Columns(RUNS)
    search = RunFilter(model_type="retrieval", q="run_name LIKE '%'").compiled()
    first = search(columns).tolist()
    assert first == [True, False, True, True, True]
    assert search(columns).tolist() == first
    assert compile_query("run_name LIKE '%'").mask(columns).tolist() == [True] * len(RUNS)


def test_backquoted_keys():
    odd = {**RUNS[0], "params": {"my key": "1"}}
    assert compile_query("params.`my key` = 1")(odd)


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("metrics.ndcg >", 14, "ends too early"),
        ("metrics.ndcg > 0.1 and", 22, "ends too early"),
        ("metrics.ndcg >> 1", 14, "unexpected"),
        ("metrics.ndcg > 0.1 or or run_name = 'a'", 22, "unexpected"),
        ("(metrics.ndcg > 0.1", 19, "ends too early"),
        ("metrics.ndcg > 0.1)", 18, "unexpected"),
        ("run_name = 'abc", 11, "unexpected"),
        ("nonsense = 1", 0, "unknown field 'nonsense'"),
        ("metrics.ndcg > 0.1 and colour = 'red'", 23, "unknown field 'colour'"),
        ("metrics.ndcg = 'high'", 15, "is a number"),
        ("start_time < 'yesterday'", 13, "is a number"),
        ("metrics.ndcg LIKE '0.%'", 0, "LIKE needs a string field"),
        ("metrics.ndcg > 1e999", 15, "out of range"),
        ("   ", 0, "empty"),
        ("run_name = 'a' $", 15, "unexpected '$'"),
    ],
)
def test_bad_queries_name_the_position(text, position, words):
    error = error_of(text)
    assert error.position == position, error.message
    assert words in error.message and f"position {position}" in error.message


def test_overlong_and_overdeep_queries_are_refused():
    assert "longer than" in error_of("run_name = 'a' or " * 200 + "run_name = 'b'").message
    assert compile_query("(" * 60 + "run_name = 'a'" + ")" * 60)  # brackets alone: no depth
    deep = "run_name = 'a' and (" * 45 + "run_name = 'b'" + ")" * 45
    assert "deeper" in error_of(deep).message


# Terminals drawn from small sets (the regexes alone make hypothesis slow and rarely hit a key
# the runs have); the grammar's structure -- nesting, and/or, every operator -- is generated.
TERMINALS = {
    "FIELD": st.sampled_from(
        [
            "metrics.ndcg",
            "metrics.loss",
            "params.dim",
            "params.lr",
            "tags.note",
            "run_name",
            "status",
            "start_time",
            "metrics.`x y`",
            "params.missing",
            "colour",
        ]
    ),
    "NUMBER": st.sampled_from(["0", "0.2", "-1", "64", "1e-3", "2000", ".5"]),
    "STRING": st.sampled_from(["'a'", "'64'", "'%a%'", '"b_"', "'\\''", "''"]),
    **{
        name: st.sampled_from([f" {word} ", f" {word.upper()} ", f"\t{word}\n"])
        for name, word in (
            ("_OR", "or"),
            ("_AND", "and"),
            ("NOT", "not"),
            ("LIKE", "like"),
            ("ILIKE", "ilike"),
            ("_IS", "is"),
            ("_NULL", "null"),
        )
    },
    "WS": st.sampled_from([" ", "\t", "\n "]),
}
GRAMMAR_SENTENCES = from_lark(PARSER, start="start", explicit=TERMINALS)


# Every rule of the grammar at least once, whatever hypothesis draws; its draws then combine them
# (25 of them: recursive draws grow to thousands of characters, and each costs a fraction of a
# second, most of make test-fast's budget at 60).
@settings(max_examples=25, deadline=None, database=None)
@example("(metrics.ndcg > 0.2 OR params.opt NOT ILIKE '%a%') and tags.note is not null")
@example("run_name like 'a' or status IS NULL and start_time <= 2000 or params.dim = '64'")
@example("metrics.`x y` = 1 or colour = 'red'")
@given(GRAMMAR_SENTENCES)
def test_every_sentence_of_the_grammar_compiles_or_fails_cleanly(text):
    # Generated from the grammar itself: either a predicate that runs on every run, or a
    # QueryError with a position inside the text; never any other exception.
    try:
        keep = compile_query(text)
    except QueryError as error:
        assert 0 <= error.position <= len(text)
        return
    one_by_one = [keep(one) for one in RUNS]
    assert all(answer in (True, False) for answer in one_by_one)
    assert keep.mask(Columns(RUNS)).tolist() == one_by_one  # all at once: the same answers
