"""/api/v1/reports/<report>: the figures of each desk report (the tables beneath the charts of
/desk/reports), with the same date range, filters and access: admins read every team's, an
agent their team's (or, without a team, only their own)."""

from __future__ import annotations

from app.api.auth import api_user
from app.api.core import Blueprint, document_errors
from app.api.schemas_reports import ReportArgs, ReportOut
from app.services.reports.catalog import REPORTS, build_report
from app.services.reports.read import FILTER_FIELDS, parse_report_filters

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports", description="Reports")


def _figures(slug: str, args: dict) -> dict:
    query = {name: str(value) for name, value in args.items() if value is not None}
    filters = parse_report_filters(api_user(), query)
    report = build_report(slug, filters)
    return {
        "report": report.slug,
        "title": report.title,
        "start": filters.range.start,
        "end": filters.range.end,
        "filters": {name: getattr(filters, name) for name in FILTER_FIELDS},
        "figures": [
            {
                "slug": figure.slug,
                "title": figure.title,
                "note": figure.note,
                "columns": list(figure.table.headers),
                "rows": [
                    {"label": head.text, "cells": [{"text": c.text, "value": c.value} for c in cells]}
                    for head, *cells in figure.table.rows
                ],
            }
            for figure in report.figures
        ],
    }


def _operation(slug: str, title: str):
    def read(args: dict):
        return _figures(slug, args)

    read.__name__ = "report_" + slug.replace("-", "_")
    read.__doc__ = (
        f"{title}: each figure's table for the range (the last 30 days unless `start`/`end` say "
        "otherwise) and filters. Admins read every team's figures; an agent their team's, or "
        "only their own without a team."
    )
    view = bp.arguments(ReportArgs, location="query")(read)
    view = bp.response(200, ReportOut)(view)
    view = document_errors(bp, (400, 401, 403, 422, 429))(view)
    bp.get(f"/{slug}")(view)


for _slug, (_title, _build) in REPORTS.items():
    _operation(_slug, _title)
