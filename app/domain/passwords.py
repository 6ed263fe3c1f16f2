"""What a new password must be: long enough, and not one that is easy to guess.

Guessability is zxcvbn's estimate: it knows the common passwords, keyboard walks, dates and
l33t spellings, and is told the person's own address and name, so "ann@acme.test" or
"AnnSmith1990" are refused for Ann Smith."""

from __future__ import annotations

import re
from collections.abc import Iterable

MIN_LENGTH = 10
MAX_LENGTH = 200
# zxcvbn refuses longer input (its cost grows with length); the first 72 characters decide.
_CHECKED_LENGTH = 72
# 0-4: 2 is "somewhat guessable" (about 10^8 guesses), enough against online guessing.
MIN_SCORE = 2


def password_problem(password: str, *, known_words: Iterable[str] = ()) -> str | None:
    """A sentence saying why the password will not do, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters for the password."
    if len(password) > MAX_LENGTH:
        return "That password is too long."
    words = _personal_words(known_words)
    if password.casefold() in words:
        return "Choose a password that is not your email address or name."
    # Imported here: its word lists take about 12 MB, which only password changes need.
    from zxcvbn import zxcvbn

    estimate = zxcvbn(password[:_CHECKED_LENGTH], user_inputs=sorted(words))
    if estimate["score"] >= MIN_SCORE:
        return None
    warning = estimate["feedback"]["warning"] or "That password is easy to guess."
    return f"{warning.rstrip('.')}. Choose a longer one, for example a few unrelated words."


def _personal_words(known_words: Iterable[str]) -> set[str]:
    """The person's address and name, whole and in their parts ('ann', 'acme', 'smith')."""
    words: set[str] = set()
    for word in known_words:
        word = (word or "").strip().casefold()
        if word:
            words.add(word)
            words.update(part for part in re.split(r"[^\w]+", word) if len(part) >= 3)
    return words
