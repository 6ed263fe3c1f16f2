"""A session names its user by id and session generation: raising the generation ends every
session and remember cookie issued before."""

from __future__ import annotations

from app.domain.ids import is_digits


def session_identity(user_id: int, generation: int) -> str:
    return f"{user_id}:{generation}"


def parse_session_identity(identity: str) -> tuple[int, int] | None:
    """(user id, generation) from a session's identity; None for anything else (an old-style
    cookie that carries the id alone included)."""
    user_id, colon, generation = identity.partition(":")
    if not colon or not is_digits(user_id) or not is_digits(generation):
        return None
    if len(user_id) > 10 or len(generation) > 10:
        return None
    return int(user_id), int(generation)
