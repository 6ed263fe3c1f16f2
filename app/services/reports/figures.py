"""What a report is made of: figures, each a chart and the table of its numbers, every number
with the drill-down parameters of the tickets behind it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.domain.charts import Chart


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    value: float | None = None
    # Query parameters of the drill-down (metric, key, tier …) on top of the report's filters.
    link: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]


@dataclass(frozen=True, slots=True)
class Figure:
    slug: str
    title: str
    table: Table
    chart: Chart | None = None
    note: str = ""
    # A long table beneath a chart starts folded: the chart is what is read first.
    fold: bool = False
    # Rows that are things (accounts) rather than days: on a phone each row is a card, its first
    # cell the card's title and every other cell named by its column.
    stacked: bool = False


@dataclass(frozen=True, slots=True)
class Tile:
    """A headline number above the figures, linked to the tickets behind it or to its figure."""

    label: str
    cell: Cell
    anchor: str = ""


@dataclass(slots=True)
class Report:
    slug: str
    title: str
    intro: str
    figures: list[Figure] = field(default_factory=list)
    tiles: list[Tile] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, endpoint) of related pages


def num(value: float | None, link: dict[str, str] | None = None, suffix: str = "") -> Cell:
    """A number cell: '–' when there is nothing to show."""
    if value is None:
        return Cell("–")
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return Cell(text + suffix, value, link if value else None)


def label(text: str) -> Cell:
    return Cell(text)


def drill(metric: str, **extra: object) -> dict[str, str]:
    values = {"metric": metric, **{k: str(v) for k, v in extra.items() if v is not None}}
    return values
