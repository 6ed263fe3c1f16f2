"""Assignment: recording who holds a ticket (by hand or automatically) and giving a ticket that
enters a team's queue to the team's next agent, by the team's mode (app.domain.assignment)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.domain.access import Actor
from app.domain.assignment import (
    AWAY_CHOICES,
    AssignmentMode,
    Candidate,
    is_away,
    pick_assignee,
)
from app.domain.errors import Conflict, InvalidInput
from app.domain.vocabulary import ACTIVE_STATUSES, ActivityKind, Role, Tier
from app.extensions import db
from app.models import Team, Ticket, User
from app.models.types import utcnow
from app.services.common.access import require_staff
from app.services.common.history import record
from app.services.common.outbox import queue_notification, ticket_summary
from app.services.common.row_batch import RowBatch
from app.services.common.transaction import transaction

AWAY_HOURS = frozenset(hours for hours, _ in AWAY_CHOICES)
_STAFF = (Role.agent, Role.admin)
WAITING_BATCH = 200


class TeamName(NamedTuple):
    """A team as its assignment's history names it, for a caller that read no Team object."""

    id: int
    name: str


def record_assignment(
    ticket: Ticket,
    *,
    assignee: User | None,
    team: Team | TeamName | None,
    now: datetime,
    actor: User | None = None,
    how: str | None = None,
    rows: RowBatch | None = None,
) -> None:
    """Write the assignment to the history and tell the new assignee (unless they did it); with
    `rows`, both are rows of the caller's batch."""
    who = assignee.name if assignee else "nobody"
    where = ", ".join(part for part in (team.name if team else None, how) if part)
    record(
        ActivityKind.ticket_assigned,
        f"{ticket.reference} assigned to {who}" + (f" ({where})" if where else ""),
        now=now,
        actor=actor,
        ticket=ticket,
        data={
            "assignee_id": assignee.id if assignee else None,
            "team_id": team.id if team else None,
            "how": how or "manual",
        },
        rows=rows,
    )
    if assignee is not None and (actor is None or assignee.id != actor.id):
        queue_notification(
            ticket,
            "assignee",
            now=now,
            recipients=[assignee],
            kind="assigned",
            subject=f"[{ticket.reference}] assigned to you: {ticket.subject}",
            body=f"{ticket.reference} is now yours"
            + (f" ({where})" if where else "")
            + ".\n\n"
            + ticket_summary(ticket),
            rows=rows,
        )


def only_teams_by_tier() -> dict[int, int]:
    """Tier → the id of the one internal team working it, for tiers that have exactly one (a
    bulk mover such as the SLA sweep puts tickets in that team's queue)."""
    teams: dict[int, list[int]] = {}
    for team_id, tier in db.session.execute(select(Team.id, Team.tier).where(Team.is_external.is_(False))):
        teams.setdefault(tier, []).append(team_id)
    return {tier: ids[0] for tier, ids in teams.items() if len(ids) == 1}


def default_team(ticket: Ticket, *, lock: bool = False) -> Team | None:
    """The team whose queue the ticket is in: its own team if that works the ticket's tier,
    else the only team working that tier (with several, a person or a rule chooses). With
    `lock`, a team read by its tier is read afresh and locked for its assignment cursor (see
    _take_next_agent), so that the cursor needs no second read."""
    # team_id, not the relationship: some paths set only the column (rules, tier moves).
    current = None
    if ticket.team_id is not None and lock:
        current = db.session.scalars(_LOCKED_TEAM, {"team_id": ticket.team_id}).one_or_none()
    elif ticket.team_id is not None:
        current = db.session.get(Team, ticket.team_id)
    if current is not None and current.tier == ticket.tier:
        return current
    teams = db.session.scalars(_LOCKED_TEAMS_OF_TIER if lock else _TEAMS_OF_TIER, {"tier": ticket.tier}).all()
    return teams[0] if len(teams) == 1 else None


def _locking(query: Select[Team]) -> Select[Team]:
    # A NO KEY UPDATE lock: the tickets' foreign keys hold KEY SHARE locks on the same row, and
    # a full FOR UPDATE would deadlock two transactions that both hold one.
    return query.with_for_update(key_share=True).execution_options(populate_existing=True)


# Built once: every ticket that enters a queue runs them, and composing one costs about as much
# CPU as running it.
_TEAMS_OF_TIER = select(Team).where(Team.tier == bindparam("tier")).limit(2)
_LOCKED_TEAMS_OF_TIER = _locking(_TEAMS_OF_TIER)
_LOCKED_TEAM = _locking(select(Team).where(Team.id == bindparam("team_id")))
_MOVE_CURSOR = (
    update(Team.__table__)
    .where(Team.__table__.c.id == bindparam("team_id"))
    .values(last_assigned_user_id=bindparam("chosen"))
)
_MEMBERS = select(User).where(
    User.team_id == bindparam("team_id"), User.role.in_(_STAFF), User.active.is_(True)
)


