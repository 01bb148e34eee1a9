"""Limits on what a request may send: body size and JSON nesting.

The size cap is Flask's ``MAX_CONTENT_LENGTH`` (werkzeug answers 413 before reading the body;
``errors.py`` makes it JSON). Nesting is checked on the raw text before parsing, because Python's
``json`` recurses per level: a body of 100,000 ``[`` would otherwise end in a RecursionError.
"""

from __future__ import annotations

import json
import re

from flask import request

from .errors import BadRequest

MAX_BODY_BYTES = 1024 * 1024  # no request of this API needs more than a few kB
MAX_JSON_DEPTH = 16  # the deepest real body ({"run_ids": [...]}) is 2 levels
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """Deepest bracket nesting of ``text``, ignoring brackets inside strings."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def json_body():
    """The request's JSON body, or a 400 naming what is wrong with it."""
    raw = request.get_data(cache=True)  # bounded by MAX_CONTENT_LENGTH (413 above it)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("body must be UTF-8 JSON") from None
    if json_depth(text) > MAX_JSON_DEPTH:
        raise BadRequest(f"body is nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        return json.loads(text)
    except ValueError:
        raise BadRequest("body is not valid JSON") from None
