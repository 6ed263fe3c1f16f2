"""Regular expressions that rule authors may use: short, no backreferences, no nested repeats.

Patterns run on RE2, which matches in time linear in the text, so no ticket text can stall
rule evaluation. The shapes that explode in backtracking engines (`(a+)+`, `(a|aa)*`) and
backreferences are still refused at save time with a sentence, so a rule means the same thing
to its author as to the engine, and texts are cut to a bounded length.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Typeshed describes the parser under its public names (deprecated at run time since 3.11).
    import sre_constants
    import sre_parse
else:
    import re._constants as sre_constants
    import re._parser as sre_parse

import re2

MAX_PATTERN_LENGTH = 200
MAX_TEXT_LENGTH = 100_000

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
    except OverflowError:  # a repeat count such as {99999999999} is past what the parser can hold
        raise UnsafePattern("the pattern repeats something too many times") from None
    _walk(parsed, inside_repeat=False)
    try:
        re2.compile(pattern, _options())
    except re2.error as error:
        raise UnsafePattern(f"the pattern is not supported ({_reason(error)})") from None


def _walk(items: sre_parse.SubPattern, inside_repeat: bool) -> None:
    """Refuse repeats and alternations inside a repeat: the shapes that backtrack explosively."""
    arg: Any  # typeshed does not tie an argument's shape to its opcode
    for op, arg in items.data:
        if op in _BACKREFS:
            raise UnsafePattern("backreferences are not allowed")
        if op in _REPEATS:
            _low, high, body = arg
            repeats = high > 1
            if inside_repeat and repeats:
                raise UnsafePattern(
                    "a repeat inside a repeat, like (a+)+, can take exponential time; simplify the pattern"
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


def _options() -> re2.Options:
    """Case-insensitive (rule authors think in words), bounded memory, quiet on errors."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = 8 << 20
    return options


def _reason(error: re2.error) -> str:
    detail = error.args[0] if error.args else error
    return detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    """Compile a checked pattern for RE2 (whose pattern objects carry no type hints)."""
    check_pattern(pattern)
    return re2.compile(pattern, _options())


def search(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).search(text[:MAX_TEXT_LENGTH]) is not None
