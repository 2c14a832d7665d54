"""The committed OpenAPI document is the API's own, and schemathesis finds no server error and no answer outside it.

Schemathesis generates requests from the committed document (api/openapi.json) and sends them to the app in
process (ASGI), with a manager's key: every route, valid and invalid inputs. When the API changes without the
document, the first test fails and says how to write it again.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.__main__ import OPENAPI_PATH, openapi_text
from api.config import ApiConfig
from api.factory import create_app
from tests.api.conftest import deployment


def test_the_committed_openapi_document_is_the_apis_own():
    assert OPENAPI_PATH.read_text() == openapi_text(), (
        "The API changed but api/openapi.json did not: write it again with `python -m api --openapi api/openapi.json` "
        "and commit it with the change."
    )


def test_the_document_is_served_and_every_route_is_versioned():
    served = TestClient(create_app()).get("/v1/openapi.json").json()
    assert served == json.loads(OPENAPI_PATH.read_text())
    assert all(path.startswith("/v1/") for path in served["paths"])


@pytest.fixture(scope="module")
def keyed_app(tmp_path_factory):
    deployed = deployment(tmp_path_factory.mktemp("schemathesis"))
    return create_app(deployed.settings, ApiConfig(rate_limit=1_000_000)), deployed.headers("manager")


LABELS = sorted(result.ok().label for result in schemathesis.openapi.from_path(OPENAPI_PATH).get_all_operations())
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
NOTHING_TO_BREAK = {"GET /v1/health"}  # no parameter, body or key: no invalid request can be made of it
RUNS = [(label, POSITIVE) for label in LABELS] + [
    (label, NEGATIVE) for label in LABELS if label not in NOTHING_TO_BREAK
]
# A file's content is the cohort contract's, not the document's: a schema-valid upload (say, an empty file) is
# refused with 422 and a message saying what is wrong, which is right; every other check stays on for them.
FILE_ROUTES = {"POST /v1/score", "POST /v1/histories/score"}


@pytest.mark.parametrize(("label", "mode"), RUNS, ids=[f"{label} {mode.value}" for label, mode in RUNS])
def test_no_server_error_and_every_answer_matches_the_document(keyed_app, label, mode):
    app, headers = keyed_app
    committed = schemathesis.openapi.from_path(OPENAPI_PATH)
    committed.app = app  # in process (ASGI): the requests go to the app, not to a server
    operation = next(r.ok() for r in committed.get_all_operations() if r.ok().label == label)

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def each(case):
        excluded = [positive_data_acceptance] if label in FILE_ROUTES else []
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    each()
