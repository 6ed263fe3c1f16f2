"""mail in and out

Revision ID: 7e5e71240fee
Revises: b8e3f1a6c925
Create Date: 2026-12-01 09:11:46.023235

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '7e5e71240fee'
down_revision = 'b8e3f1a6c925'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_mutes',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_mutes_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_mail_mutes'))
    )
    op.create_table('inbound_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('sender', sa.String(length=254), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('received_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_inbound_mails_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_mails'))
    )
    with op.batch_alter_table('inbound_mails', schema=None) as batch_op:
        batch_op.create_index('ix_inbound_mails_message_id', ['message_id'], unique=False)
        batch_op.create_index('ix_inbound_mails_sender', ['sender', 'received_at'], unique=False)
        batch_op.create_index('ix_inbound_mails_status', ['status', 'id'], unique=False)

    op.create_table('mail_ids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('ticket_message_id', sa.Integer(), nullable=True),
    sa.Column('outbound', sa.Boolean(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_mail_ids_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['ticket_message_id'], ['messages.id'], name=op.f('fk_mail_ids_ticket_message_id_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_ids')),
    sa.UniqueConstraint('message_id', name=op.f('uq_mail_ids_message_id'))
    )
    with op.batch_alter_table('mail_ids', schema=None) as batch_op:
        batch_op.create_index('ix_mail_ids_ticket', ['ticket_id', 'id'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), server_default='notice', nullable=False))
        batch_op.add_column(sa.Column('template', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('data', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('message_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('automatic', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failure', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('mail_message_id', sa.String(length=255), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_message_id_messages'), 'messages', ['message_id'], ['id'])



def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_message_id_messages'), type_='foreignkey')
        batch_op.drop_column('mail_message_id')
        batch_op.drop_column('failure')
        batch_op.drop_column('failed_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claim_token')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('automatic')
        batch_op.drop_column('message_id')
        batch_op.drop_column('data')
        batch_op.drop_column('template')
        batch_op.drop_column('kind')

    with op.batch_alter_table('mail_ids', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_ids_ticket')

    op.drop_table('mail_ids')
    with op.batch_alter_table('inbound_mails', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_mails_status')
        batch_op.drop_index('ix_inbound_mails_sender')
        batch_op.drop_index('ix_inbound_mails_message_id')

    op.drop_table('inbound_mails')
    op.drop_table('mail_mutes')
