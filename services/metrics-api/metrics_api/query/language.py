"""The run search language: text -> lark parse tree -> a ``Query`` over a snapshot's columns.

The query is parsed by lark (LALR, ``grammar.lark``) and compiled once into array operations
over the snapshot's columns (``columns.py``): a whole snapshot is answered with a few numpy
operations per condition, never a Python call per run. It never becomes an MLflow filter
string. Semantics, as documented in the service README:

* ``metrics.*``, ``start_time`` and ``end_time`` are numbers: compared with numbers only.
* ``params.*``, ``tags.*`` and the other attributes are strings. Against a string they compare
  as strings (case-sensitive, ``<``/``>`` by code point); against a number they compare as
  numbers when the value reads as one (``params.lr = 0.001`` matches ``"1e-3"``), and a value
  that does not read as a number never matches.
* A run without the key (or a NaN/infinite metric) matches no comparison, ``!=`` included;
  ``IS NULL`` / ``IS NOT NULL`` test for it.
* ``LIKE`` / ``ILIKE`` (case-insensitive) on strings: ``%`` any run of characters, ``_`` one,
  ``\\%`` and ``\\_`` themselves.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, reduce
from pathlib import Path

import numpy as np
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .columns import NUMERIC_ATTRIBUTES, RUN_ATTRIBUTES, Columns

MAX_QUERY_LENGTH = 2000
MAX_DEPTH = 40  # nested parentheses / operators; deeper is surely not a person's query
ATTRIBUTES = frozenset(RUN_ATTRIBUTES)
OPERATORS = {
    "=": operator.eq,
    "==": operator.eq,
    "!=": operator.ne,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
TOKEN_NAMES = {
    "FIELD": "a field (metrics.<name>, params.<name>, tags.<name> or run_name, ...)",
    "OP": "an operator (= != < <= > >=)",
    "NUMBER": "a number",
    "STRING": "a quoted string",
    "LIKE": "LIKE",
    "ILIKE": "ILIKE",
    "NOT": "NOT",
    "_IS": "IS",
    "_NULL": "NULL",
    "_AND": "AND",
    "_OR": "OR",
    "LPAR": "(",
    "RPAR": ")",
    "$END": "the end of the query",
}

Evaluator = Callable[[Columns], np.ndarray]  # one bool per run of the columns
PARSER = Lark(
    (Path(__file__).parent / "grammar.lark").read_text(),
    parser="lalr",
    propagate_positions=True,
    maybe_placeholders=False,
)


class QueryError(ValueError):
    """A query that cannot be parsed or makes no sense; ``position`` is a 0-based offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message, self.position = message, position


@dataclass(frozen=True)
class Field:
    kind: str  # "metrics", "params", "tags" or "attributes"
    key: str
    numeric: bool

    @property
    def name(self) -> str:
        return self.key if self.kind == "attributes" else f"{self.kind}.{self.key}"

    def numbers(self, columns: Columns) -> np.ndarray:
        """The field read as numbers: NaN where a run lacks it (or, for a string field, where
        its value does not read as a number)."""
        if self.numeric:
            return columns.numeric(self.kind, self.key)
        return columns.strings(self.kind, self.key).numbers()


def parse_field(token: Token) -> Field:
    text = str(token)
    kind, dot, key = text.partition(".")
    if not dot:
        kind, key = "attributes", text
    key = key[1:-1] if key.startswith("`") else key
    if kind == "attributes":
        if key not in ATTRIBUTES:
            raise QueryError(
                f"unknown field {text!r} at position {token.start_pos}; run "
                f"attributes are {', '.join(sorted(ATTRIBUTES))}, other fields "
                "are metrics.<name>, params.<name> or tags.<name>",
                token.start_pos,
            )
        return Field(kind, key, key in NUMERIC_ATTRIBUTES)
    return Field(kind, key, kind == "metrics")


def unquote(token: Token) -> str:
    """Backslash escapes a quote or a backslash; any other backslash stays, so LIKE patterns
    can say ``\\%`` and ``\\_``."""
    return re.sub(r"\\(['\"\\])", r"\1", str(token)[1:-1])


