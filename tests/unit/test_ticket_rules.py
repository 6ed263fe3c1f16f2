from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import tickets as rules
from app.domain.customer_words import STATE_HINTS, customer_state
from app.domain.errors import InvalidInput
from app.domain.vocabulary import Status


@given(st.integers(min_value=1, max_value=10**9))
def test_a_reference_parses_back_to_its_id(ticket_id):
    assert rules.parse_reference(rules.format_reference("TD", ticket_id)) == ticket_id


@pytest.mark.parametrize("text", ["", "TD-", "TD-abc", "TD-1000", "TD-12", "hello"])
def test_text_that_is_no_reference_parses_to_none(text):
    assert rules.parse_reference(text) is None


def test_subject_is_trimmed_and_whitespace_collapsed():
    assert rules.clean_subject("  Printer \n  on fire ") == "Printer on fire"


@pytest.mark.parametrize("subject", [None, "", "   \n\t"])
def test_an_empty_subject_is_refused_with_a_sentence(subject):
    with pytest.raises(InvalidInput, match="subject") as error:
        rules.clean_subject(subject)
    assert error.value.field == "subject"


def test_an_oversized_subject_is_refused():
    rules.clean_subject("x" * rules.SUBJECT_MAX_LENGTH)
    with pytest.raises(InvalidInput, match="too long"):
        rules.clean_subject("x" * (rules.SUBJECT_MAX_LENGTH + 1))


def test_an_oversized_body_is_refused_on_the_named_field():
    with pytest.raises(InvalidInput) as error:
        rules.clean_body("x" * (rules.BODY_MAX_LENGTH + 1), field="description")
    assert error.value.field == "description"


@given(st.sampled_from(list(Status)), st.sampled_from(list(Status)))
def test_status_changes_follow_the_transition_table(current, target):
    allowed = target != current and target in rules._ALLOWED_TRANSITIONS[current]
    if allowed:
        rules.check_status_change(current, target)
    else:
        with pytest.raises(InvalidInput):
            rules.check_status_change(current, target)


def test_a_closed_ticket_never_changes_status():
    for target in Status:
        with pytest.raises(InvalidInput):
            rules.check_status_change(Status.closed, target)


def test_an_agent_reply_opens_a_new_ticket_unless_a_status_was_chosen():
    assert rules.status_after_agent_reply(Status.new, None) is Status.open
    assert rules.status_after_agent_reply(Status.pending, None) is Status.pending
    assert rules.status_after_agent_reply(Status.new, Status.solved) is Status.solved


def test_a_customer_reply_reopens_a_solved_ticket_and_answers_a_pending_one():
    assert rules.status_after_customer_reply(Status.solved) == (Status.open, True)
    assert rules.status_after_customer_reply(Status.pending) == (Status.open, False)
    assert rules.status_after_customer_reply(Status.on_hold) == (Status.on_hold, False)
    with pytest.raises(InvalidInput, match="closed"):
        rules.status_after_customer_reply(Status.closed)


def test_every_status_and_tier_has_plain_words_for_customers():
    phrases = {customer_state(status, tier) for status in Status for tier in range(0, 5)}
    assert phrases <= set(STATE_HINTS)
    assert not any("tier" in p.lower() or "_" in p for p in phrases)
    assert customer_state(Status.open, 1) == "We're on it"
    assert customer_state(Status.open, 3) == "With our specialists"
    assert customer_state(Status.open, 4) == customer_state(Status.on_hold, 2) == "With a partner"
    assert customer_state(Status.pending, 3) == "Waiting for you"
