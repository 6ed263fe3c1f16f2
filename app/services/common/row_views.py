"""Plain rows that code written against model objects can read and change.

The SLA sweep's batch path works on thousands of clocks at once; as plain rows they cost a
fraction of ORM objects to load, change and write, and the clock hooks cannot tell the
difference.
"""

from __future__ import annotations

from typing import Any


class RowView:
    """Attribute access to a row dict. Setting a field writes it into the dict (so a row
    collected for a bulk INSERT gets its last values) and remembers it (for a bulk UPDATE)."""

    __slots__ = ("_changed", "_row")

    def __init__(self, row: dict[str, Any]) -> None:
        object.__setattr__(self, "_row", row)
        object.__setattr__(self, "_changed", set())

    def __getattr__(self, name: str) -> Any:
        try:
            return self._row[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._row:
            raise AttributeError(name)
        self._row[name] = value
        self._changed.add(name)

    @property
    def changed(self) -> frozenset[str]:
        return frozenset(self._changed)
