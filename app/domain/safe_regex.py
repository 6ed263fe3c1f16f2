"""Regular expressions that rule authors may use: short, no backreferences, no nested repeats.

Python's `re` backtracks, so a pattern like `(a+)+$` can take exponential time on a crafted
ticket text. Patterns are parsed at save time and refused when they put a repeat or an alternation
inside a repeat, or use a backreference; texts are also cut to a bounded length.
"""

from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parse
from functools import lru_cache

MAX_PATTERN_LENGTH = 200
MAX_TEXT_LENGTH = 25_000

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}
_BACKREFS = {sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS}


class UnsafePattern(ValueError):
    """The pattern is invalid or could run for too long."""


def check_pattern(pattern: str) -> None:
    """Raise UnsafePattern with a sentence unless the pattern is safe to run on any text."""
    if not pattern:
        raise UnsafePattern("the pattern is empty")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafePattern(f"the pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as error:
        raise UnsafePattern(f"the pattern is not a valid regular expression ({error})") from None
    _walk(parsed, inside_repeat=False)


def _walk(items, inside_repeat: bool) -> None:
    """Refuse repeats and alternations inside a repeat: the shapes that backtrack explosively."""
    for op, arg in items:
        if op in _BACKREFS:
            raise UnsafePattern("backreferences are not allowed")
        if op in _REPEATS:
            _low, high, body = arg
            repeats = high > 1
            if inside_repeat and repeats:
                raise UnsafePattern(
                    "a repeat inside a repeat, like (a+)+, can take exponential time; "
                    "simplify the pattern"
                )
            _walk(body, inside_repeat or repeats)
        elif op is sre_constants.BRANCH:
            if inside_repeat:
                raise UnsafePattern(
                    "alternatives inside a repeat, like (a|aa)*, can take exponential time; "
                    "simplify the pattern"
                )
            for branch in arg[1]:
                _walk(branch, inside_repeat)
        elif op is sre_constants.SUBPATTERN:
            _walk(arg[-1], inside_repeat)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            _walk(arg[1], inside_repeat)
        elif op is sre_constants.ATOMIC_GROUP:
            _walk(arg, inside_repeat)


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a checked pattern, case-insensitively (rule authors think in words)."""
    check_pattern(pattern)
    return re.compile(pattern, re.IGNORECASE)


def search(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).search(text[:MAX_TEXT_LENGTH]) is not None
