"""Admins setting up service levels: business calendars and the policy matrix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from app.domain.audit import AuditKind
from app.domain.calendar_rules import calendar_from_settings
from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput, NotFound, attempt, raise_all
from app.domain.sla import Targets, check_targets
from app.domain.vocabulary import AccountTier, ActivityKind, Priority
from app.extensions import db
from app.models import BusinessCalendar, SlaPolicy, User
from app.models.types import utcnow
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.history import record
from app.services.common.rows import find_row
from app.services.common.transaction import transaction
from app.services.sla.adoption_job import request_adoption
from app.services.sla.policy_cache import sla_setup_changed

OFFICE_HOURS = {day: "09:00-17:00" for day in range(5)}


def _clean_name(name: str | None, limit: int = 80) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > limit:
        raise InvalidInput(f"Give it a name (at most {limit} characters).", field="name")
    return name


def save_calendar(
    actor: User,
    *,
    name: str,
    timezone: str,
    weekly_hours: Mapping[int, str],
    holidays_country: str | None = None,
    holidays_subdivision: str | None = None,
    closed_dates: Sequence[str] = (),
    always_open: bool = False,
    calendar_id: int | None = None,
    now: datetime | None = None,
) -> BusinessCalendar:
    """Create or change a calendar; the domain checks every part before anything is written."""
    now = now or utcnow()
    require_admin(actor)
    problems: list[InvalidInput] = []
    clean = attempt(problems, lambda: _clean_name(name))
    checked = attempt(
        problems,
        lambda: calendar_from_settings(
            timezone=timezone,
            weekly_hours=weekly_hours,
            holidays_country=holidays_country,
            holidays_subdivision=holidays_subdivision,
            closed_dates=closed_dates,
            always_open=always_open,
        ),
    )
    raise_all(problems)
    assert clean is not None and checked is not None
    name = clean
    clash = db.session.scalars(
        select(BusinessCalendar).where(func.lower(BusinessCalendar.name) == name.lower())
    ).first()
    if clash is not None and clash.id != calendar_id:
        raise InvalidInput("A calendar with this name exists already.", field="name")
    with transaction():
        row = get_calendar(actor, calendar_id) if calendar_id else BusinessCalendar(created_at=now)
        row.name, row.timezone, row.always_open = name, checked.timezone, checked.always_open
        row.weekly_hours = {
            str(day): ", ".join(str(i) for i in intervals) for day, intervals in checked.weekly.items()
        }
        row.holidays_country = checked.holidays_country
        row.holidays_subdivision = checked.holidays_subdivision
        row.closed_dates = sorted(d.isoformat() for d in checked.closed_dates)
        db.session.add(row)
        db.session.flush()
        audit(AuditKind.sla_saved, f"{actor.name} saved calendar {name}", actor=actor, now=now)
        sla_setup_changed()
        record(
            ActivityKind.sla_settings_saved,
            f"{actor.name} saved calendar {name}",
            now=now,
            actor=actor,
            data={"calendar_id": row.id},
        )
    return row


def get_calendar(actor: User, calendar_id: int) -> BusinessCalendar:
    require_admin(actor)
    row = find_row(BusinessCalendar, calendar_id)
    if row is None:
        raise NotFound("No such calendar.")
    return row


def get_policy(actor: User, policy_id: int) -> SlaPolicy:
    require_admin(actor)
    row = find_row(SlaPolicy, policy_id)
    if row is None:
        raise NotFound("No such policy.")
    return row


def save_policy(
    actor: User,
    *,
    name: str,
    calendar_id: int,
    targets: Targets,
    account_tier: str | None = None,
    priority: str | None = None,
    is_default: bool = False,
    policy_id: int | None = None,
    now: datetime | None = None,
) -> SlaPolicy:
    """Create or change one cell of the account tier × priority matrix, or the default policy."""
    now = now or utcnow()
    require_admin(actor)
    problems: list[InvalidInput] = []
    clean = attempt(problems, lambda: _clean_name(name))
    attempt(problems, lambda: check_targets(targets))
    tier = attempt(problems, lambda: parse_choice(AccountTier, account_tier, "account_tier", optional=True))
    prio = attempt(problems, lambda: parse_choice(Priority, priority, "priority", optional=True))
    if is_default and (tier or prio):
        problems.append(
            InvalidInput("The default policy applies to any account tier and priority.", field="is_default")
        )
    if not is_default and tier is None and prio is None and not (account_tier or priority):
        problems.append(
            InvalidInput(
                "Choose an account tier, a priority or both (or make it the default).", field="account_tier"
            )
        )
    calendar = find_row(BusinessCalendar, calendar_id)
    if calendar is None:
        problems.append(InvalidInput("Choose a calendar.", field="calendar"))
    raise_all(problems)
    assert clean is not None and calendar is not None
    name = clean
    for other in db.session.scalars(select(SlaPolicy).where(SlaPolicy.id != (policy_id or 0))):
        if other.name.lower() == name.lower():
            raise InvalidInput("A policy with this name exists already.", field="name")
        if (other.account_tier, other.priority, other.is_default) == (tier, prio, is_default):
            raise InvalidInput(f"{other.name} already covers that cell of the matrix.", field="account_tier")
    with transaction():
        row = get_policy(actor, policy_id) if policy_id else SlaPolicy(created_at=now)
        row.name, row.calendar_id, row.is_default = name, calendar.id, is_default
        row.account_tier, row.priority = tier, prio
        row.first_response_minutes = targets.first_response
        row.next_response_minutes = targets.next_response
        row.resolution_minutes = targets.resolution
        row.dwell_minutes = list(targets.dwell)
        row.warn_percent = targets.warn_percent
        db.session.add(row)
        db.session.flush()
        audit(AuditKind.sla_saved, f"{actor.name} saved SLA policy {name}", actor=actor, now=now)
        sla_setup_changed()  # before the adoption below reads the matrix
        # The waiting tickets take it here when few, else in the scheduler's batches.
        work = request_adoption(now, current_app.config["SLA_ADOPTION_INLINE"])
        given = (
            {"tickets_given_a_policy": work.adopted}
            if work.finished_at
            else {"tickets_waiting": work.waiting}
        )
        record(
            ActivityKind.sla_settings_saved,
            f"{actor.name} saved SLA policy {name}",
            now=now,
            actor=actor,
            data={"policy_id": row.id, **given},
        )
    return row


def install_default_sla(admin: User, *, now: datetime | None = None) -> int:
    """Starter calendars and policies when there are none; returns how many policies were added."""
    if db.session.scalar(select(func.count()).select_from(SlaPolicy)):
        return 0
    office = save_calendar(
        admin,
        name="Office hours (Berlin)",
        timezone="Europe/Berlin",
        weekly_hours=OFFICE_HOURS,
        holidays_country="DE",
        now=now,
    )
    always = save_calendar(
        admin, name="Around the clock", timezone="UTC", weekly_hours={}, always_open=True, now=now
    )
    save_policy(
        admin,
        name="Standard",
        calendar_id=office.id,
        is_default=True,
        now=now,
        targets=Targets(8 * 60, 8 * 60, 5 * 8 * 60, (480, 480, 960, 1440, 2400)),
    )
    save_policy(
        admin,
        name="Urgent, any account",
        calendar_id=always.id,
        priority="urgent",
        now=now,
        targets=Targets(60, 120, 8 * 60, (60, 60, 120, 240, 480)),
    )
    save_policy(
        admin,
        name="Strategic accounts",
        calendar_id=always.id,
        account_tier="strategic",
        now=now,
        targets=Targets(120, 240, 24 * 60, (120, 120, 240, 480, 960)),
    )
    return 3
