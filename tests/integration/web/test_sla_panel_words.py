"""The ticket page's service-level panel names the policy once and says why it applies."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import SlaPolicy, Ticket, User
from tests.factories import PASSWORD


@pytest.mark.usefixtures("demo")
def test_the_policy_is_named_once_before_why_it_applies(login_as):
    admin = db.session.scalars(select(User).where(User.email == "admin@demo.test")).one()
    admin.password_hash = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
    db.session.commit()
    ticket = db.session.scalars(
        select(Ticket).where(
            Ticket.sla_policy_id.is_not(None), Ticket.sla_policy_reason.contains(": matches")
        )
    ).first()
    assert ticket is not None
    policy = db.session.get(SlaPolicy, ticket.sla_policy_id)
    page = login_as(admin).get(f"/desk/tickets/{ticket.id}").get_data(as_text=True)
    why = ticket.sla_policy_reason.removeprefix(f"{policy.name}: ")
    assert why != ticket.sla_policy_reason  # the stored reason starts with the policy's name
    assert f'<strong>{policy.name}</strong> <span class="muted">— {why}</span>' in page
