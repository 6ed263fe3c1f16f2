"""webhooks: subscriptions to ticket events and the outbox of their signed deliveries

Revision ID: 91872a6109e3
Revises: c5a7d2e9f4b1
Create Date: 2026-12-01 11:55:32.679951

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '91872a6109e3'
down_revision = 'c5a7d2e9f4b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('webhook_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('secret', sa.String(length=80), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('failing_since', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused_reason', sa.String(length=300), nullable=True),
    sa.Column('deleted_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_webhook_subscriptions_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_subscriptions'))
    )
    op.create_table('webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=False),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sa.String(length=40), nullable=True),
    sa.Column('claimed_until', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_attempt_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_response_ms', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['subscription_id'], ['webhook_subscriptions.id'], name=op.f('fk_webhook_deliveries_subscription_id_webhook_subscriptions')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_webhook_deliveries_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries'))
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_pending', ['delivered_at', 'id'], unique=False)
        batch_op.create_index('ix_webhook_deliveries_subscription', ['subscription_id', 'id'], unique=False)

    # The processes' copies of the active webhooks are checked against this version row.
    setup_versions = sa.table('setup_versions', sa.column('name', sa.String), sa.column('version', sa.BigInteger))
    op.bulk_insert(setup_versions, [{'name': 'webhooks', 'version': 1}])



def downgrade():
    op.execute("DELETE FROM setup_versions WHERE name = 'webhooks'")
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_subscription')
        batch_op.drop_index('ix_webhook_deliveries_pending')

    op.drop_table('webhook_deliveries')
    op.drop_table('webhook_subscriptions')
