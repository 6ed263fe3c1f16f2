"""escalation rules, tags, notifications, vendor reference, reason codes

Revision ID: e37bb1a80404
Revises: 8ecf4206e831
Create Date: 2026-11-22 19:40:28.070288

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = 'e37bb1a80404'
down_revision = '8ecf4206e831'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('escalation_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('trigger', sa.Enum('ticket_created', 'customer_replied', 'ticket_reopened', 'sla_warning', 'sla_breached', 'csat_received', name='trigger', native_enum=False, length=32), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('stop', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_rules')),
    sa.UniqueConstraint('name', name=op.f('uq_escalation_rules_name'))
    )
    with op.batch_alter_table('escalation_rules', schema=None) as batch_op:
        batch_op.create_index('ix_escalation_rules_trigger_order', ['trigger', 'enabled', 'position'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('recipient_kind', sa.String(length=32), nullable=False),
    sa.Column('recipient_user_id', sa.Integer(), nullable=True),
    sa.Column('recipient_email', sa.String(length=254), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('rule_name', sa.String(length=120), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recipient_user_id'], ['users.id'], name=op.f('fk_notifications_recipient_user_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_notifications_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_ticket', ['ticket_id', 'id'], unique=False)
        batch_op.create_index('ix_notifications_unsent', ['sent_at', 'id'], unique=False)

    op.create_table('ticket_tags',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=40), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_tags_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('ticket_id', 'tag', name=op.f('pk_ticket_tags'))
    )
    with op.batch_alter_table('ticket_tags', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_tags_tag', ['tag', 'ticket_id'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vendor_reference', sa.String(length=120), nullable=True))
        batch_op.create_index('ix_tickets_created', ['created_at', 'id'], unique=False)

    with op.batch_alter_table('tier_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.Enum('needs_expertise', 'customer_request', 'sla_risk', 'vendor_issue', 'duplicate_of_known_issue', 'wrong_tier', 'workaround_provided', 'fix_delivered', name='reasoncode', native_enum=False, length=40), nullable=True))




def downgrade():
    
    with op.batch_alter_table('tier_changes', schema=None) as batch_op:
        batch_op.drop_column('reason_code')

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_created')
        batch_op.drop_column('vendor_reference')

    with op.batch_alter_table('ticket_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_tags_tag')

    op.drop_table('ticket_tags')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_unsent')
        batch_op.drop_index('ix_notifications_ticket')

    op.drop_table('notifications')
    with op.batch_alter_table('escalation_rules', schema=None) as batch_op:
        batch_op.drop_index('ix_escalation_rules_trigger_order')

    op.drop_table('escalation_rules')

