"""Partial indexes keep their condition on both databases; the models name it once, and only an
app made for PostgreSQL loads that dialect to give it to PostgreSQL (see models.partial_index)."""

from __future__ import annotations

from sqlalchemy.schema import CreateIndex

from app import create_app
from app.extensions import db
from config import TestConfig

# Building the app opens no connection: no server is needed at this address.
POSTGRESQL = "postgresql+psycopg://tierdesk@127.0.0.1:9/tierdesk"
PARTIAL = {
    "ix_tickets_vendor_id": "vendor_id IS NOT NULL",
    "ix_tickets_customer_escalated": "escalation_count > 0",
    "ix_tickets_without_policy": "sla_policy_id IS NULL",
    "ix_tickets_status_accounts": "organization_id IS NOT NULL",
    "ix_activities_reopens": "kind = 'ticket_reopened'",
    "ix_activities_kind_created": (
        "kind IN ('agent_replied', 'kb_deflected', 'ticket_reopened', 'ticket_solved', 'touchpoint')"
    ),
    "ix_sla_clocks_satisfied": "satisfied_at IS NOT NULL",
    "ix_report_rollups_agent": "grain = 'agent'",
}


def _created(app) -> dict[str, str]:
    with app.app_context():
        dialect = db.engine.dialect
        return {
            index.name: str(CreateIndex(index).compile(dialect=dialect)).strip()
            for table in db.metadata.tables.values()
            for index in table.indexes
            if index.name in PARTIAL
        }


def test_each_partial_index_keeps_its_condition_on_postgresql_and_sqlite(app):
    on_postgresql = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=POSTGRESQL)
    for created in (_created(on_postgresql), _created(app)):
        assert set(created) == set(PARTIAL)
        for name, where in PARTIAL.items():
            assert created[name].endswith(f"WHERE {where}"), created[name]
