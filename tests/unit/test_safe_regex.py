from __future__ import annotations

import pytest

from app.domain.safe_regex import MAX_PATTERN_LENGTH, UnsafePattern, check_pattern, search


@pytest.mark.parametrize(
    "pattern", [r"refund", r"(?i)invoice\s+\d{4,8}", r"error [0-9]+", r"^urgent|asap$", r"a{1,3}b"]
)
def test_ordinary_patterns_are_accepted(pattern):
    check_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"(a+)+$", "repeat inside a repeat"),
        (r"(a|aa)*", "alternatives inside a repeat"),
        (r"(\w+)\s\1", "backreferences"),
        (r"(", "not a valid regular expression"),
        ("", "empty"),
        ("a" * (MAX_PATTERN_LENGTH + 1), "longer than"),
        ("a{99999999999}", "too many times"),
        ("a{5,99999999999}", "too many times"),
    ],
)
def test_dangerous_or_broken_patterns_are_refused_with_a_reason(pattern, why):
    with pytest.raises(UnsafePattern, match=why):
        check_pattern(pattern)


def test_matching_is_case_insensitive_and_linear_on_hostile_text():
    check_pattern(r".*.*x")
    assert search("(?:breach|leak)", "We had a data BREACH")
    # A backtracking engine needs minutes for this; RE2 answers at once.
    assert not search(r".*.*.*x", "a" * 50_000)


def test_patterns_re2_cannot_run_are_refused():
    with pytest.raises(UnsafePattern, match="not supported"):
        check_pattern(r"(?=lookahead)x")
