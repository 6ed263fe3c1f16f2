"""Reports on the desk (/desk/reports): the lead's dashboard, each report with its filters,
charts and tables, a CSV per report, and the tickets behind every figure."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request
from flask_login import current_user

from app.domain.charts import render_svg
from app.domain.errors import InvalidInput
from app.domain.reports import day_note
from app.services.reports.catalog import REPORTS, build_report, report_csv
from app.services.reports.drill import drill_down
from app.services.reports.read import filter_choices, is_lead, parse_report_filters
from app.services.reports.rollup import watermark_time
from app.services.reports.zone import counted_zone, report_zone

bp = Blueprint("reports", __name__)


def _page(slug: str):
    try:
        filters = parse_report_filters(current_user, request.args)
    except InvalidInput as refused:
        return render_template("reports/error.html", error=refused, reports=REPORTS), 400
    report = build_report(slug, filters)
    return render_template(
        "reports/report.html",
        report=report,
        filters=filters,
        choices=filter_choices(current_user),
        lead=is_lead(current_user),
        reports=REPORTS,
        svg=render_svg,
        folded_at=watermark_time(),
        day_note=day_note(counted_zone(), report_zone(), g.get("display_zone")),
    )


@bp.get("/")
def index():
    return _page("dashboard")


@bp.get("/<slug>")
def report(slug: str):
    return _page(slug)


@bp.get("/<slug>.csv")
def export(slug: str):
    try:
        filters = parse_report_filters(current_user, request.args)
    except InvalidInput as refused:
        return Response(f"{refused}\n", status=400, mimetype="text/plain")
    body = report_csv(build_report(slug, filters), filters)
    name = f"tierdesk-{slug}-{filters.range.start}-{filters.range.end}.csv"
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/tickets")
def tickets():
    try:
        filters = parse_report_filters(current_user, request.args)
        found = drill_down(filters, request.args)
    except InvalidInput as refused:
        return render_template("reports/error.html", error=refused, reports=REPORTS), 400
    return render_template("reports/tickets.html", drill=found, filters=filters, reports=REPORTS)
