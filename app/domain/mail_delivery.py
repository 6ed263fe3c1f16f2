"""Pure delivery decisions: which SMTP answers are final, and how long to wait before a retry."""

from __future__ import annotations

from datetime import timedelta

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


def is_permanent(code: int | None) -> bool:
    """A 5xx SMTP reply is final (bad address, refused); 4xx and lost connections are worth retrying."""
    return code is not None and 500 <= code < 600


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the n-th failed attempt: 1, 2, 4 … minutes, at most six hours."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_WAIT)


def should_give_up(attempts: int, max_attempts: int) -> bool:
    """After this many temporary failures a message is marked failed for an admin to look at."""
    return attempts >= max_attempts
