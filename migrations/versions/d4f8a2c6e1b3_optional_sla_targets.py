"""optional SLA targets: a policy may leave first response, next response or resolution unmeasured

Revision ID: d4f8a2c6e1b3
Revises: e3b8c1d4f6a2
Create Date: 2026-12-01 12:20:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f8a2c6e1b3'
down_revision = 'e3b8c1d4f6a2'
branch_labels = None
depends_on = None

COLUMNS = ('first_response_minutes', 'next_response_minutes', 'resolution_minutes')
LONGEST = 366 * 24 * 60


def _sqlite_set_not_null(bind, not_null: bool) -> None:
    """SQLite cannot alter a column, and rebuilding sla_policies (what a batch alter does) is
    refused while tickets refer to it. Changing only a NOT NULL is the case SQLite documents as
    safe to make in the stored schema text (https://sqlite.org/lang_altertable.html, "otherwise
    simpler procedure"): no row changes, so nothing is rebuilt."""
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'sla_policies'"
    ).scalar()
    for column in COLUMNS:
        if not_null:
            sql = re.sub(rf"\b({column} INTEGER)(?! NOT NULL)", r"\1 NOT NULL", sql)
        else:
            sql = re.sub(rf"\b({column} INTEGER) NOT NULL", r"\1", sql)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'sla_policies'", (sql,)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        _sqlite_set_not_null(bind, False)
        return
    for column in COLUMNS:
        op.alter_column('sla_policies', column, existing_type=sa.Integer(), nullable=True)


def downgrade():
    # A target left out becomes the longest one allowed, which is as good as none.
    for column in COLUMNS:
        op.execute(f"UPDATE sla_policies SET {column} = {LONGEST} WHERE {column} IS NULL")
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        _sqlite_set_not_null(bind, True)
        return
    for column in COLUMNS:
        op.alter_column('sla_policies', column, existing_type=sa.Integer(), nullable=False)
