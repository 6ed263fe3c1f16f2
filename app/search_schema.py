"""The full-text indexes that migrations build by hand, outside the models.

SQLite: an FTS5 table with the source table as its content, kept in sync by triggers.
PostgreSQL: a generated, weighted `search_vector` column with a GIN index.

Migrations call the statement builders; Alembic's comparison (migrations/env.py) and the test
database reset (tests/conftest.py) read `HAND_MADE` so they know these structures exist.
A SQLite batch ALTER of a source table recreates the table and drops its triggers: such a
migration must run `sqlite_triggers` again afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

TOKENIZER = "porter unicode61 remove_diacritics 2"


@dataclass(frozen=True, slots=True)
class FullTextIndex:
    """One indexed table: its FTS5 tables on SQLite and its GIN index on PostgreSQL."""

    table: str
    fts_tables: tuple[str, ...]
    postgres_index: str


HAND_MADE = (
    FullTextIndex("kb_articles", ("kb_articles_fts", "kb_articles_fts_titles"), "ix_kb_articles_search"),
    FullTextIndex("tickets", ("tickets_fts",), "ix_tickets_search"),
    FullTextIndex("messages", ("messages_fts",), "ix_messages_search"),
)
SEARCH_VECTOR = "search_vector"


def is_hand_made(type_: str, name: str | None) -> bool:
    """Whether Alembic's comparison should leave this schema object alone."""
    if type_ == "table":
        # FTS5 keeps its data in shadow tables named after the index (tickets_fts_data, ...).
        return any((name or "").startswith(fts) for index in HAND_MADE for fts in index.fts_tables)
    if type_ == "column":
        return name == SEARCH_VECTOR
    if type_ == "index":
        return any(name == index.postgres_index for index in HAND_MADE)
    return False


def sqlite_fts_table(fts: str, table: str, columns: list[str]) -> str:
    return (
        f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(columns)}, "
        f"content='{table}', content_rowid='id', tokenize='{TOKENIZER}')"
    )


def sqlite_triggers(fts: str, table: str, columns: list[str]) -> list[str]:
    """Insert, delete and update triggers; the update one fires only when indexed text changes,
    so status changes and other updates of busy rows cost nothing extra."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    remove = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
    add = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); "
    return [
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add}END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove}END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {table} BEGIN {remove}{add}END",
    ]


# FTS5 merges a level's segments once this many have gathered there (its default is 4). Each
# opening adds a segment to the ticket index, and a merge rewrites every entry of the segments it
# joins: merging sixteen at a time rewrites an entry about half as many times over the index's
# life (log16 against log4 of its size), so a write costs fewer pages, at the price of a search
# reading up to fifteen segments a level instead of three.
MERGE_SEGMENTS = 16


def sqlite_merge_setting(fts: str, segments: int = MERGE_SEGMENTS) -> str:
    """The statement that makes `fts` merge `segments` segments at a time (kept in the index's
    own config table, so every connection follows it)."""
    return f"INSERT INTO {fts}({fts}, rank) VALUES ('automerge', {int(segments)})"


def sqlite_create(fts: str, table: str, columns: list[str]) -> list[str]:
    """Everything for one FTS5 index, rows that exist already included."""
    return [
        sqlite_fts_table(fts, table, columns),
        *sqlite_triggers(fts, table, columns),
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def sqlite_drop(fts: str) -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in ("insert", "delete", "update")),
        f"DROP TABLE IF EXISTS {fts}",
    ]


def postgres_create(table: str, weighted_columns: dict[str, str], index: str) -> list[str]:
    """A generated tsvector of the columns (weight letter per column) and its GIN index."""
    vector = " || ".join(
        f"setweight(to_tsvector('english', coalesce({column}, '')), '{weight}')"
        for column, weight in weighted_columns.items()
    )
    return [
        f"ALTER TABLE {table} ADD COLUMN {SEARCH_VECTOR} tsvector GENERATED ALWAYS AS ({vector}) STORED",
        f"CREATE INDEX {index} ON {table} USING gin ({SEARCH_VECTOR})",
    ]


def postgres_drop(table: str, index: str) -> list[str]:
    return [f"DROP INDEX IF EXISTS {index}", f"ALTER TABLE {table} DROP COLUMN IF EXISTS {SEARCH_VECTOR}"]
