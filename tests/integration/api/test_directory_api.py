"""Customers and organizations listed through the API: staff only, narrowed by the facts the
desk keeps, a page at a time by a cursor that picks up exactly where the last page stopped."""

from __future__ import annotations

from tests.factories import make_agent, make_customer, make_org


def _all_pages(client, path: str, limit: int) -> list[dict]:
    items, cursor = [], None
    while True:
        query = f"{path}{'&' if '?' in path else '?'}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(query).get_json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def test_customers_are_listed_by_organization_name_and_address_a_page_at_a_time(api):
    acme = make_org(name="Acme Tools")
    names = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Adele Goldberg", "Barbara Liskov"]
    made = [make_customer(name=n, organization=acme) for n in names]
    make_customer(name="Ada Elsewhere")  # another organization
    client = api(make_agent(tier=1))

    listed = _all_pages(client, f"/api/v1/customers?organization_id={acme.id}", limit=2)
    assert [c["id"] for c in listed] == sorted(c.id for c in made)
    assert {c["organization_id"] for c in listed} == {acme.id} and all(c["has_portal_login"] for c in listed)

    starts = client.get(f"/api/v1/customers?organization_id={acme.id}&name_starts=Ad").get_json()["items"]
    assert [c["name"] for c in starts] == ["Ada Lovelace", "Adele Goldberg"]
    by_mail = client.get(f"/api/v1/customers?email={made[2].email.upper()}").get_json()["items"]
    assert [c["name"] for c in by_mail] == ["Grace Hopper"]


def test_organizations_are_listed_by_account_facts_with_their_contact_count(api):
    strategic = make_org(name="Initech Strategic", account_tier="strategic")
    make_customer(organization=strategic)
    make_customer(organization=strategic)
    inside = make_org(name="Initech Inside", account_tier="inside")
    client = api(make_agent(tier=1))

    found = client.get("/api/v1/organizations?name_contains=initech&account_tier=strategic").get_json()
    assert [(o["name"], o["contacts"]) for o in found["items"]] == [("Initech Strategic", 2)]
    both = _all_pages(client, "/api/v1/organizations?name_contains=INITECH", limit=1)
    assert [o["id"] for o in both] == [strategic.id, inside.id]


def test_the_lists_are_the_desks_and_a_broken_cursor_is_a_bad_request(api):
    customer = make_customer()
    client = api(customer.user)
    assert client.get("/api/v1/customers").status_code == 403
    assert client.get("/api/v1/organizations").status_code == 403

    broken = api(make_agent(tier=1)).get("/api/v1/customers?cursor=not-a-cursor")
    assert broken.status_code == 422 and broken.get_json()["field"] == "cursor"
