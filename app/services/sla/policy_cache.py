"""This process's copy of the SLA policies, as opening a ticket reads them: the matrix the policy
choice reads, and each policy with its business calendar, rebuilt when a policy or calendar edit
bumped the SLA setup version (see common.setup_cache).

The copies are model objects built from plain rows and never added to a session: they are read,
never changed or attached to a ticket, so every request of the process can share them (no
commit expires them), and `policies.calendar_for` builds each one's calendar once per process
instead of once per request. They are read in the caller's transaction, so an edit that bumped
the version is seen by its own transaction too."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.domain.sla import PolicyCell
from app.extensions import db
from app.models import BusinessCalendar, SlaPolicy
from app.services.common.setup_cache import SLA, bump_setup, cached_setup
from app.services.sla.policies import calendar_for


@dataclass(frozen=True, slots=True)
class PolicySetup:
    cells: tuple[PolicyCell, ...]
    policies: dict[int, SlaPolicy]


def policy_cells() -> list[PolicyCell]:
    """Every policy's cell of the matrix (account tier, priority, default), for choose_policy."""
    return list(cached_setup(SLA, _load).cells)


def policy_setup() -> PolicySetup:
    """The whole copy: a new object after every SLA setup edit."""
    return cached_setup(SLA, _load)


def cached_policy(policy_id: int) -> SlaPolicy | None:
    """A policy with its calendar, as of the current SLA setup version (None if it is gone)."""
    return cached_setup(SLA, _load).policies.get(policy_id)


def sla_setup_changed() -> None:
    """Called in the transaction of every policy or calendar edit."""
    bump_setup(SLA)


def _load() -> PolicySetup:
    calendars = {
        row.id: BusinessCalendar(**row._asdict())
        for row in db.session.execute(select(BusinessCalendar.__table__))
    }
    rows = []
    for row in db.session.execute(select(SlaPolicy.__table__).order_by(SlaPolicy.id)):
        policy = SlaPolicy(**row._asdict())
        policy.calendar = calendars[policy.calendar_id]
        calendar_for(policy)  # built now, kept as long as the copy
        rows.append(policy)
    cells = tuple(
        PolicyCell(
            p.id,
            p.name,
            p.account_tier.value if p.account_tier else None,
            p.priority.value if p.priority else None,
            p.is_default,
        )
        for p in rows
    )
    return PolicySetup(cells, {p.id: p for p in rows})
