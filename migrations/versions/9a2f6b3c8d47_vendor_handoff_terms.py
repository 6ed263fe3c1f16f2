"""vendor hand-off terms: vendor defaults on teams, the vendor holding a tier-4 ticket

Revision ID: 9a2f6b3c8d47
Revises: 5b7e2d9c4a21
Create Date: 2026-11-23 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '9a2f6b3c8d47'
down_revision = '5b7e2d9c4a21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vendor_target_hours', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('vendor_pauses_clock', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vendor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('vendor_due_at', app.models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('vendor_pauses_clock', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_tickets_vendor_id'), ['vendor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tickets_vendor_id_teams'), 'teams',
                                    ['vendor_id'], ['id'])

    # Tickets a vendor already held keep it: the external team they were handed to.
    op.execute(
        "UPDATE tickets SET vendor_id = team_id WHERE tier = 4 AND vendor_reference IS NOT NULL "
        "AND team_id IN (SELECT id FROM teams WHERE is_external)"
    )


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tickets_vendor_id_teams'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tickets_vendor_id'))
        batch_op.drop_column('vendor_pauses_clock')
        batch_op.drop_column('vendor_due_at')
        batch_op.drop_column('vendor_id')

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('vendor_pauses_clock')
        batch_op.drop_column('vendor_target_hours')
