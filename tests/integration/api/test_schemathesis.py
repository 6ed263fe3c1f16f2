"""Schemathesis against the live OpenAPI document: every operation, every check, examples both
valid and invalid; any 5xx or any answer that breaks the document fails the test. It runs on
whichever database the suite runs on (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from app import create_app
from config import TestConfig
from tests.factories import make_admin, make_customer, make_ticket
from tests.integration.api.conftest import token_for

# Examples per operation and generation mode: each field's edges are covered by schemathesis'
# own coverage phase first; these random ones come on top, kept few so the run stays short.
MAX_EXAMPLES = 8

CONFIG = {
    "generation": {"max-examples": MAX_EXAMPLES, "database": "none", "deterministic": True},
    "checks": {
        # A well-formed request may still be refused by the desk's rules (422: a status change
        # not allowed from the current one, a tier above the agent's), never for its shape (400).
        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]},
    },
}


class _Forward:
    """A WSGI app that forwards to another: the document is read from an app made here (it needs
    no database), the requests then go to the suite's own app, known only once the session runs."""

    def __init__(self, target) -> None:
        self.target = target

    def __call__(self, environ, start_response):
        return self.target(environ, start_response)


_forward = _Forward(create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://"))
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _forward, config=SchemathesisConfig.from_dict(CONFIG)
)


@pytest.fixture
def desk():
    """A small desk to act on: an admin (every right), a customer with tickets in a few states."""
    admin = make_admin()
    customer = make_customer()
    for status in ("open", "solved", "pending"):
        make_ticket(customer, status=status)
    return {"admin": token_for(admin), "customer": token_for(customer.user)}


@schema.parametrize()
# The desk is shared by an operation's examples on purpose: they act on the same tickets in turn.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_as_an_admin(case, desk, app):
    _forward.target = app
    case.call_and_validate(headers={"Authorization": f"Bearer {desk['admin']}"})


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=3)
def test_every_operation_with_a_customers_token(case, desk, app):
    _forward.target = app
    case.call_and_validate(headers={"Authorization": f"Bearer {desk['customer']}"})
