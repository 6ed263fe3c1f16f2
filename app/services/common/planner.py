"""Steering SQLite's planner where a query must not depend on gathered statistics."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class NotIndexed(ColumnElement[Any]):
    """A column whose condition must not choose the index (SQLite's unary `+`).

    Without statistics SQLite may read "breaching soon" through a (status, …) index and walk
    every active ticket instead of the few whose next check is near; with `+status` the status
    test is checked on the rows the time index finds. Other databases get the plain column."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(NotIndexed)
def _plain(element: NotIndexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(NotIndexed, "sqlite")
def _unary_plus(element: NotIndexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


class Rare(ColumnElement[bool]):
    """A condition few rows meet, said so to SQLite's planner (`likelihood(…, 0.001)`).

    Sampled statistics (ANALYZE with an analysis limit, as the app gathers them) know nothing of
    a time column's range, so SQLite guesses a quarter of the table is due "soon" and may scan
    the whole table rather than read the few rows through the time index. Told the condition is
    rare, it reads the index. The condition still serves the index as before. Other databases
    get the plain condition."""

    inherit_cache = True
    _traverse_internals = [("condition", InternalTraversal.dp_clauseelement)]
    _is_implicitly_boolean = True

    def __init__(self, condition: ColumnElement[bool]) -> None:
        self.condition = condition
        self.type = Boolean()


@compiles(Rare)
def _plain_condition(element: Rare, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.condition, **kw)


@compiles(Rare, "sqlite")
def _likelihood(element: Rare, compiler: SQLCompiler, **kw: Any) -> str:
    return f"likelihood({compiler.process(element.condition, **kw)}, 0.001)"
