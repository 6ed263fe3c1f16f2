"""The desk's reporting timezone: its midnights cut the roll-ups' days. By default the zone of
the default SLA policy's calendar; an admin may choose another, and the next fold recounts every
day in it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.domain.audit import AuditKind
from app.domain.report_days import local_day
from app.domain.zones import known_zone, picked_zone_name
from app.extensions import db
from app.models import BusinessCalendar, ReportSetting, ReportWatermark, SlaPolicy, User
from app.models.types import utcnow
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.transaction import transaction

SETTING = "timezone"
WATERMARK = "activities"


def default_zone_name() -> str:
    """The default policy's calendar's zone, else UTC."""
    name = db.session.scalar(
        select(BusinessCalendar.timezone)
        .join(SlaPolicy, SlaPolicy.calendar_id == BusinessCalendar.id)
        .where(SlaPolicy.is_default.is_(True))
        .limit(1)
    )
    return name if name is not None and known_zone(name) is not None else "UTC"


def chosen_zone_name() -> str | None:
    """The zone an admin chose, None while the default applies."""
    row = db.session.get(ReportSetting, SETTING)
    return row.value if row is not None and known_zone(row.value) is not None else None


def report_zone() -> ZoneInfo:
    """The zone the roll-ups' days are counted in from the next fold on."""
    return known_zone(chosen_zone_name() or default_zone_name()) or ZoneInfo("UTC")


def counted_zone() -> ZoneInfo:
    """The zone the stored roll-ups were counted in (the reporting zone before the first fold)."""
    mark = db.session.get(ReportWatermark, WATERMARK)
    return (known_zone(mark.zone) if mark is not None else None) or report_zone()


def report_today(now: datetime | None = None) -> date:
    """Today in the zone of the stored roll-ups."""
    return local_day(now or utcnow(), counted_zone())


def set_report_zone(actor: User, name: str | None) -> ZoneInfo:
    """Choose the reporting timezone ('' for the default calendar's); the roll-ups are recounted
    in it by the next fold."""
    require_admin(actor)
    name = picked_zone_name(name)
    with transaction():
        row = db.session.get(ReportSetting, SETTING)
        if not name:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(ReportSetting(name=SETTING, value=name, updated_at=utcnow()))
        else:
            row.value, row.updated_at = name, utcnow()
        db.session.flush()
        zone = report_zone()
        audit(
            AuditKind.report_timezone_saved,
            f"{actor.name} set the reporting timezone to {zone.key}",
            actor=actor,
            data={"timezone": name or None},
        )
    return zone


def zone_setting() -> dict[str, str | None]:
    """What the admin page shows: the chosen zone (None for the default), the default calendar's,
    and the zone the stored roll-ups were counted in."""
    return {"chosen": chosen_zone_name(), "default": default_zone_name(), "counted": counted_zone().key}
