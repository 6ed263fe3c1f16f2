"""Ticket rules: text limits, references and status transitions."""

from __future__ import annotations

from app.domain.errors import InvalidInput
from app.domain.ids import is_digits, is_row_id
from app.domain.vocabulary import ACTIVE_STATUSES, Status

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20_000
REFERENCE_OFFSET = 1000

# Statuses an agent may set by hand. `new` is only ever the starting state.
AGENT_SETTABLE_STATUSES = (Status.open, Status.pending, Status.on_hold, Status.solved, Status.closed)

_ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.new: frozenset({Status.open, Status.pending, Status.on_hold, Status.solved}),
    Status.open: frozenset({Status.pending, Status.on_hold, Status.solved}),
    Status.pending: frozenset({Status.open, Status.on_hold, Status.solved}),
    Status.on_hold: frozenset({Status.open, Status.pending, Status.solved}),
    Status.solved: frozenset({Status.open, Status.closed}),
    Status.closed: frozenset(),
}


def format_reference(prefix: str, ticket_id: int) -> str:
    """The human reference of a ticket: TD-1042 for id 42."""
    return f"{prefix}-{ticket_id + REFERENCE_OFFSET}"


def parse_reference(text: str) -> int | None:
    """The id behind 'TD-1042' or '1042', or None when the text is no reference."""
    digits = text.strip().rsplit("-", 1)[-1]
    if not is_digits(digits):
        return None
    ticket_id = int(digits) - REFERENCE_OFFSET
    return ticket_id if is_row_id(ticket_id) else None


def clean_subject(subject: str | None) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise InvalidInput("Give the request a subject.", field="subject")
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise InvalidInput(
            f"The subject is too long (at most {SUBJECT_MAX_LENGTH} characters).", field="subject"
        )
    return subject


def clean_body(body: str | None, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput("The message is empty.", field=field)
    if len(body) > BODY_MAX_LENGTH:
        raise InvalidInput(f"The message is too long (at most {BODY_MAX_LENGTH} characters).", field=field)
    return body


def is_active(status: Status) -> bool:
    return status in ACTIVE_STATUSES


def check_status_change(current: Status, target: Status) -> None:
    """Raise unless an agent may move a ticket from `current` to `target`."""
    if target == current:
        raise InvalidInput(f"The ticket is already {target.value.replace('_', ' ')}.", "status")
    if target not in _ALLOWED_TRANSITIONS[current]:
        raise InvalidInput(
            f"A {current.value.replace('_', ' ')} ticket cannot become {target.value.replace('_', ' ')}.",
            field="status",
        )


def status_after_agent_reply(current: Status, requested: Status | None) -> Status:
    """An agent's public reply opens a new ticket unless the agent chose another status."""
    if requested is not None:
        return requested
    return Status.open if current == Status.new else current


def status_after_customer_reply(current: Status) -> tuple[Status, bool]:
    """The status after a customer writes, and whether that reopened a solved ticket."""
    if current == Status.closed:
        raise InvalidInput("This request is closed. Please open a new request instead.", field="body")
    if current == Status.solved:
        return Status.open, True
    if current in (Status.pending,):
        return Status.open, False
    return current, False
