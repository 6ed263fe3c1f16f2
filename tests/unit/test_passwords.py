"""New passwords: long enough, and not common or made of the person's own address or name."""

from __future__ import annotations

import pytest

from app.domain.passwords import MAX_LENGTH, MIN_LENGTH, password_problem

ANN = ("ann.smith@acme.test", "Ann Smith")


@pytest.mark.parametrize("password", ["correct-horse-battery", "tierdesk-demo", "s3cret-passphrase"])
def test_long_uncommon_passwords_are_fine(password):
    assert password_problem(password, known_words=ANN) is None


@pytest.mark.parametrize(
    ("password", "sentence"),
    [
        ("short", f"at least {MIN_LENGTH} characters"),
        ("x" * (MAX_LENGTH + 1), "too long"),
        ("password123", "very common password"),
        ("1234567890", "common password"),
        ("qwertyuiop", "common password"),
        ("ann.smith@acme.test", "not your email address or name"),
        ("ANN.SMITH@ACME.TEST", "not your email address or name"),
        ("a" * 150, "Choose a longer one"),
    ],
)
def test_guessable_passwords_are_refused_with_a_sentence(password, sentence):
    problem = password_problem(password, known_words=ANN)
    assert problem is not None and sentence in problem


def test_the_same_password_is_fine_for_someone_else():
    max_ = ("max@oberhauser.test", "Maximilian Oberhauser")
    assert password_problem("Maximilian Oberhauser", known_words=max_) is not None
    assert password_problem("Maximilian Oberhauser", known_words=ANN) is None
