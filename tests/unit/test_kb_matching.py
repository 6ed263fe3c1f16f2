"""How sure an article is to answer a request, and what a customer must write."""

from __future__ import annotations

from app.domain.customer_words import description_problem
from app.domain.kb_matching import confidence, key_words, search_words

RESET = ("Reset your password", "password reset forgot sign-in login")


def test_stop_words_alone_give_no_confidence():
    assert confidence("Cannot export invoices", *RESET) == 0.0
    assert confidence("Can you help me with your thing?", *RESET) == 0.0


def test_the_share_of_the_articles_key_words_the_request_mentions():
    assert confidence("I forgot my password", *RESET) == 0.67
    assert confidence("Forgot password, cannot sign in", *RESET) == 1.0
    assert confidence("password", "Reset your password", "") == 0.5
    assert confidence("Exporting my invoice", "Export invoices to CSV", "") == 0.67


def test_words_are_stemmed_and_stop_words_dropped():
    assert key_words("Your invoices cannot be exported") == {"invoi", "expor"}
    assert search_words("Cannot export your invoices") == "export invoices"


def test_a_description_needs_three_words_and_fifteen_characters():
    assert description_problem("Broken")
    assert description_problem("It is bad")  # 3 words, 9 characters
    assert description_problem("Extraordinarily_broken_everything")  # 1 word, long
    assert description_problem("The export fails") is None
