"""Pure mail decisions: references in subjects, threading ids, loops, text reduction, backoff."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.mail_delivery import is_permanent, retry_delay, should_give_up
from app.domain.mail_headers import (
    automatic_reason,
    clean_subject,
    references_header,
    references_in,
    thread_ids,
    with_reference,
)
from app.domain.mail_text import cut_quoted, html_to_text

OWN = frozenset({"support@tierdesk.test"})


def test_the_reference_is_added_to_a_subject_once():
    assert with_reference("Printer down", "TD-1042") == "[TD-1042] Printer down"
    assert with_reference("Re: [TD-1042] Printer down", "TD-1042") == "Re: [TD-1042] Printer down"
    assert with_reference("Hello", None) == "Hello"


def test_references_are_found_in_subjects_and_cleaned_from_new_ones():
    assert references_in("Re: AW: [td-1042] x [TD-7]", "TD") == ["TD-1042", "TD-7"]
    assert references_in("TD-1042 without brackets", "TD") == []
    assert clean_subject("RE: Fwd: [TD-1042]  Printer   down", "TD") == "Printer down"


def test_thread_ids_put_in_reply_to_first_then_references_from_the_newest():
    ids = thread_ids("<c@x>", "<a@x> <b@x>\r\n <c@x>")
    assert ids == ["c@x", "b@x", "a@x"]
    assert references_header(["a"] + [str(n) for n in range(20)], keep=4) == "<a> <17> <18> <19>"


@pytest.mark.parametrize(
    ("headers", "content_type", "sender", "expected"),
    [
        ({"auto-submitted": "auto-replied"}, "text/plain", "a@x.test", "Auto-Submitted"),
        ({"auto-submitted": "no"}, "text/plain", "a@x.test", None),
        ({}, "multipart/report", "a@x.test", "bounce"),
        ({"precedence": "bulk"}, "text/plain", "a@x.test", "Precedence"),
        ({}, "text/plain", "MAILER-DAEMON@x.test", "mail system"),
        ({"return-path": "<>"}, "text/plain", "a@x.test", "mail system"),
        ({}, "text/plain", "Support <SUPPORT@tierdesk.test>", "own address"),
        ({"x-autoreply": "yes"}, "text/plain", "a@x.test", "auto-reply"),
        ({}, "text/plain", "a@x.test", None),
    ],
)
def test_machines_are_told_from_people(headers, content_type, sender, expected):
    reason = automatic_reason(headers, content_type, sender, OWN)
    assert reason is None if expected is None else expected in reason


def test_html_becomes_text_without_scripts_and_with_links():
    html = (
        "<style>x{}</style><h1>Hi</h1>"
        "<p>Go <a href='https://a.test'>here</a> &amp; now<script>bad()</script></p>"
    )
    assert html_to_text(html) == "Hi\n\nGo here (https://a.test) & now"
    assert "javascript" not in html_to_text("<a href='javascript:alert(1)'>x</a>")


@pytest.mark.parametrize(
    "text",
    [
        "Thanks!\n\n## Reply above this line ##\nold mail",
        "Thanks!\n\nOn Mon, 2 Mar 2026 at 10:00, Support <s@x> wrote:\n> old",
        "Thanks!\n\nOn Mon, 2 Mar 2026 at 10:00, Support\n<s@x> wrote:\n> old",
        "Thanks!\n\nAm 02.03.2026 um 10:00 schrieb Support:\n> alt",
        "Thanks!\n-- \nJane, Example Inc.",
        "Thanks!\n\n-----Original Message-----\nFrom: Support",
        "Thanks!\n\nFrom: Support <s@x>\nSent: Monday\nSubject: old",
        "Thanks!\n> quoted at the end\n>",
    ],
)
def test_quoted_history_and_signatures_are_cut(text):
    assert cut_quoted(text) == "Thanks!"


def test_a_mail_that_only_mentions_from_keeps_its_text():
    assert (
        cut_quoted("From: the logs I see an error.\nIt repeats.")
        == "From: the logs I see an error.\nIt repeats."
    )


def test_only_5xx_is_final_and_retries_back_off_to_six_hours():
    assert is_permanent(550) and not is_permanent(451) and not is_permanent(None)
    assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert retry_delay(30) == timedelta(hours=6)
    assert should_give_up(8, 8) and not should_give_up(7, 8)
