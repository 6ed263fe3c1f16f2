"""The queue a new ticket enters when no rule chose one: its tier's only team, and the team's
next agent, read together in one statement.

Every request a customer opens comes here. Read as model objects, the team and each of its
members cost more CPU than the statements themselves; what the choice needs is a few plain
values (the team's mode and cursor, each member's tier and absence). Only the chosen agent
becomes a model object, made from the same row: the ticket holds it, and its notice goes to
their address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, select, update

from app.domain.access import Actor
from app.domain.assignment import AssignmentMode, Candidate, is_away, pick_assignee
from app.domain.vocabulary import ActivityKind, Role, Tier
from app.models import Team, Ticket, User
from app.services.common.adopted import adopt, fill
from app.services.common.history import record
from app.services.common.prepared import PreparedStatement
from app.services.common.row_batch import RowBatch
from app.services.routing.assignment import TeamName, active_loads, record_assignment

_TEAMS = Team.__table__.c
_USERS = User.__table__.c
# The tier's teams (the ticket's queue when there is exactly one) with their active staff; the
# team row is locked for its assignment cursor (PostgreSQL; SQLite's writer lock is held), with
# a NO KEY UPDATE lock as in assignment._locking.
_TEAM_AND_MEMBERS = PreparedStatement(
    select(
        _TEAMS.id,
        _TEAMS.name,
        _TEAMS.assignment_mode,
        _TEAMS.last_assigned_user_id,
        _USERS.id,
        _USERS.role,
        _USERS.support_tier,
        _USERS.away,
        _USERS.away_until,
        _USERS.name,
        _USERS.email,
    )
    .select_from(Team.__table__)
    .outerjoin(
        User.__table__,
        and_(
            _USERS.team_id == _TEAMS.id,
            _USERS.role.in_((Role.agent, Role.admin)),
            _USERS.active.is_(True),
        ),
    )
    .where(_TEAMS.tier == bindparam("tier"))
    .with_for_update(of=Team.__table__, key_share=True)
)
_MOVE_CURSOR = PreparedStatement(
    update(Team.__table__)
    .where(_TEAMS.id == bindparam("team_id"))
    .values(last_assigned_user_id=bindparam("chosen"))
)


def enter_opening_queue(ticket: Ticket, now: datetime, *, rows: RowBatch | None) -> User | None:
    """Put the new ticket in its tier's only team's queue and, unless the team is manual or a
    rule gave it someone, give it to the team's next agent (as routing.assignment does for a
    ticket entering a queue). Returns the agent it went to, if any."""
    if ticket.tier < Tier.FRONTLINE:
        return None  # self-service tickets are answered by the knowledge base, not agents
    found = _TEAM_AND_MEMBERS.rows({"tier": ticket.tier})
    if len({row[0] for row in found}) != 1:
        return None  # no team works the tier, or several (a person or a rule chooses)
    team_id, team_name, mode, cursor = found[0][:4]
    team = TeamName(team_id, team_name)
    fill(ticket, team_id=team_id)
    wants_agent = ticket.assignee_id is None and mode is not AssignmentMode.manual
    chosen = _choose(found, mode, ticket.tier, cursor, now) if wants_agent else None
    if chosen is not None:
        if cursor != chosen:
            _MOVE_CURSOR.execute({"team_id": team_id, "chosen": chosen})
        agent = _agent(found, chosen)
        fill(ticket, assignee_id=agent.id, assignee=agent, updated_at=now)
        record_assignment(
            ticket, assignee=agent, team=team, now=now, how=mode.value.replace("_", " "), rows=rows
        )
        return agent
    fill(ticket, updated_at=now)
    unassigned = " (no agent available)" if wants_agent else ""
    record(
        ActivityKind.ticket_assigned,
        f"{ticket.reference} entered team {team_name}'s queue{unassigned}",
        now=now,
        ticket=ticket,
        data={"assignee_id": ticket.assignee_id, "team_id": team_id, "how": "queue"},
        rows=rows,
    )
    return None


def _agent(found: Any, chosen: int) -> User:
    """The chosen agent as the session's User, from the row already read."""
    for row in found:
        if row[4] == chosen:
            user_id, role, support_tier, away, away_until, name, email = row[4:]
            values = {
                "id": user_id,
                "role": role,
                "support_tier": support_tier,
                "away": away,
                "away_until": away_until,
                "name": name,
                "email": email,
                "team_id": row[0],
                "active": True,
            }
            return adopt(User, values)
    raise LookupError(f"user {chosen} is not among the team's members")


def _choose(found: Any, mode: AssignmentMode, tier: int, cursor: int | None, now: datetime) -> int | None:
    members = [row[4:9] for row in found if row[4] is not None]
    loads = active_loads([m[0] for m in members]) if mode is AssignmentMode.least_loaded else {}
    candidates = [
        Candidate(
            user_id=user_id,
            working_tier=Actor(user_id=user_id, role=role, support_tier=support_tier).working_tier,
            away=is_away(away, away_until, now),
            open_tickets=loads.get(user_id, 0),
        )
        for user_id, role, support_tier, away, away_until in members
    ]
    return pick_assignee(mode, candidates, tier, cursor)
