"""Every migration runs on a database in use: each step of the chain starts with at least one
row in every table, every reference between them filled in."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Time,
    func,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection

from app.extensions import db
from app.migration_commands import migrate_extension
from app.search_schema import is_hand_made
from tests.integration import test_migrations
from tests.integration.test_migrations import _flask

# The fresh database (and Alembic's output) of the other migration tests.
alembic_output = test_migrations.alembic_output
fresh_app = test_migrations.fresh_app

WHEN = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)


def _chain(app) -> list[str]:
    """The revisions from the first to the head, in the order an upgrade runs them."""
    config = migrate_extension().get_config()
    script = ScriptDirectory.from_config(config)
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def _value(table: Table, column) -> object:
    """A plain value of the column's type; an enumeration takes its first member as the models
    spell it today."""
    model_table = db.metadata.tables.get(table.name)
    if model_table is not None and column.name in model_table.c:
        model_type = model_table.c[column.name].type
        if isinstance(model_type, Enum) and model_type.enums:
            return model_type.enums[0]
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, DateTime):
        return WHEN
    if isinstance(kind, Date):
        return WHEN.date()
    if isinstance(kind, Time):
        return WHEN.time()
    if isinstance(kind, (Integer, Numeric, Float)):
        return 1
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, LargeBinary):
        return b"x"
    return "x"


def _first(connection: Connection, table: Table, column: str) -> object:
    return connection.execute(select(table.c[column]).limit(1)).scalar()


def _populate(connection: Connection) -> None:
    """One row in each empty table, parents before children; references to a table still empty
    at that moment (cycles) are filled in once every table has its row."""
    names = [name for name in inspect(connection).get_table_names() if not is_hand_made("table", name)]
    names = [name for name in names if name != "alembic_version"]
    metadata = MetaData()
    metadata.reflect(bind=connection, only=names)
    later: list[tuple[Table, str, Table, str]] = []
    for table in metadata.sorted_tables:
        if connection.execute(select(func.count()).select_from(table)).scalar():
            continue
        row: dict[str, object] = {}
        for column in table.columns:
            if column.name == "search_vector" or column.computed is not None:
                continue
            references = list(column.foreign_keys)
            if references:
                target = references[0].column
                value = _first(connection, target.table, target.name)
                if value is None:
                    if not column.nullable:
                        pytest.fail(f"{table.name}.{column.name} needs a row in {target.table.name} first")
                    later.append((table, column.name, target.table, target.name))
                row[column.name] = value
            else:
                row[column.name] = _value(table, column)
        connection.execute(table.insert().values(row))
    for table, column, target, target_column in later:
        connection.execute(update(table).values({column: _first(connection, target, target_column)}))


@pytest.fixture
def chain(fresh_app) -> list[str]:
    return _chain(fresh_app)


def test_every_migration_upgrades_a_database_full_of_rows(fresh_app, chain):
    for revision in chain:
        _flask(fresh_app, "upgrade", revision)
        with db.engine.begin() as connection:
            _populate(connection)
    assert "No new upgrade operations detected" in _flask(fresh_app, "check").output


def _foreign_keys_enforced(connection: Connection) -> bool:
    if connection.dialect.name != "sqlite":
        return True
    return connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_foreign_keys_are_enforced_again_after_an_upgrade(fresh_app, chain):
    _flask(fresh_app, "upgrade")
    with db.engine.connect() as connection:
        assert _foreign_keys_enforced(connection)


def test_a_migration_that_leaves_a_reference_to_a_missing_row_is_not_recorded(fresh_app, chain, caplog):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL enforces references inside every migration itself")
    _flask(fresh_app, "upgrade", chain[-2])
    with db.engine.connect() as connection:
        driver = connection.connection.driver_connection
        driver.execute("PRAGMA foreign_keys=OFF")
        driver.execute(
            "INSERT INTO customers (id, name, email, is_org_admin, created_at, organization_id)"
            " VALUES (7, 'c', 'c@x.test', 0, '2026-01-05 09:30:00', 99)"
        )
        driver.commit()
        driver.execute("PRAGMA foreign_keys=ON")
    result = fresh_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code != 0
    assert (
        f"Migration {chain[-1]} leaves 1 reference(s) to missing rows"
        " (first: customers row 7 points at organizations)." in caplog.text
    )
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == chain[-2]
        assert _foreign_keys_enforced(connection)
