"""report live indexes: accounts with open tickets and the agent grain's roll-ups are read from
an index alone

Revision ID: c3e8a5f1d9b4
Revises: b5d9e2f7a3c1
Create Date: 2026-12-01 18:05:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c3e8a5f1d9b4"
down_revision = "b5d9e2f7a3c1"
branch_labels = None
depends_on = None

AGENT_COLUMNS = ["metric", "grain", "day", "tier", "agent_id", "key", "count", "total"]
AGENT_GRAIN = sa.text("grain = 'agent'")
# Partial: a list filtered by status alone cannot pick it over its ordered index.
ACCOUNTS = sa.text("organization_id IS NOT NULL")


def upgrade():
    # Plain CREATE INDEX, not a batch rebuild: the tables keep their rows and other indexes.
    op.create_index(
        "ix_tickets_status_accounts",
        "tickets",
        ["status", "organization_id", "risk_health", "sla_badge"],
        unique=False,
        sqlite_where=ACCOUNTS,
        postgresql_where=ACCOUNTS,
    )
    op.create_index(
        "ix_report_rollups_agent",
        "report_rollups",
        AGENT_COLUMNS,
        unique=False,
        sqlite_where=AGENT_GRAIN,
        postgresql_where=AGENT_GRAIN,
    )
    _statistics_for_new_indexes()


def _statistics_for_new_indexes():
    """On SQLite with statistics already gathered, the new indexes get theirs now: an index
    without them looks cheaper than it is, and would take the API's status list from its
    creation-order index (sampled, as the app's own gathering does)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # PostgreSQL's autovacuum analyzes the table
    has_stats = bind.exec_driver_sql(
        "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'"
    ).scalar()
    if not has_stats:
        return
    for table in ("tickets", "report_rollups"):
        if bind.exec_driver_sql("SELECT count(*) FROM sqlite_stat1 WHERE tbl = ?", (table,)).scalar():
            bind.exec_driver_sql(f"ANALYZE {table}")


def downgrade():
    op.drop_index("ix_report_rollups_agent", table_name="report_rollups")
    op.drop_index("ix_tickets_status_accounts", table_name="tickets")
