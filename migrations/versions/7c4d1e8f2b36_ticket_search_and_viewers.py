"""ticket search and who is viewing a ticket

Revision ID: 7c4d1e8f2b36
Revises: 3f1a0c2b7d10
Create Date: 2026-11-23 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types
from app.search_schema import (
    postgres_create,
    postgres_drop,
    sqlite_create,
    sqlite_drop,
)


# revision identifiers, used by Alembic.
revision = '7c4d1e8f2b36'
down_revision = '3f1a0c2b7d10'
branch_labels = None
depends_on = None

# Ticket subjects and first descriptions, and every message (replies and internal notes), are
# searchable: the same kind of index as the knowledge base (see app/search_schema.py).
_TICKET_COLUMNS = {'subject': 'A', 'description': 'B'}
_MESSAGE_COLUMNS = {'body': 'B'}


def upgrade():
    op.create_table('ticket_viewers',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_viewers_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ticket_viewers_user_id_users')),
    sa.PrimaryKeyConstraint('ticket_id', 'user_id', name=op.f('pk_ticket_viewers'))
    )
    if op.get_bind().dialect.name == 'sqlite':
        statements = (sqlite_create('tickets_fts', 'tickets', list(_TICKET_COLUMNS))
                      + sqlite_create('messages_fts', 'messages', list(_MESSAGE_COLUMNS)))
    else:
        statements = (postgres_create('tickets', _TICKET_COLUMNS, 'ix_tickets_search')
                      + postgres_create('messages', _MESSAGE_COLUMNS, 'ix_messages_search'))
    for statement in statements:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        statements = sqlite_drop('tickets_fts') + sqlite_drop('messages_fts')
    else:
        statements = (postgres_drop('tickets', 'ix_tickets_search')
                      + postgres_drop('messages', 'ix_messages_search'))
    for statement in statements:
        op.execute(statement)
    op.drop_table('ticket_viewers')
