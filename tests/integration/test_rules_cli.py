from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import TierChange
from app.models.types import utcnow
from app.services.rules.defaults import install_default_rules
from tests.factories import make_admin, make_ticket


def test_the_dry_run_command_prints_a_table_and_changes_nothing(runner):
    install_default_rules(make_admin())
    ticket = make_ticket(subject="Ransomware on our file server", created_at=utcnow())
    result = runner.invoke(args=["rules", "dry-run", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "Security words go to Expert, urgent" in result.output
    assert f"{ticket.reference}" in result.output and "tier 1 → 3" in result.output
    assert db.session.scalar(select(func.count()).select_from(TierChange)) == 0


def test_bad_options_exit_with_a_sentence(runner):
    result = runner.invoke(args=["rules", "dry-run", "--days", "0"])
    assert result.exit_code == 2
    assert "Days must be between 1 and 366." in result.output
    result = runner.invoke(args=["rules", "dry-run", "--trigger", "sometimes"])
    assert result.exit_code == 2
    assert "No trigger 'sometimes'" in result.output
