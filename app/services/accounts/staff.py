"""Admins editing staff accounts: name, role, tier, team, away, and a password reset link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.assignment import AWAY_CHOICES
from app.domain.audit import AuditKind
from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput, raise_all
from app.domain.vocabulary import ActivityKind, Role
from app.models import Team, User
from app.models.types import utcnow
from app.services.accounts.admins import check_not_last_admin
from app.services.accounts.recovery import mail_reset_link
from app.services.accounts.staff_accounts import STAFF_ROLES
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.history import record
from app.services.common.rows import find_row
from app.services.common.transaction import transaction

AWAY_HOURS = frozenset(hours for hours, _ in AWAY_CHOICES)


@dataclass(frozen=True, slots=True)
class StaffChanges:
    """What an admin may change about an agent or admin in one save."""

    name: str
    role: str
    support_tier: int | None
    team_id: int | None
    away: bool = False
    away_hours: int | None = None


def _staff(user_id: int) -> User:
    user = find_row(User, user_id)
    if user is None:
        raise InvalidInput("No such user.", field="user")
    if user.role not in STAFF_ROLES:
        raise InvalidInput("Customers are edited as contacts (Admin → Organizations).", field="role")
    return user


def _check(changes: StaffChanges) -> tuple[str, Role, int | None, Team | None]:
    """Every problem of the submitted changes at once, each beside its field."""
    problems: list[InvalidInput] = []
    name = " ".join((changes.name or "").split())
    if not name or len(name) > 120:
        problems.append(InvalidInput("Give a name (at most 120 characters).", field="name"))
    role = Role.agent
    try:
        role = parse_choice(Role, changes.role, "role", allowed=STAFF_ROLES)
    except InvalidInput as error:
        problems.append(error)
    tier = changes.support_tier
    if role is Role.agent and tier not in (1, 2, 3, 4):
        problems.append(InvalidInput("An agent's support tier is 1, 2, 3 or 4.", field="support_tier"))
    if role is Role.admin and tier not in (1, 2, 3, 4):
        tier = 4
    team = find_row(Team, changes.team_id) if changes.team_id is not None else None
    if changes.team_id is not None and team is None:
        problems.append(InvalidInput("No such team.", field="team"))
    if changes.away and changes.away_hours not in AWAY_HOURS:
        problems.append(InvalidInput("Choose how long they are away.", field="away_hours"))
    raise_all(problems)
    return name, role, tier, team


def edit_staff_user(actor: User, user_id: int, changes: StaffChanges, *, now: datetime | None = None) -> User:
    """Change an agent's or admin's name, role, support tier, team and availability."""
    now = now or utcnow()
    require_admin(actor)
    user = _staff(user_id)
    name, role, tier, team = _check(changes)
    with transaction():
        if role is not Role.admin:
            check_not_last_admin(user)
        before = {
            "name": user.name,
            "role": user.role.value,
            "support_tier": user.support_tier,
            "team": user.team.name if user.team else None,
            "away": user.away,
        }
        user.name, user.role, user.support_tier = name, role, tier
        user.team_id = team.id if team else None
        if not changes.away:
            user.away_until = None
        elif changes.away_hours:
            user.away_until = now + timedelta(hours=changes.away_hours)
        elif not user.away:  # already away with no hours chosen: their return time stands
            user.away_until = None
        user.away = changes.away
        after = {
            "name": name,
            "role": role.value,
            "support_tier": tier,
            "team": team.name if team else None,
            "away": changes.away,
        }
        changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        if changes.away and "away" not in changed:
            changed["away_until"] = [None, user.away_until.isoformat() if user.away_until else None]
        if not changed:
            raise InvalidInput("Nothing changed.", field="name")
        words = ", ".join(f"{key.replace('_', ' ')} {old} → {new}" for key, (old, new) in changed.items())
        audit(
            AuditKind.user_changed,
            f"{actor.name} changed {user.email}: {words}",
            actor=actor,
            email=user.email,
            now=now,
            data={"user_id": user.id, "changed": changed},
        )
        record(
            ActivityKind.user_changed,
            f"{actor.name} changed {name}: {words}",
            now=now,
            actor=actor,
            data={"user_id": user.id},
        )
    return user


def send_reset_link(
    actor: User, user_id: int, link_for: Callable[[str], str], *, now: datetime | None = None
) -> User:
    """Mail someone a link to choose a new password (the admin never learns it)."""
    now = now or utcnow()
    require_admin(actor)
    user = find_row(User, user_id)
    if user is None:
        raise InvalidInput("No such user.", field="user")
    if not user.active:
        raise InvalidInput(f"{user.name} is deactivated; reactivate them first.", field="user")
    mail_reset_link(user, link_for, now)
    audit(
        AuditKind.password_reset_sent,
        f"{actor.name} sent a password reset link to {user.email}",
        actor=actor,
        email=user.email,
        now=now,
    )
    return user
