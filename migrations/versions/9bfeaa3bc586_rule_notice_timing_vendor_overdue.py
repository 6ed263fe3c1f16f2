"""rule notice timing, vendor calendars, vendor overdue notices, breach ageing

Revision ID: 9bfeaa3bc586
Revises: 558ce44d72a7
Create Date: 2026-12-01 10:06:39.234925

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '9bfeaa3bc586'
down_revision = '558ce44d72a7'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rules keep sending at once, as they did.
    with op.batch_alter_table('escalation_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_timing', sa.Enum('immediately', 'business_hours', name='noticetiming', native_enum=False, length=32), server_default='immediately', nullable=False))
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vendor_calendar_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_teams_vendor_calendar_id_business_calendars'), 'business_calendars', ['vendor_calendar_id'], ['id'])
    # When a customer's oldest counted breach leaves the 90-day window; filled in by the next
    # risk refresh that ranks them (and by `rank_all_active`).
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('breaches_age_out_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_customers_breaches_age_out_at'), ['breaches_age_out_at'], unique=False)
    op.create_table('vendor_overdue_notices',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('due_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_vendor_overdue_notices_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('ticket_id', 'due_at', name=op.f('pk_vendor_overdue_notices'))
    )


def downgrade():
    op.drop_table('vendor_overdue_notices')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_breaches_age_out_at'))
        batch_op.drop_column('breaches_age_out_at')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_teams_vendor_calendar_id_business_calendars'), type_='foreignkey')
        batch_op.drop_column('vendor_calendar_id')
    with op.batch_alter_table('escalation_rules', schema=None) as batch_op:
        batch_op.drop_column('notice_timing')
