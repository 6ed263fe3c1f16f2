"""Reading a choice (a status, a priority, a role …) from a form, a URL or a command line."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Literal, TypeVar, overload

from app.domain.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)
SHOWN_INPUT = 40  # characters of the refused input quoted back


@overload
def parse_choice(
    enum_class: type[E],
    raw: object,
    field: str,
    *,
    optional: Literal[False] = False,
    allowed: Iterable[E] | None = None,
    where: str = "",
) -> E: ...


@overload
def parse_choice(
    enum_class: type[E],
    raw: object,
    field: str,
    *,
    optional: Literal[True],
    allowed: Iterable[E] | None = None,
    where: str = "",
) -> E | None: ...


def parse_choice(
    enum_class: type[E],
    raw: object,
    field: str,
    *,
    optional: bool = False,
    allowed: Iterable[E] | None = None,
    where: str = "",
) -> E | None:
    """The member of `enum_class` (limited to `allowed`) that `raw` names; with `optional`, empty
    input is None. Anything else is an InvalidInput on `field` that lists the choices; `where`
    says where the choice applies ("in a queue")."""
    members = list(enum_class if allowed is None else allowed)
    if optional and (raw is None or raw == ""):
        return None
    for member in members:
        if raw == member.value:
            return member
    shown = str(raw if raw is not None else "")[:SHOWN_INPUT]
    words = field.replace("_", " ")
    place = f" {where}" if where else ""
    choices = ", ".join(member.value for member in members)
    raise InvalidInput(f"No {words} '{shown}'{place}; choose one of {choices}.", field=field)
