"""Property test of the API from its own OpenAPI document (schemathesis + hypothesis): generated
valid and invalid requests never get a 5xx, and every response matches the documented schema,
status codes and content type.

Driven through ``APIOperation.as_strategy`` in plain pytest tests: schemathesis' lazy
``from_fixture`` loader does not work with pytest 9.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.metrics_api.conftest import TOKEN

EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 20}
SENT: list[int] = []
SENT_URLS: list[str] = []
# gunicorn answers longer request lines itself (its own HTML 400) before the app sees them.
MAX_REQUEST_LINE = 8190
# No parameters and no body: nothing to make invalid.
WITHOUT_INPUT = {"GET /api/health", "GET /api/models/experiments", "GET /api/openapi.json"}


@pytest.fixture(scope="module")
def operations(api):
    schema = schemathesis.openapi.from_url(f"{api.url}/api/openapi.json")
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 8  # schemathesis may leave out the document's own path
    return {f"{op.method.upper()} {op.path}": op for op in found}


@pytest.fixture(scope="module")
def session():
    with requests.Session() as session:
        session.hooks["response"].append(
            lambda response, *a, **k: SENT.append(response.status_code)
        )
        session.hooks["response"].append(lambda response, *a, **k: SENT_URLS.append(response.url))
        yield session


def fuzz(operations, session, api, mode) -> str | None:
    """Every operation with generated requests of one mode: the first failure, or None."""
    for name, operation in operations.items():
        if mode is GenerationMode.NEGATIVE and name in WITHOUT_INPUT:
            continue

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES[mode],
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            kwargs = case.as_transport_kwargs(base_url=api.url)
            url = (
                requests.Request(kwargs["method"], kwargs["url"], params=kwargs.get("params"))
                .prepare()
                .url
            )
            assume(len(url) < MAX_REQUEST_LINE - 100)
            # Schema-valid ids of runs that do not exist are a 404, and schema-valid page
            # tokens never issued a 400: "valid data is accepted" does not hold for this API.
            case.call_and_validate(
                base_url=api.url,
                session=session,
                headers={"Authorization": f"Bearer {TOKEN}"},
                excluded_checks=[positive_data_acceptance],
            )

        try:
            check()
        except Exception as error:
            return f"{mode.value} {name}: {error}"
    return None


@pytest.fixture(scope="module")
def fuzzed(operations, session, api) -> dict[GenerationMode, str | None]:
    """Both modes, once, before any test here reads the outcome: the tests pass in any order."""
    return {mode: fuzz(operations, session, api, mode) for mode in EXAMPLES}


@pytest.mark.parametrize("mode", list(EXAMPLES))
def test_every_operation_honours_the_document(fuzzed, mode):
    assert fuzzed[mode] is None, fuzzed[mode]


def test_fuzzing_sent_a_few_hundred_requests_and_no_5xx(fuzzed):
    assert len(SENT) >= 300, len(SENT)
    assert not [status for status in SENT if status >= 500]


def test_fuzzing_covered_the_preview_routes(fuzzed):
    for path in ("/recommendations?", "/api/movies?"):
        assert len([url for url in SENT_URLS if path in url]) >= 10, path
    posted = [url for url in SENT_URLS if url.endswith("/recommendations")]
    assert len(posted) >= 10


def test_fuzzing_covered_the_search_language_on_every_route_that_takes_it(fuzzed):
    # q is in the document for runs, runs.csv and summary, so generated requests carry it.
    for path in ("/api/models/runs?", "/api/models/runs.csv?", "/api/models/summary?"):
        with_q = [url for url in SENT_URLS if path in url and "q=" in url.split("?", 1)[1]]
        assert len(with_q) >= 5, (path, len(with_q))


def test_fuzzing_covered_the_champion_history_and_roll_back(fuzzed):
    for suffix in ("/history", "/rollback"):
        hits = [
            url
            for url in SENT_URLS
            if "/api/models/champions/" in url and url.split("?", 1)[0].endswith(suffix)
        ]
        assert len(hits) >= 10, suffix
