"""The reports there are, by slug, and the CSV of one."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from app.domain.errors import NotFound
from app.services.reports.customers import customers_report
from app.services.reports.dashboard import dashboard
from app.services.reports.figures import Report
from app.services.reports.ladder import ladder_report
from app.services.reports.read import ReportFilters
from app.services.reports.self_service import self_service_report
from app.services.reports.sla_report import sla_report
from app.services.reports.workload import workload_report

REPORTS: dict[str, tuple[str, Callable[[ReportFilters], Report]]] = {
    "sla": ("SLA attainment", sla_report),
    "ladder": ("Escalation ladder", ladder_report),
    "self-service": ("Self-service", self_service_report),
    "customers": ("Customers", customers_report),
    "workload": ("Workload", workload_report),
    "dashboard": ("Today on the desk", dashboard),
}


def build_report(slug: str, filters: ReportFilters) -> Report:
    """The named report for the (already scoped) filters."""
    if slug not in REPORTS:
        raise NotFound("No such report.")
    return REPORTS[slug][1](filters)


def report_csv(report: Report, filters: ReportFilters) -> str:
    """One row per number: figure, row, column, value (and the range it covers)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("report", "figure", "row", "column", "value", "start", "end"))
    start, end = filters.range.start.isoformat(), filters.range.end.isoformat()
    for figure in report.figures:
        for row in figure.table.rows:
            head, *cells = row
            for header, cell in zip(figure.table.headers[1:], cells, strict=True):
                value = cell.text if cell.value is None else cell.value
                writer.writerow((report.slug, figure.slug, head.text, header, value, start, end))
    return out.getvalue()
