"""The `demo` fixture: the demo data seeded once per session, restored in bulk for each test."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo import data
from app.extensions import db
from app.models import Customer, Message, Organization, Ticket
from app.services.queues.search import PAGE_SIZE
from tests import factories
from tests.snapshot import take_snapshot


def test_a_restore_puts_back_every_row_the_seed_wrote(demo, demo_snapshot):
    assert all(rows for table, rows in demo_snapshot.tables if table.name in ("tickets", "messages"))
    assert take_snapshot() == demo_snapshot


def test_rows_added_after_a_restore_get_ids_of_their_own(demo):
    models = (Organization, Customer, Ticket, Message)
    largest = {model: db.session.scalar(select(func.max(model.id))) for model in models}
    ticket = factories.make_ticket()
    message = factories.make_message(ticket, body="After the restore")
    ids = (ticket.organization_id, ticket.customer_id, ticket.id, message.id)
    added = dict(zip(models, ids, strict=True))
    assert all(added[model] > largest[model] for model in models), (added, largest)


def test_the_search_indexes_hold_the_restored_rows(client, demo):
    client.post("/auth/login", data={"email": data.ADMIN_EMAIL, "password": data.DEMO_PASSWORD})
    vat = db.session.scalars(select(Ticket.reference).where(Ticket.subject.contains("VAT"))).all()
    assert vat
    page = client.get("/desk/search", query_string={"q": "VAT"}).get_data(as_text=True)
    assert sum(reference in page for reference in vat) == min(len(vat), PAGE_SIZE)
    articles = client.get("/kb/", query_string={"q": "vat"}).get_data(as_text=True)
    assert "Change your VAT number" in articles
