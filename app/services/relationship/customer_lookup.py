"""Finding a customer while an agent types, and adding one who phoned or wrote elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, joinedload

from app.domain.errors import InvalidInput
from app.extensions import db
from app.models import Customer, User
from app.models.types import utcnow
from app.services.accounts.accounts import normalize_email, user_by_email
from app.services.accounts.contacts import unverified_customer
from app.services.common.access import require_staff
from app.services.common.rows import find_row

LOOKUP_LIMIT = 8
QUERY_MIN_LENGTH = 2
QUERY_MAX_LENGTH = 100
NAME_MAX_LENGTH = 120
# Sorts after every character a name or address holds: [prefix, prefix + END) is a prefix range.
END = "\U0010ffff"


@dataclass(frozen=True, slots=True)
class CustomerChoice:
    id: int
    name: str
    email: str
    organization: str | None

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "email": self.email, "organization": self.organization}


def _starts_with(column: InstrumentedAttribute[str], prefix: str) -> ColumnElement[bool]:
    # The range lets the index answer on both databases; LIKE keeps it exact in any collation.
    return (column >= prefix) & (column < prefix + END) & column.startswith(prefix, autoescape=True)


def find_customers(actor: User, query: str, *, limit: int = LOOKUP_LIMIT) -> list[CustomerChoice]:
    """Customers whose address or name starts with what the agent typed (staff only), by name.

    Each probe is an index range (addresses are stored lower case; names are tried as typed,
    lower case and capitalized), so a keystroke costs a few index seeks however many customers
    there are."""
    require_staff(actor)
    text = " ".join((query or "").split())[:QUERY_MAX_LENGTH]
    if len(text) < QUERY_MIN_LENGTH:
        return []
    probes = [_starts_with(Customer.email, text.lower())]
    for variant in dict.fromkeys((text, text.lower(), text.title(), text[:1].upper() + text[1:])):
        probes.append(_starts_with(Customer.name, variant))
    found: dict[int, Customer] = {}
    for probe in probes:
        rows = db.session.scalars(
            select(Customer).where(probe).options(joinedload(Customer.organization)).limit(limit)
        )
        for customer in rows:
            found.setdefault(customer.id, customer)
    chosen = sorted(found.values(), key=lambda c: (c.name.lower(), c.id))[:limit]
    return [
        CustomerChoice(c.id, c.name, c.email, c.organization.name if c.organization else None) for c in chosen
    ]


def customer_choice(actor: User, customer_id: int | None) -> CustomerChoice | None:
    """The chosen customer as the form shows it again, or None."""
    require_staff(actor)
    customer = find_row(Customer, customer_id) if customer_id is not None else None
    if customer is None:
        return None
    org = customer.organization
    return CustomerChoice(customer.id, customer.name, customer.email, org.name if org else None)


def add_customer(actor: User, name: str, email: str, *, now: datetime | None = None) -> Customer:
    """A customer the desk met by phone, mail or chat: created unverified (they choose a password
    by reset, as a mail sender does). An address that is already a customer's is theirs."""
    require_staff(actor)
    now = now or utcnow()
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Give the new customer's name.", field="new_name")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(f"The name is too long (at most {NAME_MAX_LENGTH} characters).", field="new_name")
    try:
        address = normalize_email(email)
    except InvalidInput:
        raise InvalidInput("Enter the new customer's email address.", field="new_email") from None
    existing = user_by_email(address)
    if existing is not None and existing.is_staff:
        raise InvalidInput("That address belongs to a staff account, not a customer.", field="new_email")
    user = unverified_customer(
        address, name, now, story=f"{actor.name} added {name} as a customer at the desk", actor=actor
    )
    customer = user.customer
    if customer is None:  # pragma: no cover - unverified_customer always links one
        raise InvalidInput("The customer could not be created.", field="new_email")
    return customer