def enter_team_queue(
    ticket: Ticket,
    now: datetime,
    *,
    team: Team | None = None,
    actor: User | None = None,
    hand_over: bool = False,
    rows: RowBatch | None = None,
    opening: bool = False,
) -> User | None:
    """Put the ticket in `team`'s queue (default: see default_team). An unassigned ticket in an
    automatic team goes to the team's next agent; `hand_over` asks for the next agent even in a
    manual team or when someone holds it. Returns the agent it went to, if any.

    `rows` collects the history and notice rows for the caller's INSERT; `opening` says the
    ticket is being opened in this transaction (it has nothing to flush first, and its default
    team is locked as it is read)."""
    if ticket.tier < Tier.FRONTLINE:
        return None  # self-service tickets are answered by the knowledge base, not agents
    locked = opening and team is None
    team = team or default_team(ticket, lock=locked)
    if team is None:
        return None
    joined = ticket.team_id != team.id
    ticket.team_id, ticket.team = team.id, team
    wants_agent = hand_over or (
        ticket.assignee_id is None and team.assignment_mode is not AssignmentMode.manual
    )
    agent = _take_next_agent(team, ticket, now, locked=locked) if wants_agent else None
    if agent is not None and agent.id != ticket.assignee_id:
        ticket.assignee_id, ticket.assignee = agent.id, agent
        ticket.updated_at = now
        how = (
            AssignmentMode.round_robin
            if team.assignment_mode is AssignmentMode.manual
            else team.assignment_mode
        )
        record_assignment(
            ticket,
            assignee=agent,
            team=team,
            now=now,
            actor=actor,
            how=how.value.replace("_", " "),
            rows=rows,
        )
        return agent
    if joined:
        ticket.updated_at = now
        unassigned = " (no agent available)" if wants_agent and agent is None else ""
        record(
            ActivityKind.ticket_assigned,
            f"{ticket.reference} entered team {team.name}'s queue{unassigned}",
            now=now,
            actor=actor,
            ticket=ticket,
            data={"assignee_id": ticket.assignee_id, "team_id": team.id, "how": "queue"},
            rows=rows,
        )
    return None


def assign_waiting(now: datetime, *, per_team: int = WAITING_BATCH) -> int:
    """Deal out the unassigned active tickets in automatic teams' queues (raised there by the SLA
    sweep, or opened while everyone was away), riskiest first, each in its own transaction.
    A team stops at its first ticket nobody can take, so a team whose agents are all away costs
    one look per run. Returns how many tickets were given out."""
    given = 0
    teams = db.session.scalars(
        select(Team).where(Team.assignment_mode != AssignmentMode.manual).order_by(Team.id)
    ).all()
    for team in teams:
        waiting = db.session.scalars(
            select(Ticket.id)
            .where(
                Ticket.team_id == team.id,
                Ticket.assignee_id.is_(None),
                Ticket.tier >= Tier.FRONTLINE,
                Ticket.status.in_(ACTIVE_STATUSES),
            )
            .order_by(Ticket.risk_score.desc(), Ticket.id.desc())
            .limit(per_team)
        ).all()
        for ticket_id in waiting:
            try:
                with transaction():
                    ticket = db.session.get(Ticket, ticket_id)
                    if ticket is None or ticket.assignee_id is not None:
                        continue
                    agent = enter_team_queue(ticket, now, team=db.session.get(Team, team.id))
            except Conflict:
                continue  # an agent changed it meanwhile; the next run looks again
            if agent is None:
                break
            given += 1
    return given


def _take_next_agent(team: Team, ticket: Ticket, now: datetime, *, locked: bool = False) -> User | None:
    """Choose the next agent and move the team's cursor, with the team row locked so that two
    tickets entering the team at once are handed out one after the other (`locked`: the caller
    read it so)."""
    if not locked:
        # On SQLite the flush takes the database's single write lock before the cursor is read
        # (the caller always has a pending ticket change); on PostgreSQL the row lock does it.
        db.session.flush()
        team = db.session.scalars(_LOCKED_TEAM, {"team_id": team.id}).one()
    # The members as model objects: the chosen one is then in the session, with no second read.
    members = db.session.scalars(_MEMBERS, {"team_id": team.id}).all()
    loads = (
        active_loads([m.id for m in members]) if team.assignment_mode is AssignmentMode.least_loaded else {}
    )
    candidates = [
        Candidate(
            user_id=m.id,
            working_tier=Actor(user_id=m.id, role=m.role, support_tier=m.support_tier).working_tier,
            away=is_away(m.away, m.away_until, now),
            open_tickets=loads.get(m.id, 0),
        )
        for m in members
    ]
    chosen = pick_assignee(team.assignment_mode, candidates, ticket.tier, team.last_assigned_user_id)
    if chosen is None:
        return None
    if team.last_assigned_user_id != chosen:
        # Written now as a plain UPDATE (the row is locked, or SQLite's writer lock held) and
        # kept as the loaded value: the use case's commit then has no unit of work to run for it.
        db.session.execute(_MOVE_CURSOR, {"team_id": team.id, "chosen": chosen})
        set_committed_value(team, "last_assigned_user_id", chosen)
    return db.session.get(User, chosen)


def active_loads(user_ids: list[int]) -> dict[int, int]:
    """Active tickets per agent, in one grouped query over the assignee index."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Ticket.assignee_id, func.count())
        .where(Ticket.assignee_id.in_(user_ids), Ticket.status.in_(ACTIVE_STATUSES))
        .group_by(Ticket.assignee_id)
    )
    return {assignee_id: count for assignee_id, count in rows if assignee_id is not None}


def set_away(actor: User, away: bool, *, hours: int | None = None, now: datetime | None = None) -> User:
    """An agent marks themselves away (for some hours, or until they come back) or back."""
    now = now or utcnow()
    require_staff(actor)
    if hours not in AWAY_HOURS:
        raise InvalidInput("Choose how long you will be away.", field="hours")
    with transaction():
        actor.away = away
        actor.away_until = now + timedelta(hours=hours) if away and hours else None
        until = f" until {actor.away_until:%Y-%m-%d %H:%M} UTC" if actor.away_until else ""
        record(
            ActivityKind.availability_changed,
            f"{actor.name} is {'away' + until if away else 'back'}",
            now=now,
            actor=actor,
            data={"away": away, "until": actor.away_until.isoformat() if actor.away_until else None},
        )
    return actor
