"""Admins creating and changing teams: their tier, how they assign tickets, vendor terms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.domain.assignment import AssignmentMode
from app.domain.audit import AuditKind
from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput, attempt, raise_all
from app.domain.vendors import check_target_hours
from app.domain.vocabulary import ActivityKind
from app.extensions import db
from app.models import BusinessCalendar, Team, User
from app.models.types import utcnow
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.history import record
from app.services.common.rows import find_row
from app.services.common.transaction import transaction


def save_team(
    actor: User,
    *,
    name: str,
    tier: int,
    is_external: bool = False,
    assignment_mode: str = AssignmentMode.manual,
    vendor_target_hours: int | None = None,
    vendor_pauses_clock: bool = False,
    vendor_calendar_id: int | None = None,
    team_id: int | None = None,
    now: datetime | None = None,
) -> Team:
    """Create a team, or rename/re-tier one and set how it assigns tickets (by hand, round robin
    or least loaded). External (vendor) teams work tier 4 and carry the defaults of a hand-off
    to them: the vendor's target (counted in the vendor's calendar, when it has one) and whether
    waiting pauses the clock."""
    now = now or utcnow()
    require_admin(actor)
    # Every problem is found before any is refused, so the form can show them all at once.
    problems: list[InvalidInput] = []
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        problems.append(InvalidInput("Give the team a name (at most 80 characters).", field="name"))
    if tier not in (0, 1, 2, 3, 4):
        problems.append(InvalidInput("A team's tier is between 0 and 4.", field="tier"))
    elif is_external and tier != 4:
        problems.append(InvalidInput("An external vendor team works tier 4.", field="tier"))
    mode = attempt(problems, lambda: parse_choice(AssignmentMode, assignment_mode, "assignment_mode"))
    attempt(problems, lambda: check_target_hours(vendor_target_hours, is_external))
    vendor_pauses_clock = vendor_pauses_clock and is_external
    if vendor_calendar_id is not None and not is_external:
        problems.append(
            InvalidInput("Only an external vendor team has a vendor calendar.", field="vendor_calendar_id")
        )
    elif vendor_calendar_id is not None and find_row(BusinessCalendar, vendor_calendar_id) is None:
        problems.append(InvalidInput("No such calendar.", field="vendor_calendar_id"))
    clash = db.session.scalars(select(Team).where(func.lower(Team.name) == name.lower())).first()
    if clash is not None and clash.id != team_id:
        problems.append(InvalidInput("A team with this name exists already.", field="name"))
    raise_all(problems)
    assert mode is not None
    team: Team | None
    with transaction():
        if team_id is None:
            team = Team(
                name=name,
                tier=tier,
                is_external=is_external,
                assignment_mode=mode,
                created_at=now,
                vendor_target_hours=vendor_target_hours,
                vendor_pauses_clock=vendor_pauses_clock,
                vendor_calendar_id=vendor_calendar_id,
            )
            db.session.add(team)
            db.session.flush()
            kind = ActivityKind.team_created
        else:
            team = find_row(Team, team_id)
            if team is None:
                raise InvalidInput("No such team.", field="team")
            team.name, team.tier, team.is_external = name, tier, is_external
            team.assignment_mode = mode
            team.vendor_target_hours = vendor_target_hours
            team.vendor_pauses_clock = vendor_pauses_clock
            team.vendor_calendar_id = vendor_calendar_id
            kind = ActivityKind.team_updated
        audit(
            AuditKind.team_saved,
            f"{actor.name} saved team {name} (tier {tier}, {mode.value} assignment)",
            actor=actor,
            now=now,
            data={"team_id": team.id, "tier": tier, "external": is_external},
        )
        record(
            kind,
            f"{actor.name} saved team {name} (tier {tier}, {mode.value} assignment)",
            now=now,
            actor=actor,
            data={"team_id": team.id, "assignment_mode": mode.value},
        )
    return team
