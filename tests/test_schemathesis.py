"""Schemathesis against /api/openapi.json, in-process on the Flask app: generated requests, valid
and invalid, for every operation described; each response must be what the description says
(status, media type, schema, headers), no 500s, invalid input refused, valid input accepted.

Bounded and reproducible: a fixed number of examples per operation, `derandomize`, no example
database."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from search.http.app import create_app

# A request valid for the parameter schemas may still get the documented 400: a query that the
# query syntax or the limits refuse ("a*", a pattern matching too many words), a page beyond
# rank 1,000 for its `per_page`, `van` after `tot`. Those rules span parameters or live inside
# the query language, where a parameter schema cannot state them; every other check is as
# Schemathesis ships it, and a request that breaks a parameter schema must still be refused.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]}}}
)
# Serving the description needs no index; the generated requests go to an app on the test index.
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json", create_app({"INDEX_DIR": os.devnull}), config=CONFIG
)


@pytest.fixture(scope="module")
def api_app(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True})


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_does_what_its_description_says(case, api_app):
    case.call_and_validate(app=api_app)
