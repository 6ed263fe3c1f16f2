"""The rule builder: any number of rows (without scripts too), choices by name, new rules off,
and a preview of the recent tickets a rule being typed matches."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import EscalationRule
from tests.factories import make_admin, make_customer, make_team, make_ticket


def _form(**overrides) -> dict:
    data = {
        "name": "Billing to the billing team",
        "trigger": "ticket_created",
        "conditions-0-field": "category",
        "conditions-0-operator": "eq",
        "conditions-0-value": "billing",
        "actions-0-kind": "assign_team",
        "actions-0-team": "",
        "days": "30",
        "notice_timing": "immediately",
    }
    data.update(overrides)
    return data


def test_a_new_rule_starts_switched_off(client, login_as):
    login_as(make_admin())
    page = client.get("/admin/rules/new").get_data(as_text=True)
    assert 'id="enabled" name="enabled" type="checkbox" value="y">' in page  # not checked
    team = make_team(name="Billing desk", tier=1)
    response = client.post(
        "/admin/rules/new", data=_form(**{"actions-0-team": str(team.id), "intent": "save"})
    )
    assert response.status_code == 302
    rule = db.session.scalars(select(EscalationRule)).one()
    assert rule.enabled is False
    assert rule.actions == [{"kind": "assign_team", "value": team.id}]


def test_teams_and_agents_are_chosen_by_name(client, login_as):
    admin = make_admin(name="Ada Admin")
    make_team(name="Billing desk", tier=1)
    login_as(admin)
    page = client.get("/admin/rules/new").get_data(as_text=True)
    assert ">Billing desk</option>" in page
    assert ">Ada Admin</option>" in page
    assert "by number" not in page


def test_add_condition_without_scripts_keeps_what_was_typed(client, login_as):
    login_as(make_admin())
    response = client.post(
        "/admin/rules/new",
        data=_form(intent="add_condition", name="Typed name", **{"conditions-0-value": "billing"}),
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="Typed name"' in page and 'value="billing"' in page
    assert 'name="conditions-1-field"' in page  # the new row
    assert db.session.scalars(select(EscalationRule)).first() is None
    # and so on, past any fixed number of rows
    data = _form(intent="add_condition")
    for n in range(1, 6):
        data |= {
            f"conditions-{n}-field": "priority",
            f"conditions-{n}-operator": "ne",
            f"conditions-{n}-value": "low",
        }
    page = client.post("/admin/rules/new", data=data).get_data(as_text=True)
    assert 'name="conditions-6-field"' in page


def test_remove_a_row_without_scripts(client, login_as):
    login_as(make_admin())
    data = _form(intent="remove_condition-0")
    data |= {"conditions-1-field": "priority", "conditions-1-operator": "eq", "conditions-1-value": "urgent"}
    page = client.post("/admin/rules/new", data=data).get_data(as_text=True)
    assert 'value="urgent"' in page and 'value="billing"' not in page


def test_the_preview_lists_the_recent_tickets_the_rule_matches(client, login_as):
    login_as(make_admin())
    customer = make_customer()
    billing = make_ticket(customer, category="billing", subject="Invoice wrong")
    make_ticket(customer, category="general", subject="Hello there")
    # no action chosen yet and no name: the preview still answers
    response = client.post("/admin/rules/preview", data=_form(name="", days="366", **{"actions-0-kind": ""}))
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<strong>1</strong> of 2 tickets" in fragment
    assert billing.reference in fragment and "Invoice wrong" in fragment and "Hello there" not in fragment
    broken = client.post("/admin/rules/preview", data=_form(**{"conditions-0-value": "nonsense"}))
    assert broken.status_code == 200
    assert "No preview yet" in broken.get_data(as_text=True)
    assert db.session.scalars(select(EscalationRule)).first() is None


def test_condition_values_are_chosen_by_name_and_typed_only_where_free(client, login_as):
    login_as(make_admin())
    page = client.get("/admin/rules/new").get_data(as_text=True)
    assert '<option value="priority:urgent">Urgent</option>' in page
    assert '<option value="account_tier:named">Named</option>' in page
    assert '<option value="tier:2">' in page
    team = make_team(name="Billing desk", tier=1)
    data = _form(
        intent="save",
        **{
            "actions-0-team": str(team.id),
            "conditions-0-value": "",
            "conditions-0-choice": "category:billing",
            "conditions-1-field": "priority",
            "conditions-1-operator": "eq",
            "conditions-1-choice": "category:billing",  # left over from another field: not taken
            "conditions-1-value": "urgent",
            "conditions-2-field": "subject",
            "conditions-2-operator": "contains",
            "conditions-2-value": "invoice",
        },
    )
    assert client.post("/admin/rules/new", data=data).status_code == 302
    rule = db.session.scalars(select(EscalationRule)).one()
    assert [(c["field"], c["value"]) for c in rule.conditions] == [
        ("category", "billing"),
        ("priority", "urgent"),
        ("subject", "invoice"),
    ]
    edit = client.get(f"/admin/rules/{rule.id}/edit").get_data(as_text=True)
    assert '<option selected value="category:billing">Billing</option>' in edit
    assert '<option selected value="priority:urgent">Urgent</option>' in edit
    assert (
        'id="conditions-2-value" maxlength="200" name="conditions-2-value" type="text" value="invoice"'
        in edit
    )
