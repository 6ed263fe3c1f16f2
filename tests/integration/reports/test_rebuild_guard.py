"""A rebuild writes each week once without deleting it first, so while one runs the job folds
nothing and a second rebuild is refused; a rebuild that died long ago does not block."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.errors import Conflict
from app.extensions import db
from app.models import ReportRollup, ReportWatermark
from app.models.types import utcnow
from app.services.reports.rollup import REBUILDING, FoldSummary, fold_new_history, rebuild_rollups
from app.services.tickets.opening import open_ticket
from tests.factories import make_customer


def _created() -> int:
    query = select(func.sum(ReportRollup.count)).where(
        ReportRollup.metric == "created", ReportRollup.grain == "all"
    )
    return int(db.session.scalar(query) or 0)


def test_while_a_rebuild_runs_the_job_waits_and_another_rebuild_is_refused(runner):
    customer = make_customer().user
    open_ticket(customer, subject="First", description="x", now=utcnow())
    rebuild_rollups()
    assert _created() == 1
    assert db.session.get(ReportWatermark, REBUILDING) is None  # a finished rebuild leaves no mark
    mark = ReportWatermark(name=REBUILDING, last_id=0, folded_at=utcnow())
    db.session.add(mark)
    db.session.commit()
    open_ticket(customer, subject="Second", description="x", now=utcnow())
    assert fold_new_history() == FoldSummary(0, 0)
    assert _created() == 1
    with pytest.raises(Conflict):
        rebuild_rollups()
    refused = runner.invoke(args=["reports", "rebuild"])
    assert refused.exit_code == 1
    assert "being rebuilt already" in refused.output
    forced = runner.invoke(args=["reports", "rebuild", "--force"])  # that rebuild was stopped
    assert forced.exit_code == 0, forced.output
    assert _created() == 2
    open_ticket(customer, subject="Third", description="x", now=utcnow())
    db.session.add(ReportWatermark(name=REBUILDING, last_id=0, folded_at=utcnow()))
    db.session.commit()
    mark = db.session.get_one(ReportWatermark, REBUILDING)
    mark.folded_at = utcnow() - timedelta(hours=3)  # its process died long ago
    db.session.commit()
    rebuild_rollups()
    assert _created() == 3
    assert db.session.get(ReportWatermark, REBUILDING) is None


def test_a_fold_builds_again_the_read_index_a_stopped_rebuild_left_dropped():
    from sqlalchemy import inspect

    from app.services.common.transaction import transaction
    from app.services.reports.rollup_write import drop_read_indexes

    open_ticket(make_customer().user, subject="First", description="x", now=utcnow())
    rebuild_rollups()
    with transaction():
        drop_read_indexes()
    names = lambda: {i["name"] for i in inspect(db.session.connection()).get_indexes("report_rollups")}  # noqa: E731
    assert "ix_report_rollups_metric_day" not in names()
    db.session.commit()
    fold_new_history()
    assert "ix_report_rollups_metric_day" in names()
