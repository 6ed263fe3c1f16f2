"""The demo data's clocks agree with its history: a sweep right after seeding raises nothing an
agent answered in time, and every ticket's status fits who wrote last."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.demo import lines
from app.demo.seed import seed_demo
from app.domain.sla_vocabulary import SlaEventKind, SlaTarget
from app.domain.vocabulary import AuthorKind, Status
from app.extensions import db
from app.models import Message, SlaClock, SlaEvent, Ticket
from app.services.sweep.sweep import sweep_sla

ANSWERS_THAT_END = {*lines.SOLUTIONS, lines.DEFLECTION_ANSWER}


def _public_messages() -> dict[int, list[Message]]:
    by_ticket: dict[int, list[Message]] = {}
    query = select(Message).where(Message.internal.is_(False)).order_by(Message.created_at, Message.id)
    for message in db.session.scalars(query):
        by_ticket.setdefault(message.ticket_id, []).append(message)
    return by_ticket


def _breaches_since(event_id: int) -> list[tuple[SlaEvent, SlaClock]]:
    query = (
        select(SlaEvent, SlaClock)
        .join(SlaClock, SlaEvent.clock_id == SlaClock.id)
        .where(SlaEvent.kind == SlaEventKind.breach, SlaEvent.id > event_id)
    )
    return [(event, clock) for event, clock in db.session.execute(query).all()]


def _assert_unanswered(clock: SlaClock, messages: list[Message]) -> None:
    """A breached clock had no agent answer between its start and its due time."""
    answers = [
        m.created_at
        for m in messages
        if m.author_kind is AuthorKind.agent and clock.started_at < m.created_at <= clock.due_at
    ]
    assert answers == [], (clock.ticket_id, clock.target, clock.due_at)


def test_a_sweep_at_the_seeds_now_finds_nothing_an_agent_answered(now):
    seed_demo(now=now)
    messages = _public_messages()
    # The story was swept as it went: what fell due was breached at its due time, unanswered.
    history = _breaches_since(0)
    assert history, "the story has late tickets too"
    for event, clock in history:
        assert event.created_at == clock.due_at
        if clock.target is not SlaTarget.resolution:
            _assert_unanswered(clock, messages.get(clock.ticket_id, []))
    first_answer = {
        t.id: t.first_responded_at for t in db.session.scalars(select(Ticket)) if t.first_responded_at
    }
    for _event, clock in history:
        if clock.target is SlaTarget.first_response:
            assert first_answer.get(clock.ticket_id) is None or first_answer[clock.ticket_id] > clock.due_at

    summary = sweep_sla(now)
    assert (summary.breached, summary.raised) == (0, 0)

    # An hour on, the sweep finds only tickets that really wait on an agent.
    last_event = max(event.id for event, _clock in history)
    tiers = dict(db.session.execute(select(Ticket.id, Ticket.tier)).all())
    summary = sweep_sla(now + timedelta(hours=1))
    late = _breaches_since(last_event)
    assert summary.breached == len(late)
    for _event, clock in late:
        if clock.target is not SlaTarget.resolution:
            _assert_unanswered(clock, messages.get(clock.ticket_id, []))
    for ticket in db.session.scalars(select(Ticket)):
        if ticket.tier != tiers[ticket.id]:
            assert ticket.id in {clock.ticket_id for _e, clock in late}


def test_every_status_matches_who_wrote_last(now):
    seed_demo(now=now)
    messages = _public_messages()
    tickets = db.session.scalars(select(Ticket)).all()
    assert {t.status for t in tickets} == set(Status)
    for ticket in tickets:
        assert ticket.description == lines.DESCRIPTIONS[ticket.subject]
        written = messages.get(ticket.id, [])
        agents = [m for m in written if m.author_kind is AuthorKind.agent]
        last = written[-1] if written else None
        if ticket.status is Status.new:
            assert agents == [], ticket.reference
            continue
        assert agents, ticket.reference  # anything past new was answered
        assert last is not None
        if ticket.status is Status.open:
            continue  # either side may have written last: the agent owes the next step
        assert last.author_kind is AuthorKind.agent, ticket.reference
        if ticket.status is Status.pending:
            assert last.body in (*lines.QUESTIONS, lines.DEFLECTION_ANSWER), ticket.reference
        elif ticket.status in (Status.solved, Status.closed):
            assert last.body not in lines.ACKNOWLEDGEMENTS, ticket.reference
            vendor = lines.VENDOR_SOLUTION.format(reference=ticket.vendor_reference)
            assert last.body in ANSWERS_THAT_END or last.body == vendor, ticket.reference
