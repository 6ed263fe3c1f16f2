"""Ticket search on the desk: subjects and messages, filters, references, bad queries, access."""

from __future__ import annotations

import pytest

from app.domain.errors import NotAllowed
from app.services.queues.search import search_own_tickets, search_tickets
from tests import factories


def _page(client, **params):
    response = client.get("/desk/search", query_string=params)
    return response.status_code, response.get_data(as_text=True)


def test_finds_a_word_in_a_message_body_and_in_a_subject(client, login_as):
    in_body = factories.make_ticket(subject="Printer trouble")
    factories.make_message(in_body, body="The spooler crashes with error quokka every morning")
    in_subject = factories.make_ticket(subject="Quokka licence renewal")
    elsewhere = factories.make_ticket(subject="Unrelated", description="Nothing to see")
    login_as(factories.make_agent(tier=1))
    status, page = _page(client, q="quokka")
    assert status == 200
    assert in_body.reference in page and in_subject.reference in page
    assert elsewhere.reference not in page
    assert "<mark>quokka</mark>" in page


def test_internal_notes_are_searchable_by_staff(client, login_as):
    agent = factories.make_agent(tier=1)
    ticket = factories.make_ticket()
    factories.make_message(ticket, agent, body="Known wombat bug, see vendor case", internal=True)
    login_as(agent)
    status, page = _page(client, q="wombat")
    assert status == 200 and ticket.reference in page and "internal note" in page


def test_snippets_escape_what_people_wrote(client, login_as):
    ticket = factories.make_ticket(description='<script>alert("x")</script> platypus \x02here')
    login_as(factories.make_agent(tier=1))
    page = _page(client, q="platypus")[1]
    assert ticket.reference in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(
    "query", ['"unclosed phrase', "*port", "ex*port", "cats OR dogs", "!!! ---", "NOT export"]
)
def test_bad_syntax_gets_a_clear_message(client, login_as, query):
    factories.make_ticket()
    login_as(factories.make_agent(tier=1))
    status, page = _page(client, q=query)
    assert status == 400
    assert 'role="alert"' in page


def test_operator_characters_are_plain_punctuation(client, login_as):
    ticket = factories.make_ticket(subject="Export fails: column mismatch")
    login_as(factories.make_agent(tier=1))
    for query in [
        "export^ (column) {mismatch}",
        "export: -column",
        '"export fails"',
        "exp*",
        "EXPORT + column",
    ]:
        status, page = _page(client, q=query)
        assert status == 200, query
        assert ticket.reference in page, query
    # FTS5 syntax that is not plain words is searched for as words, never run as syntax.
    assert _page(client, q='NEAR("export" "column", 2)')[0] == 200


def test_an_empty_search_says_what_to_type(client, login_as):
    login_as(factories.make_agent(tier=1))
    assert _page(client)[0] == 200  # the bare form
    status, page = _page(client, q="   ", customer="")
    assert status == 200 and "Search tickets" in page
    status, page = _page(client, q="", customer="nobody@example.test")
    assert status == 400 and "No customer" in page


def test_an_exact_reference_opens_the_ticket(client, login_as):
    ticket = factories.make_ticket()
    login_as(factories.make_agent(tier=1))
    response = client.get("/desk/search", query_string={"q": ticket.reference.lower()})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/desk/tickets/{ticket.id}")
    status, page = _page(client, q="TD-999999")
    assert status == 200 and "Nothing matches" in page


def test_filters_by_customer_and_organization(client, login_as):
    org = factories.make_org(name="Acme Widgets")
    mine = factories.make_customer(organization_id=org.id)
    other = factories.make_customer()
    wanted = factories.make_ticket(mine, subject="Gateway timeout")
    unwanted = factories.make_ticket(other, subject="Gateway timeout too")
    login_as(factories.make_agent(tier=1))
    for params in ({"customer": mine.email}, {"customer": str(mine.id)}, {"organization": "Acme Widgets"}):
        status, page = _page(client, q="gateway", **params)
        assert status == 200
        assert wanted.reference in page and unwanted.reference not in page, params
    assert _page(client, q="gateway", organization="No Such Org")[0] == 400


def test_pages_follow_each_other_without_losing_a_ticket(login_as):
    agent = factories.make_agent(tier=1)
    tickets = [factories.make_ticket(subject=f"Billing question {n}") for n in range(5)]
    for ticket in tickets[:3]:
        factories.make_message(ticket, body="more billing details")
    seen, after = [], None
    for _ in range(10):
        page = search_tickets(agent, "billing", after=after, size=2)
        seen.extend(hit.ticket.id for hit in page.hits)
        after = page.next_cursor
        if after is None:
            break
    assert set(seen) == {t.id for t in tickets}


def test_a_broken_page_link_is_a_400(client, login_as):
    login_as(factories.make_agent(tier=1))
    assert _page(client, q="billing", after="x.y")[0] == 400


def test_search_is_for_staff_only(client, login_as):
    factories.make_ticket(subject="Secret roadmap")
    customer = factories.make_customer()
    login_as(customer.user)
    assert client.get("/desk/search", query_string={"q": "roadmap"}).status_code == 403
    with pytest.raises(NotAllowed):
        search_tickets(customer.user, "roadmap")


def test_a_customer_search_sees_only_their_own_public_text():
    me = factories.make_customer()
    other = factories.make_customer()
    agent = factories.make_agent(tier=1)
    own = factories.make_ticket(me, subject="Walrus sync")
    noted = factories.make_ticket(me, subject="Something else")
    factories.make_message(noted, agent, body="walrus is the internal codename", internal=True)
    factories.make_ticket(other, subject="Walrus import")
    hits = search_own_tickets(me.user, "walrus").hits
    assert [hit.ticket.id for hit in hits] == [own.id]
    with pytest.raises(NotAllowed):
        search_own_tickets(agent, "walrus")


def test_the_portal_search_shows_a_customer_only_their_own_public_text(client, login_as):
    me, other = factories.make_customer(), factories.make_customer()
    agent = factories.make_agent(tier=1)
    own = factories.make_ticket(me, subject="Narwhal backup")
    noted = factories.make_ticket(me, subject="Other thing")
    factories.make_message(noted, agent, body="narwhal secret plan", internal=True)
    theirs = factories.make_ticket(other, subject="Narwhal restore")
    login_as(me.user)
    response = client.get("/portal/search", query_string={"q": "narwhal"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and own.reference in page
    assert noted.reference not in page and theirs.reference not in page
    assert "secret plan" not in page
    assert client.get("/portal/search", query_string={"q": '"open'}).status_code == 400