def like_regex(pattern: str, ignore_case: bool) -> re.Pattern:
    parts = []
    for escaped, char in re.findall(r"(\\.)|(.)", pattern, flags=re.DOTALL):
        if escaped:
            parts.append(re.escape(escaped[1]))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def compile_comparison(tree: Tree) -> Evaluator:
    field_token, op_token, value_token = tree.children
    field, compare = parse_field(field_token), OPERATORS[str(op_token)]
    if value_token.type == "NUMBER":
        number = float(value_token)
        if not math.isfinite(number):
            raise QueryError(
                f"number {str(value_token)!r} at position {value_token.start_pos} is out of range",
                value_token.start_pos,
            )

        def against_number(columns: Columns) -> np.ndarray:
            values = field.numbers(columns)
            return compare(values, number) & ~np.isnan(values)  # NaN: missing, never a match

        return against_number
    if field.numeric:
        raise QueryError(
            f"{field.name} is a number; at position {value_token.start_pos} "
            f"compare it with a number, not {str(value_token)}",
            value_token.start_pos,
        )
    text = unquote(value_token)
    return lambda columns: columns.strings(field.kind, field.key).where(
        (str(op_token), text), lambda value: compare(value, text)
    )


def compile_like(tree: Tree) -> Evaluator:
    field_token, *middle, pattern_token = tree.children
    negate = any(t.type == "NOT" for t in middle)
    ignore_case = any(t.type == "ILIKE" for t in middle)
    field = parse_field(field_token)
    if field.numeric:
        raise QueryError(
            f"LIKE needs a string field; {field.name} (position "
            f"{field_token.start_pos}) is a number",
            field_token.start_pos,
        )
    pattern = unquote(pattern_token)
    match = like_regex(pattern, ignore_case).fullmatch
    key = ("LIKE", pattern, ignore_case, negate)
    if negate:
        return lambda columns: columns.strings(field.kind, field.key).where(
            key, lambda value: match(value) is None
        )
    return lambda columns: columns.strings(field.kind, field.key).where(
        key, lambda value: match(value) is not None
    )


def compile_null_test(tree: Tree) -> Evaluator:
    field_token, *rest = tree.children
    field = parse_field(field_token)

    def present(columns: Columns) -> np.ndarray:
        if field.numeric:
            return ~np.isnan(columns.numeric(field.kind, field.key))
        return columns.strings(field.kind, field.key).present

    if rest:  # IS NOT NULL
        return present
    return lambda columns: ~present(columns)


def compile_tree(tree: Tree, depth: int = 0) -> Evaluator:
    if depth > MAX_DEPTH:
        raise QueryError(f"query nests deeper than {MAX_DEPTH} levels", tree.meta.start_pos)
    if tree.data == "comparison":
        return compile_comparison(tree)
    if tree.data == "like":
        return compile_like(tree)
    if tree.data == "null_test":
        return compile_null_test(tree)
    parts = tuple(compile_tree(child, depth + 1) for child in tree.children)
    join = operator.and_ if tree.data == "conjunction" else operator.or_  # else: disjunction
    return lambda columns: reduce(join, (part(columns) for part in parts))


class Query:
    """A compiled query: ``mask(columns)`` answers a whole snapshot at once; calling it on one
    run dict answers for that run alone (same code, a one-run column set)."""

    __slots__ = ("evaluate",)

    def __init__(self, evaluate: Evaluator) -> None:
        self.evaluate = evaluate

    def mask(self, columns: Columns) -> np.ndarray:
        return self.evaluate(columns)

    def __call__(self, run: dict) -> bool:
        return bool(self.evaluate(Columns([run]))[0])


def _expected(names) -> str:
    shown = sorted({TOKEN_NAMES.get(n, n.strip("_")) for n in names})
    return " or ".join(shown) if shown else "something else"


def _syntax_error(text: str, error: UnexpectedInput) -> QueryError:
    if isinstance(error, UnexpectedEOF):
        position = len(text)
        return QueryError(
            f"query ends too early at position {position}; expected {_expected(error.expected)}",
            position,
        )
    position = error.pos_in_stream if error.pos_in_stream is not None else len(text)
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        return QueryError(
            f"query ends too early at position {len(text)}; expected "
            f"{_expected(error.accepts or error.expected)}",
            len(text),
        )
    if isinstance(error, UnexpectedToken):
        found = str(error.token)
        expected = error.accepts or error.expected
    elif isinstance(error, UnexpectedCharacters):
        found = text[position]
        expected = error.allowed or ()
    else:
        found, expected = text[position : position + 1], ()
    return QueryError(
        f"unexpected {found[:40]!r} at position {position}; expected {_expected(expected)}",
        position,
    )


@lru_cache(maxsize=256)
def compile_query(text: str) -> Query:
    """The compiled ``text`` (cached: the dashboard repeats queries while paging)."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"query is longer than {MAX_QUERY_LENGTH} characters", MAX_QUERY_LENGTH)
    if not text.strip():
        raise QueryError("query is empty at position 0", 0)
    try:
        tree = PARSER.parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(text, error) from None
    if isinstance(tree, Token):  # cannot happen with this grammar; keep the type honest
        raise QueryError("query is not a condition", 0)
    return Query(compile_tree(tree))
