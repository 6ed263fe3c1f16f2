"""customer open-ticket counter: customers.open_tickets kept by triggers on tickets, and a
partial index of each customer's escalated tickets, so a ticket's opening reads the customer's
figures in steps that do not grow with the tickets they have

Revision ID: d7e1f3a9b2c5
Revises: c4a7e2d9f1b6
Create Date: 2026-12-01 21:20:00.000000

"""

from alembic import op
import sqlalchemy as sa

from app.counter_schema import backfill, postgres_create, postgres_drop, sqlite_create, sqlite_drop


# revision identifiers, used by Alembic.
revision = "d7e1f3a9b2c5"
down_revision = "c4a7e2d9f1b6"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "customers", sa.Column("open_tickets", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )
    op.execute(backfill())
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in sqlite_create() if sqlite else postgres_create():
        op.execute(statement)
    op.create_index(
        "ix_tickets_customer_escalated",
        "tickets",
        ["customer_id", "escalation_count"],
        unique=False,
        sqlite_where=sa.text("escalation_count > 0"),
        postgresql_where=sa.text("escalation_count > 0"),
    )


def downgrade():
    op.drop_index(
        "ix_tickets_customer_escalated",
        table_name="tickets",
        sqlite_where=sa.text("escalation_count > 0"),
        postgresql_where=sa.text("escalation_count > 0"),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in sqlite_drop() if sqlite else postgres_drop():
        op.execute(statement)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("open_tickets")
