"""Alembic environment, driven by Flask-Migrate with the app's engine and metadata."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from app.database import gather_statistics
from app.search_schema import is_hand_made

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def get_engine():
    return target_db.engine


config.set_main_option(
    "sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
)


def get_metadata():
    return target_db.metadata


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=get_metadata(), literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


def include_object(obj, name, type_, reflected, compare_to):
    """Search structures made by hand in the migrations are not in the models: leave them be."""
    return not is_hand_made(type_, name)


def _sqlite_keys_checked_per_step(connection):
    """SQLite refuses to drop a table other rows refer to while foreign keys are enforced, and a
    batch alter rebuilds a table by dropping it (on a database in use, tickets refer to teams,
    users, policies...). So, as SQLite's own procedure for changing a table says
    (https://sqlite.org/lang_altertable.html#otheralter), enforcement is off while migrations
    run, and each migration must leave every reference pointing at a row before it is recorded:
    `PRAGMA foreign_key_check` runs inside its transaction and a dangling reference fails it.
    Returns the callback for Alembic and a function that switches enforcement back on."""
    driver = connection.connection.driver_connection
    driver.execute("PRAGMA foreign_keys=OFF")  # outside any transaction, where the pragma works

    def check(ctx, step, heads, run_args):
        dangling = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if dangling:
            table, rowid, parent, _ = dangling[0]
            raise RuntimeError(
                f"Migration {step.up_revision_id} leaves {len(dangling)} reference(s) to missing rows"
                f" (first: {table} row {rowid} points at {parent})."
            )

    def restore():
        driver.execute("PRAGMA foreign_keys=ON")
        if driver.execute("PRAGMA foreign_keys").fetchone()[0] != 1:
            # Still inside a transaction, where the pragma does nothing: the pool must not hand
            # this connection out again.
            connection.invalidate()

    return check, restore


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives
    conf_args.setdefault("include_object", include_object)

    with get_engine().connect() as connection:
        restore = None
        if connection.dialect.name == "sqlite":
            check, restore = _sqlite_keys_checked_per_step(connection)
            conf_args = {**conf_args, "on_version_apply": check}
        try:
            context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
            with context.begin_transaction():
                context.run_migrations()
            # New tables and indexes get their statistics now, not after a slow first query.
            gather_statistics(connection)
        finally:
            if restore is not None:
                restore()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
