"""Reading the audit log for admins: filtered by kind, person and dates, newest first, a page at
a time (keyset on the id), or whole as CSV rows. Reading never changes an entry."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, or_, select

from app.domain.audit import AuditKind
from app.domain.errors import InvalidInput
from app.domain.ids import parse_row_id
from app.extensions import db
from app.models import AuditEntry, User
from app.services.audit.record import audit
from app.services.common.access import require_admin
from app.services.common.pagination import Page

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000
CSV_COLUMNS = ("id", "when", "kind", "actor", "person", "address", "browser", "summary")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    kind: AuditKind | None = None
    person: str | None = None
    since: date | None = None
    until: date | None = None

    def as_args(self) -> dict[str, str]:
        """The filter as query arguments (for the next page and the CSV link)."""
        values = {
            "kind": self.kind.value if self.kind else "",
            "person": self.person or "",
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {key: value for key, value in values.items() if value}


def _day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("Give the date as YYYY-MM-DD.", field=field) from None


def parse_filter(kind: str | None, person: str | None, since: str | None, until: str | None) -> AuditFilter:
    """The filter from what an admin typed; a kind or date that cannot be is a sentence."""
    try:
        kind_value = AuditKind(kind) if kind else None
    except ValueError:
        raise InvalidInput("No such kind of entry.", field="kind") from None
    person = " ".join((person or "").split()).lower()[:254] or None
    return AuditFilter(kind_value, person, _day(since, "since"), _day(until, "until"))


def _query(audit_filter: AuditFilter) -> Select[AuditEntry]:
    query = select(AuditEntry)
    if audit_filter.kind is not None:
        query = query.where(AuditEntry.kind == audit_filter.kind.value)
    if audit_filter.person:
        query = query.where(
            or_(AuditEntry.email == audit_filter.person, AuditEntry.actor_email == audit_filter.person)
        )
    if audit_filter.since is not None:
        query = query.where(AuditEntry.created_at >= datetime.combine(audit_filter.since, time(), UTC))
    if audit_filter.until is not None:
        end = datetime.combine(audit_filter.until, time(), UTC) + timedelta(days=1)
        query = query.where(AuditEntry.created_at < end)
    return query


def audit_page(actor: User, audit_filter: AuditFilter, before: str | None = None) -> Page[AuditEntry]:
    """One page of entries, newest first; `before` is the cursor of the page after."""
    require_admin(actor)
    query = _query(audit_filter)
    if before:
        before_id = parse_row_id(before)
        if before_id is None:
            raise InvalidInput("That page link is broken; start from the first page.", field="before")
        query = query.where(AuditEntry.id < before_id)
    rows = list(db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return Page(items=rows, next_cursor=str(rows[-1].id) if more else None)


def export_audit_csv(actor: User, audit_filter: AuditFilter) -> Iterator[str]:
    """The matching entries as CSV lines, newest first; the export itself is audited first."""
    require_admin(actor)
    audit(
        AuditKind.audit_exported,
        f"{actor.email} exported the audit log",
        actor=actor,
        data=audit_filter.as_args(),
    )
    rows = db.session.scalars(
        _query(audit_filter).order_by(AuditEntry.id.desc()).limit(EXPORT_MAX_ROWS)
    ).all()

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for entry in rows:
            writer.writerow(
                [
                    entry.id,
                    entry.created_at.isoformat(),
                    entry.kind,
                    _safe(entry.actor_email or ""),
                    _safe(entry.email or ""),
                    entry.address or "",
                    _safe(entry.user_agent or ""),
                    _safe(entry.summary),
                ]
            )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return lines()


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (people choose their names and browsers)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def kinds() -> list[str]:
    return [kind.value for kind in AuditKind]
