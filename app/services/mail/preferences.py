"""Which kinds of notice an agent receives by mail (all of them unless they mute some)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select

from app.domain.errors import InvalidInput
from app.extensions import db
from app.models import MailMute, User
from app.services.common.access import require_staff
from app.services.common.transaction import transaction

# The staff notice kinds, in the order the settings page lists them.
STAFF_KINDS: dict[str, str] = {
    "assigned": "A ticket is assigned to me",
    "escalated": "A ticket is escalated to my team",
    "sla": "SLA warnings and breaches on my tickets",
    "rule": "Escalation rules ask me to look at a ticket",
    "vendor_due": "A vendor's due time passed",
}


def muted_kinds(user: User) -> set[str]:
    """The kinds of notice this agent asked not to get by mail."""
    return set(db.session.scalars(select(MailMute.kind).where(MailMute.user_id == user.id)))


def set_mail_preferences(actor: User, wanted: Iterable[str]) -> set[str]:
    """Keep the kinds the agent wants; mute the others. Returns the muted kinds."""
    require_staff(actor)
    wanted = set(wanted)
    unknown = wanted - set(STAFF_KINDS)
    if unknown:
        raise InvalidInput(f"Unknown kind of notice: {', '.join(sorted(unknown))}.", field="kinds")
    muted = set(STAFF_KINDS) - wanted
    with transaction():
        db.session.execute(delete(MailMute).where(MailMute.user_id == actor.id))
        db.session.add_all(MailMute(user_id=actor.id, kind=kind) for kind in sorted(muted))
    return muted
