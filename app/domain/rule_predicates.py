"""A rule condition compiled once into a test of a ticket's snapshot: the fact it reads and
how that fact is compared with the condition's value."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from app.domain.rule_fields import Operator, TicketSnapshot
from app.domain.safe_regex import search


def _reader(name: str) -> Callable[[TicketSnapshot], object]:
    if name == "text":
        return lambda snapshot: f"{snapshot.subject}\n{snapshot.description}"
    return attrgetter(name)


def _compare(operator: Operator, expected: object) -> Callable[[object], bool]:
    match operator:
        case Operator.eq:
            return lambda actual: actual == expected
        case Operator.ne:
            return lambda actual: actual != expected
        case Operator.in_:
            return lambda actual: actual in expected  # type: ignore[operator]
        case Operator.gte:
            return lambda actual: actual >= expected  # type: ignore[operator]
        case Operator.lte:
            return lambda actual: actual <= expected  # type: ignore[operator]
        case Operator.contains:
            needle = str(expected).casefold()
            return lambda actual: (
                expected in actual if isinstance(actual, frozenset) else needle in str(actual).casefold()
            )
        case Operator.matches:
            pattern = str(expected)
            return lambda actual: search(pattern, str(actual))
    raise ValueError(f"unknown operator {operator!r}")


def predicate(name: str, operator: Operator, expected: object) -> Callable[[TicketSnapshot], bool]:
    """An unknown fact (None) never satisfies a condition."""
    read = _reader(name)
    compare = _compare(operator, expected)

    def test(snapshot: TicketSnapshot) -> bool:
        actual = read(snapshot)
        return actual is not None and compare(actual)

    return test
