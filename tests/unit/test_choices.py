from __future__ import annotations

import pytest

from app.domain.choices import parse_choice
from app.domain.errors import InvalidInput
from app.domain.vocabulary import Priority, Status


def test_a_value_gives_its_member():
    assert parse_choice(Priority, "urgent", "priority") is Priority.urgent


def test_a_member_is_accepted_as_itself():
    assert parse_choice(Status, Status.on_hold, "status") is Status.on_hold


def test_an_unknown_value_names_the_field_and_the_choices():
    with pytest.raises(InvalidInput) as refused:
        parse_choice(Priority, "soon", "priority")
    assert refused.value.field == "priority"
    assert str(refused.value) == "No priority 'soon'; choose one of low, normal, high, urgent."


def test_a_field_name_is_written_as_words_and_the_place_is_said():
    with pytest.raises(InvalidInput, match="No account status 'x' in a queue; choose one of new, open"):
        parse_choice(Status, "x", "account_status", allowed=(Status.new, Status.open), where="in a queue")


def test_a_member_outside_the_allowed_ones_is_refused():
    with pytest.raises(InvalidInput, match=r"No status 'solved'; choose one of new, open\."):
        parse_choice(Status, "solved", "status", allowed=(Status.new, Status.open))


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_input_is_none_when_optional(empty):
    assert parse_choice(Priority, empty, "priority", optional=True) is None


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_input_is_refused_when_required(empty):
    with pytest.raises(InvalidInput, match="No priority ''; choose one of"):
        parse_choice(Priority, empty, "priority")


def test_long_input_is_quoted_shortened():
    with pytest.raises(InvalidInput) as refused:
        parse_choice(Priority, "x" * 500, "priority")
    assert "x" * 40 + "'" in str(refused.value)
    assert "x" * 41 not in str(refused.value)


def test_a_value_of_another_type_is_refused_not_converted():
    with pytest.raises(InvalidInput, match="No priority '3'"):
        parse_choice(Priority, 3, "priority")
