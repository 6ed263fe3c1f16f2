"""Reading and tidying the people and teams an admin manages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.domain.audit import AuditKind
from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput, NotFound
from app.domain.ids import is_row_id
from app.domain.vocabulary import ActivityKind, Role
from app.extensions import db
from app.models import Team, Ticket, User
from app.models.types import utcnow
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.history import record
from app.services.common.transaction import transaction

USERS_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class UserPage:
    users: list[User]
    next_after: int | None


@dataclass(frozen=True, slots=True)
class TeamRow:
    team: Team
    members: int
    tickets: int


def list_users(
    actor: User,
    *,
    role: str | None = None,
    after: int | None = None,
    size: int = USERS_PAGE_SIZE,
) -> UserPage:
    """Users by id, optionally of one role, a page at a time (keyset on id)."""
    require_admin(actor)
    query = select(User).options(joinedload(User.team)).order_by(User.id)
    if role:
        query = query.where(User.role == parse_choice(Role, role, "role"))
    if after is not None:
        if not is_row_id(after):
            raise InvalidInput("That page link is broken; start from the first page.", field="after")
        query = query.where(User.id > after)
    users = list(db.session.scalars(query.limit(size + 1)))
    more = len(users) > size
    users = users[:size]
    return UserPage(users, users[-1].id if more else None)


def team_rows(actor: User) -> list[TeamRow]:
    """Every team with how many people belong to it and how many tickets name it, in one query."""
    require_admin(actor)
    members = select(func.count(User.id)).where(User.team_id == Team.id).correlate(Team).scalar_subquery()
    tickets = (
        select(func.count(Ticket.id))
        .where(or_(Ticket.team_id == Team.id, Ticket.vendor_id == Team.id))
        .correlate(Team)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Team, members, tickets).order_by(Team.tier, Team.name))
    return [TeamRow(team, member_count, ticket_count) for team, member_count, ticket_count in rows]


def get_user(actor: User, user_id: int) -> User:
    require_admin(actor)
    user = db.session.get(User, user_id) if is_row_id(user_id) else None
    if user is None:
        raise NotFound("No such user.")
    return user


def get_team(actor: User, team_id: int) -> Team:
    require_admin(actor)
    team = db.session.get(Team, team_id) if is_row_id(team_id) else None
    if team is None:
        raise NotFound("No such team.")
    return team


def delete_team(actor: User, team_id: int, *, now: datetime | None = None) -> None:
    """Delete a team nobody belongs to and no ticket names; otherwise say what keeps it."""
    now = now or utcnow()
    with transaction():
        team = get_team(actor, team_id)
        members = db.session.scalar(select(func.count()).where(User.team_id == team.id))
        tickets = db.session.scalar(
            select(func.count()).where(or_(Ticket.team_id == team.id, Ticket.vendor_id == team.id))
        )
        if members or tickets:
            raise InvalidInput(
                f"{team.name} still has {members} member(s) and {tickets} ticket(s); "
                "move them to another team first.",
                field="team",
            )
        audit(AuditKind.team_deleted, f"{actor.name} deleted team {team.name}", actor=actor, now=now)
        record(
            ActivityKind.team_updated,
            f"{actor.name} deleted team {team.name}",
            now=now,
            actor=actor,
            data={"team_id": team.id, "deleted": True},
        )
        db.session.delete(team)
