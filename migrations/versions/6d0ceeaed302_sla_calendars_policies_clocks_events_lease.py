"""sla calendars policies clocks events lease

Revision ID: 6d0ceeaed302
Revises: e37bb1a80404
Create Date: 2026-11-22 20:05:22.185065

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '6d0ceeaed302'
down_revision = 'e37bb1a80404'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('business_calendars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('weekly_hours', sa.JSON(), nullable=False),
    sa.Column('holidays_country', sa.String(length=8), nullable=True),
    sa.Column('holidays_subdivision', sa.String(length=16), nullable=True),
    sa.Column('closed_dates', sa.JSON(), nullable=False),
    sa.Column('always_open', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_calendars')),
    sa.UniqueConstraint('name', name=op.f('uq_business_calendars_name'))
    )
    op.create_table('scheduler_leases',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('expires_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_leases'))
    )
    op.create_table('sla_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('account_tier', sa.Enum('strategic', 'named', 'field', 'inside', name='accounttier', native_enum=False, length=32), nullable=True),
    sa.Column('priority', sa.Enum('low', 'normal', 'high', 'urgent', name='priority', native_enum=False, length=16), nullable=True),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('first_response_minutes', sa.Integer(), nullable=False),
    sa.Column('next_response_minutes', sa.Integer(), nullable=False),
    sa.Column('resolution_minutes', sa.Integer(), nullable=False),
    sa.Column('dwell_minutes', sa.JSON(), nullable=False),
    sa.Column('warn_percent', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['business_calendars.id'], name=op.f('fk_sla_policies_calendar_id_business_calendars')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_policies')),
    sa.UniqueConstraint('account_tier', 'priority', 'is_default', name=op.f('uq_sla_policies_account_tier')),
    sa.UniqueConstraint('name', name=op.f('uq_sla_policies_name'))
    )
    op.create_table('sla_clocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Enum('first_response', 'next_response', 'resolution', 'tier_dwell', name='slatarget', native_enum=False, length=32), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('started_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('warn_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('satisfied_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('warned_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('breached_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_sla_clocks_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_clocks'))
    )
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.create_index('ix_sla_clocks_ticket_open', ['ticket_id', 'satisfied_at'], unique=False)

    op.create_table('sla_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('started_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_sla_pauses_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_pauses'))
    )
    with op.batch_alter_table('sla_pauses', schema=None) as batch_op:
        batch_op.create_index('ix_sla_pauses_ticket', ['ticket_id', 'started_at'], unique=False)

    op.create_table('sla_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('clock_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Enum('first_response', 'next_response', 'resolution', 'tier_dwell', name='slatarget', native_enum=False, length=32), nullable=False),
    sa.Column('kind', sa.Enum('warning', 'breach', name='slaeventkind', native_enum=False, length=16), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('due_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['clock_id'], ['sla_clocks.id'], name=op.f('fk_sla_events_clock_id_sla_clocks')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_sla_events_customer_id_customers')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_sla_events_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_events')),
    sa.UniqueConstraint('clock_id', 'kind', name=op.f('uq_sla_events_clock_id'))
    )
    with op.batch_alter_table('sla_events', schema=None) as batch_op:
        batch_op.create_index('ix_sla_events_breaches', ['kind', 'created_at', 'ticket_id'], unique=False)
        batch_op.create_index('ix_sla_events_ticket', ['ticket_id', 'created_at'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_before', app.models.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_policy_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sla_policy_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('sla_next_check_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sla_badge', sa.Enum('ok', 'warning', 'breached', name='slabadge', native_enum=False, length=16), nullable=True))
        batch_op.create_index('ix_tickets_sla_next_check', ['sla_next_check_at', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tickets_sla_policy_id_sla_policies'), 'sla_policies', ['sla_policy_id'], ['id'])




def downgrade():

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tickets_sla_policy_id_sla_policies'), type_='foreignkey')
        batch_op.drop_index('ix_tickets_sla_next_check')
        batch_op.drop_column('sla_badge')
        batch_op.drop_column('sla_next_check_at')
        batch_op.drop_column('sla_policy_reason')
        batch_op.drop_column('sla_policy_id')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('not_before')

    with op.batch_alter_table('sla_events', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_events_ticket')
        batch_op.drop_index('ix_sla_events_breaches')

    op.drop_table('sla_events')
    with op.batch_alter_table('sla_pauses', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_pauses_ticket')

    op.drop_table('sla_pauses')
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_clocks_ticket_open')

    op.drop_table('sla_clocks')
    op.drop_table('sla_policies')
    op.drop_table('scheduler_leases')
    op.drop_table('business_calendars')

