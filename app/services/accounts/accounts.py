"""Accounts: customer self-registration, and admins managing agents and teams."""

from __future__ import annotations

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.domain.assignment import AssignmentMode
from app.domain.audit import AuditKind
from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput, attempt, raise_all
from app.domain.passwords import password_problem
from app.domain.vendors import check_target_hours
from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import BusinessCalendar, Customer, Notification, Team, User
from app.models.types import utcnow
from app.services.accounts.admins import check_not_last_admin
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.history import record
from app.services.common.rows import find_row
from app.services.common.transaction import transaction

STAFF_ROLES = (Role.agent, Role.admin)


def hash_password(password: str) -> str:
    """A salted hash (scrypt unless the settings name a method, as the tests do for speed)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalize_email(email: str | None) -> str:
    try:
        # test_environment accepts the reserved .test domain that demo and test accounts use.
        return validate_email(
            (email or "").strip(), check_deliverability=False, test_environment=True
        ).normalized.lower()
    except EmailNotValidError:
        raise InvalidInput("Enter a valid email address.", field="email") from None


def check_new_password(password: str | None, *, email: str = "", name: str = "") -> str:
    """The password, unless it is too short, too long or easy to guess for this person."""
    password = password or ""
    problem = password_problem(password, known_words=(email, name))
    if problem:
        raise InvalidInput(problem, field="password")
    return password


def user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email.lower())).first()


def register_customer(
    name: str, email: str, password: str, *, sign_in_link: str, now: datetime | None = None
) -> User | None:
    """A customer signs up for the portal and gets a new contact. An address known already gets
    a mail instead and the caller shows the same answer, so registering tells nobody whether an
    address has an account (None then)."""
    now = now or utcnow()
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise InvalidInput("Give your name (at most 120 characters).", field="name")
    email = normalize_email(email)
    password = check_new_password(password, email=email, name=name)
    # Hashed either way, so a known address costs the same time as a new one.
    password_hash = hash_password(password)
    if user_by_email(email) is not None or _contact_by_email(email) is not None:
        _tell_known_address(email, sign_in_link, now)
        audit(
            AuditKind.registration_known_address,
            "Someone registered with a known address; its owner was told by mail",
            email=email,
            now=now,
        )
        return None
    with transaction():
        user = User(email=email, name=name, password_hash=password_hash, role=Role.customer, created_at=now)
        db.session.add(user)
        db.session.flush()
        customer = Customer(name=name, email=email, user_id=user.id, created_at=now)
        db.session.add(customer)
        db.session.flush()
        record(
            ActivityKind.customer_registered,
            f"{name} registered for the portal",
            now=now,
            actor=user,
            customer_id=customer.id,
        )
    return user


def _contact_by_email(email: str) -> Customer | None:
    return db.session.scalars(select(Customer).where(Customer.email == email.lower())).first()


def _tell_known_address(email: str, sign_in_link: str, now: datetime) -> None:
    """Someone registered with an address we know: its owner hears about it by mail."""
    user = user_by_email(email)
    if user is not None:
        advice = (
            f"If it was you, you have an account already: sign in at\n{sign_in_link}\n"
            "or use 'Forgot your password?' there."
        )
    else:
        # A contact support created: linking needs proof that the address is theirs.
        advice = "If it was you, ask support to invite you to the portal with this address."
    with transaction():
        db.session.add(
            Notification(
                recipient_kind="user" if user is not None else "contact",
                recipient_user_id=user.id if user is not None else None,
                recipient_email=email,
                subject="Someone tried to register with your address at Tierdesk",
                body=f"Hello,\n\nsomeone tried to create a Tierdesk account with this email address.\n"
                f"{advice}\n\nIf it was not you, ignore this message; nothing was changed.",
                created_at=now,
            )
        )


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
