"""The audit log (/admin/audit): read and download only; nothing here writes to it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_login import current_user

from app.domain.errors import InvalidInput
from app.services.audit.read import AuditFilter, audit_page, export_audit_csv, kinds, parse_filter

bp = Blueprint("audit", __name__)


def _filter() -> tuple[AuditFilter, str | None]:
    args = request.args
    try:
        return parse_filter(args.get("kind"), args.get("person"), args.get("since"), args.get("until")), None
    except InvalidInput as error:
        return AuditFilter(), str(error)


@bp.get("/")
def index():
    audit_filter, problem = _filter()
    page = audit_page(current_user, audit_filter, None if problem else request.args.get("before"))
    args: dict[str, Any] = audit_filter.as_args()
    next_url = url_for("admin.audit.index", before=page.next_cursor, **args) if page.next_cursor else None
    return render_template(
        "admin/audit.html",
        entries=page.items,
        next_url=next_url,
        csv_url=url_for("admin.audit.export", **args),
        kinds=kinds(),
        chosen=audit_filter,
        problem=problem,
    ), (400 if problem else 200)


@bp.get("/export.csv")
def export():
    audit_filter, problem = _filter()
    if problem:
        raise InvalidInput(problem)
    lines = export_audit_csv(current_user, audit_filter)
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
