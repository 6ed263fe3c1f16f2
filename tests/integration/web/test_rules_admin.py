"""The rule editor and dry-run pages, through the test client."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import EscalationRule, Ticket
from app.services.rules.admin import save_rule
from tests.factories import make_admin, make_agent, make_customer, make_team, make_ticket


def form(**overrides) -> dict:
    data = {
        "name": "Billing to tier 2",
        "trigger": "ticket_created",
        "conditions-0-field": "category",
        "conditions-0-operator": "eq",
        "conditions-0-value": "billing",
        "conditions-1-field": "",
        "conditions-1-operator": "eq",
        "conditions-1-value": "",
        "actions-0-kind": "set_tier",
        "actions-0-value": "2",
        "actions-1-kind": "",
        "actions-1-value": "",
        "enabled": "y",
        "days": "30",
        "intent": "save",
    }
    data.update(overrides)
    return data


def rule_count() -> int:
    return db.session.scalar(select(func.count()).select_from(EscalationRule))


@pytest.mark.parametrize("url", ["/admin/rules/", "/admin/rules/new", "/admin/rules/dry-run"])
def test_only_admins_reach_the_rule_pages(client, login_as, url):
    assert client.get(url).headers["Location"].startswith("/auth/login")
    login_as(make_agent(tier=4))
    assert client.get(url).status_code == 403


def test_an_admin_creates_a_rule_from_the_form(client, login_as):
    login_as(make_admin())
    page = client.get("/admin/rules/new").get_data(as_text=True)
    assert '<option value="account_tier">Account tier</option>' in page
    response = client.post("/admin/rules/new", data=form())
    assert response.status_code == 302
    rule = db.session.scalars(select(EscalationRule)).one()
    assert rule.conditions == [{"field": "category", "operator": "eq", "value": "billing"}]
    assert rule.actions == [{"kind": "set_tier", "value": 2}]
    listing = client.get("/admin/rules/").get_data(as_text=True)
    assert "Category is billing" in listing and "Move to tier 2" in listing


def test_a_malformed_rule_shows_every_problem_and_saves_nothing(client, login_as):
    login_as(make_admin())
    response = client.post(
        "/admin/rules/new",
        data=form(
            **{
                "conditions-0-field": "account_tier",
                "conditions-0-value": "gold",
                "conditions-1-field": "text",
                "conditions-1-operator": "matches",
                "conditions-1-value": "(a+)+$",
                "actions-0-value": "7",
            }
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        "condition 1: field &#39;account_tier&#39; has no value &#39;gold&#39;; "
        "expected one of strategic, named, field, inside"
    ) in page
    assert "condition 2: the pattern is refused" in page
    assert "action 1: the tier must be 0, 1, 2, 3 or 4" in page
    assert rule_count() == 0


def test_a_field_name_outside_the_vocabulary_is_a_form_error(client, login_as):
    login_as(make_admin())
    response = client.post("/admin/rules/new", data=form(**{"conditions-0-field": "shoe_size"}))
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert rule_count() == 0


def test_editing_keeps_the_rule_when_the_change_is_invalid(client, login_as, now):
    admin = make_admin()
    rule = save_rule(
        admin, {"name": "Keep me", "trigger": "ticket_created", "actions": [{"kind": "raise_tier"}]}, now=now
    )
    login_as(admin)
    edit_page = client.get(f"/admin/rules/{rule.id}/edit").get_data(as_text=True)
    assert 'value="Keep me"' in edit_page
    response = client.post(
        f"/admin/rules/{rule.id}/edit",
        data=form(name="Keep me", **{"actions-0-kind": "assign_team", "actions-0-value": "999"}),
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(EscalationRule, rule.id).actions == [{"kind": "raise_tier", "value": None}]


def test_reorder_disable_and_delete_buttons(client, login_as, now):
    admin = make_admin()
    first = save_rule(
        admin, {"name": "A", "trigger": "ticket_created", "actions": [{"kind": "raise_tier"}]}, now=now
    )
    second = save_rule(
        admin, {"name": "B", "trigger": "ticket_created", "actions": [{"kind": "raise_tier"}]}, now=now
    )
    login_as(admin)
    client.post(f"/admin/rules/{second.id}/move", data={"value": "up"})
    order = select(EscalationRule.name).order_by(EscalationRule.position)
    assert db.session.scalars(order).all() == ["B", "A"]
    client.post(f"/admin/rules/{first.id}/enabled", data={"value": "off"})
    db.session.expire_all()
    assert db.session.get(EscalationRule, first.id).enabled is False
    assert client.post(f"/admin/rules/{first.id}/move", data={"value": "sideways"}).status_code == 400
    client.post(f"/admin/rules/{first.id}/delete")
    assert client.post(f"/admin/rules/{first.id}/delete").status_code == 404
    assert rule_count() == 1


def test_the_editor_dry_runs_an_unsaved_rule_without_saving_it(client, login_as, now):
    login_as(make_admin())
    customer = make_customer()
    make_ticket(customer, category="billing", subject="Invoice wrong")
    make_ticket(customer, category="general", subject="Hello")
    response = client.post("/admin/rules/new", data=form(intent="dry_run", days="3650"))
    assert response.status_code == 400  # 3650 days is outside 1–366
    response = client.post("/admin/rules/new", data=form(intent="dry_run", days="366"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert rule_count() == 0
    assert "Invoice wrong" in page and "Hello" not in page
    assert db.session.scalars(select(Ticket.tier)).all() == [1, 1]


def test_the_rule_set_dry_run_page(client, login_as, now):
    admin = make_admin()
    team = make_team(name="Billing desk", tier=1)
    save_rule(
        admin,
        {
            "name": "Billing team",
            "trigger": "ticket_created",
            "conditions": [{"field": "category", "operator": "eq", "value": "billing"}],
            "actions": [{"kind": "assign_team", "value": team.id}],
        },
        now=now,
    )
    make_ticket(category="billing", subject="Refund please")
    login_as(admin)
    page = client.get("/admin/rules/dry-run?trigger=ticket_created&days=366").get_data(as_text=True)
    assert "Refund please" in page and "Billing team" in page
    assert client.get("/admin/rules/dry-run?trigger=whenever&days=30").status_code == 400
    assert client.get("/admin/rules/dry-run?trigger=ticket_created&days=abc").status_code == 400
