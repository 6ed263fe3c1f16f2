"""A table read through a named index on SQLite (`INDEXED BY`), as itself elsewhere.

For the few reads whose best index SQLite cannot see without statistics it may never have (a
partial index with no entries gets none), where walking another index would cost a step per
row the query does not want."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import TableClause


class IndexedTable(TableClause):
    """`table` under its own name, with its columns, read through `index` on SQLite."""

    inherit_cache = True

    def __init__(self, table: Table, index: str) -> None:
        super().__init__(table.name, *(column(c.name, c.type) for c in table.columns))
        self.index = index


@compiles(IndexedTable, "sqlite")
def _sqlite(element: IndexedTable, compiler: SQLCompiler, **kw: Any) -> str:
    text = compiler.visit_table(element, **kw)
    if kw.get("asfrom"):
        return f"{text} INDEXED BY {element.index}"
    return text
