"""csat answers, organization timezone, breaches per customer

Revision ID: 92b422a2d92b
Revises: 6d0ceeaed302
Create Date: 2026-11-22 20:20:11.832183

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '92b422a2d92b'
down_revision = '6d0ceeaed302'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('csat_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating >= 1 AND rating <= 5', name=op.f('ck_csat_answers_rating_range')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_csat_answers_customer_id_customers')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_csat_answers_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_csat_answers')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_csat_answers_ticket_id'))
    )
    with op.batch_alter_table('csat_answers', schema=None) as batch_op:
        batch_op.create_index('ix_csat_answers_customer_created', ['customer_id', 'created_at'], unique=False)

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))

    with op.batch_alter_table('sla_events', schema=None) as batch_op:
        batch_op.create_index('ix_sla_events_customer', ['customer_id', 'kind', 'created_at'], unique=False)




def downgrade():

    with op.batch_alter_table('sla_events', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_events_customer')

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('timezone')

    with op.batch_alter_table('csat_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_csat_answers_customer_created')

    op.drop_table('csat_answers')

