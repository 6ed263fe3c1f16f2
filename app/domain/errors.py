"""Errors the domain raises; services pass them on and views turn them into responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class DomainError(Exception):
    """A rule of the domain refused the request; the message is for people."""


class InvalidInput(DomainError):
    """The request is malformed or out of range (shown as a form error or a 400/422)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this (a 403)."""


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know it exists (a 404)."""


class Conflict(DomainError):
    """Someone else changed the thing first (a 409)."""


class Problems(InvalidInput):
    """Several refusals found together, each naming its field, so a form shows them all at once."""

    def __init__(self, problems: list[InvalidInput]) -> None:
        super().__init__("; ".join(str(p) for p in problems), field=problems[0].field if problems else None)
        self.problems = problems


def raise_all(problems: list[InvalidInput]) -> None:
    """Raise one refusal for all the problems found, if there are any."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise Problems(problems)


def attempt(problems: list[InvalidInput], check: Callable[[], T]) -> T | None:
    """Run one check; its refusal joins `problems` (None then) so the others still run."""
    try:
        return check()
    except InvalidInput as error:
        problems.append(error)
        return None
