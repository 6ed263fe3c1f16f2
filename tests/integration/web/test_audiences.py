"""Each audience checks who may enter once, at its parent blueprint: every page nested in the desk
or the admin area refuses the wrong person, whichever child serves it."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_agent, make_customer

ARG = re.compile(r"<(?:\w+:)?(\w+)>")


def _routes(app, prefix: str) -> list[tuple[str, str, str]]:
    """(method, concrete url, endpoint) for every route under the prefix; ids are made up."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule == prefix or rule.rule.startswith(prefix + "/"):
            url = ARG.sub(lambda m: "key" if m.group(1) in ("key", "action") else "1", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((method, url, rule.endpoint))
    return found


@pytest.mark.parametrize("prefix", ["/desk", "/admin"])
def test_every_page_of_an_audience_belongs_to_its_parent(app, prefix):
    routes = _routes(app, prefix)
    assert len(routes) > 5
    assert [e for _, _, e in routes if not e.startswith(prefix.strip("/") + ".")] == []


@pytest.mark.parametrize("prefix", ["/desk", "/admin"])
def test_anonymous_visitors_are_sent_to_sign_in_everywhere(app, client, prefix):
    for method, url, _ in _routes(app, prefix):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/auth/login?next="), (method, url)


def test_customers_are_refused_every_desk_and_admin_page(app, client, login_as):
    login_as(make_customer().user)
    for method, url, _ in _routes(app, "/desk") + _routes(app, "/admin"):
        assert client.open(url, method=method).status_code == 403, (method, url)


def test_agents_are_refused_every_admin_page(app, client, login_as):
    login_as(make_agent(tier=3))
    for method, url, _ in _routes(app, "/admin"):
        assert client.open(url, method=method).status_code == 403, (method, url)
