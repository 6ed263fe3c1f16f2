"""A database lease: one holder at a time runs the scheduled jobs, whatever else is started."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, or_, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import SchedulerLease
from app.services.common.rows import rows_matched


def hold_lease(name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease; True when `holder` has it until now + ttl.

    One conditional UPDATE (or the first INSERT) decides, so two processes cannot both win. A
    holder whose INSERT lost to another of its own jobs starting at the same moment renews."""
    until = now + ttl
    if _take_or_renew(name, holder, now, until):
        return True
    if db.session.get(SchedulerLease, name) is None:
        try:
            db.session.execute(insert(SchedulerLease).values(name=name, holder=holder, expires_at=until))
            db.session.commit()
            return True
        except IntegrityError:
            pass
    db.session.rollback()
    # The row appeared since the first try: perhaps this very holder's other job inserted it.
    return _take_or_renew(name, holder, now, until)


def _take_or_renew(name: str, holder: str, now: datetime, until: datetime) -> bool:
    result = db.session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            or_(SchedulerLease.holder == holder, SchedulerLease.expires_at <= now),
        )
        .values(holder=holder, expires_at=until)
    )
    if rows_matched(result) == 1:
        db.session.commit()
        return True
    db.session.rollback()
    return False


def release_lease(name: str, holder: str) -> None:
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=datetime(1970, 1, 1).astimezone())
    )
    db.session.commit()
