"""Admins adding agents and admins, and switching accounts off and on."""

from __future__ import annotations

from datetime import datetime

from app.domain.audit import AuditKind
from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput, attempt, raise_all
from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import Team, User
from app.models.types import utcnow
from app.services.accounts.accounts import normalize_email, user_by_email
from app.services.accounts.admins import check_not_last_admin
from app.services.accounts.passwords import check_new_password, hash_password
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.history import record
from app.services.common.rows import find_row
from app.services.common.transaction import transaction

STAFF_ROLES = (Role.agent, Role.admin)


def create_staff_user(
    actor: User,
    *,
    name: str,
    email: str,
    password: str,
    role: str = Role.agent,
    support_tier: int | None = None,
    team_id: int | None = None,
    now: datetime | None = None,
) -> User:
    """An admin creates an agent (with a tier and team) or another admin."""
    now = now or utcnow()
    require_admin(actor)
    # Every problem is found before any is refused, so the form can show them all at once.
    problems: list[InvalidInput] = []
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        problems.append(InvalidInput("Give a name (at most 120 characters).", field="name"))
    address = attempt(problems, lambda: normalize_email(email))
    attempt(problems, lambda: check_new_password(password, email=address or "", name=name))
    if address is not None and user_by_email(address) is not None:
        problems.append(InvalidInput("A user with this email exists already.", field="email"))
    if role == Role.customer:
        problems.append(InvalidInput("Customers register through the portal.", field="role"))
    role_value = attempt(problems, lambda: parse_choice(Role, role, "role", allowed=STAFF_ROLES))
    if role_value is Role.agent and support_tier not in (1, 2, 3, 4):
        problems.append(InvalidInput("An agent's support tier is 1, 2, 3 or 4.", field="support_tier"))
    if role_value is Role.admin:
        support_tier = support_tier if support_tier in (1, 2, 3, 4) else 4
    team = find_row(Team, team_id) if team_id is not None else None
    if team_id is not None and team is None:
        problems.append(InvalidInput("No such team.", field="team"))
    raise_all(problems)
    assert address is not None and role_value is not None
    email = address
    with transaction():
        user = User(
            email=email,
            name=name,
            password_hash=hash_password(password),
            role=role_value,
            support_tier=support_tier,
            team_id=team.id if team else None,
            created_at=now,
        )
        db.session.add(user)
        db.session.flush()
        audit(
            AuditKind.user_created,
            f"{actor.name} created {role_value.value} {name} (tier {support_tier})",
            actor=actor,
            now=now,
            data={
                "user_id": user.id,
                "role": role_value.value,
                "support_tier": support_tier,
                "team_id": user.team_id,
            },
        )
        record(
            ActivityKind.user_created,
            f"{actor.name} created {role_value.value} {name} (tier {support_tier})",
            now=now,
            actor=actor,
            data={"user_id": user.id},
        )
    return user


def set_user_active(actor: User, user_id: int, active: bool, *, now: datetime | None = None) -> User:
    """Deactivate (or reactivate) a user; a deactivated user cannot sign in."""
    now = now or utcnow()
    require_admin(actor)
    user = find_row(User, user_id)
    if user is None:
        raise InvalidInput("No such user.", field="user")
    if user.id == actor.id and not active:
        raise InvalidInput("You cannot deactivate yourself.", field="user")
    if user.active == active:
        raise InvalidInput(f"{user.name} is already {'active' if active else 'deactivated'}.", field="user")
    with transaction():
        if not active:
            check_not_last_admin(user)
        user.active = active
        kind = ActivityKind.user_reactivated if active else ActivityKind.user_deactivated
        audit(
            AuditKind.user_activation,
            f"{actor.name} {'re' if active else 'de'}activated {user.name}",
            actor=actor,
            email=user.email,
            now=now,
            data={"user_id": user.id, "active": active},
        )
        record(
            kind,
            f"{actor.name} {'re' if active else 'de'}activated {user.name}",
            now=now,
            actor=actor,
            data={"user_id": user.id},
        )
    return user
