"""After the load: what the database holds against what the clients were told."""

from __future__ import annotations

from collections import Counter

from flask import Flask
from sqlalchemy import func, select

from app.domain.vocabulary import TierChangeCause
from app.extensions import db
from app.models import Message, Ticket, TierChange
from bench.load.client import Log


def sla_raises(app: Flask) -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                select(func.count()).select_from(TierChange).where(TierChange.cause == TierChangeCause.sla)
            )
            or 0
        )


def _stored(app: Flask) -> dict[str, Counter[str]]:
    """How many times each marker is stored, per kind of write."""
    with app.app_context():
        bodies = db.session.scalars(select(Message.body).where(Message.body.like("load-%")))
        subjects = db.session.scalars(select(Ticket.subject).where(Ticket.subject.like("load-%")))
        reasons = db.session.scalars(select(TierChange.reason).where(TierChange.reason.like("load-%")))
        return {
            "message": Counter(text.split()[0] for text in bodies),
            "ticket": Counter(text.split()[0] for text in subjects),
            "tier_change": Counter(text.split()[0] for text in reasons),
        }


def double_bumps(app: Flask) -> int:
    """SLA raises made twice for one stay at a tier: two SLA moves in a row from the same tier."""
    with app.app_context():
        rows = db.session.execute(
            select(TierChange.ticket_id, TierChange.cause, TierChange.from_tier).order_by(
                TierChange.ticket_id, TierChange.id
            )
        ).all()
    doubles, previous = 0, None
    for row in rows:
        if (
            previous is not None
            and previous.ticket_id == row.ticket_id
            and previous.cause == row.cause == TierChangeCause.sla
            and previous.from_tier == row.from_tier
        ):
            doubles += 1
        previous = row
    return doubles


def check_writes(app: Flask, log: Log) -> dict[str, int]:
    """Every write answered with success is stored exactly once; a refused one not at all; the
    database holds no write no client made."""
    stored = _stored(app)
    result = Counter({"saved": 0, "refused": 0, "unknown": 0, "lost": 0, "duplicated": 0})
    result.update({"saved_despite_refusal": 0, "unknown_stored": 0, "unexpected": 0})
    for mark, (kind, outcome) in log.writes.items():
        count = stored[kind][mark]
        result[outcome] += 1
        if count > 1:
            result["duplicated"] += 1
        if outcome == "saved" and count == 0:
            result["lost"] += 1
        elif outcome == "refused" and count > 0:
            result["saved_despite_refusal"] += 1
        elif outcome == "unknown" and count > 0:
            result["unknown_stored"] += 1
    for kind, counts in stored.items():
        result["unexpected"] += sum(1 for mark in counts if log.writes.get(mark, ("", ""))[0] != kind)
    return dict(result)
