"""Keyset pagination over (created_at, id) or (risk score, id): stable pages however many rows
are stored."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from app.domain.errors import InvalidInput
from app.domain.ids import ROW_ID_MAX, is_row_id

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(created_at: datetime, row_id: int) -> str:
    raw = f"{created_at.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def encode_rank_cursor(score: int, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"rank|{score}|{row_id}".encode()).decode().rstrip("=")


def decode_rank_cursor(cursor: str) -> tuple[int, int]:
    """The (risk score, id) behind a risk-order cursor; anything else is a 400."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, score, row_id = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        if kind != "rank" or not is_row_id(int(row_id)) or abs(int(score)) > ROW_ID_MAX:
            raise ValueError(kind)
        return int(score), int(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("That page link is broken; start from the first page.", "after") from None


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The position behind a cursor; a tampered cursor is a 400, not a 500."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, row_id = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        when = datetime.fromisoformat(created)
        if when.tzinfo is None or not is_row_id(int(row_id)):
            raise ValueError("naive or out of range")
        return when, int(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("That page link is broken; start from the first page.", "after") from None
