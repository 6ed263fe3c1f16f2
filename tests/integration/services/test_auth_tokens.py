"""Emailed tokens: hashed at rest, single-use, expiring, bound to one purpose."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import InvalidInput
from app.extensions import db
from app.models import Activity, AuthToken, Notification
from app.services.accounts.recovery import request_password_reset, reset_password, send_verification
from app.services.accounts.tokens import consume_token, issue_token
from app.services.common.transaction import transaction
from tests.factories import make_customer, make_user


def issue(user, purpose, now) -> str:
    with transaction():
        return issue_token(user, purpose, now)


def consume(raw, purpose, now):
    with transaction():
        return consume_token(raw, purpose, now)


def test_only_the_sha256_of_a_token_is_stored(now):
    user = make_user()
    raw = issue(user, "reset_password", now)
    row = db.session.scalars(select(AuthToken)).one()
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in (row.token_hash, row.purpose)
    assert len(raw) >= 40  # token_urlsafe(32) gives 43 characters
    assert (row.user_id, row.expires_at, row.used_at) == (user.id, now + timedelta(hours=1), None)


@pytest.mark.parametrize(
    ("purpose", "lifetime"),
    [
        ("reset_password", timedelta(hours=1)),
        ("verify_email", timedelta(hours=48)),
    ],
)
def test_a_token_works_until_its_lifetime_ends(now, purpose, lifetime):
    user = make_user()
    late = issue(user, purpose, now)
    with pytest.raises(InvalidInput, match="expired"):
        consume(late, purpose, now + lifetime)
    in_time = issue(user, purpose, now)
    assert consume(in_time, purpose, now + lifetime - timedelta(seconds=1)).id == user.id


def test_a_token_works_once_and_records_when(now):
    user = make_user()
    raw = issue(user, "verify_email", now)
    consume(raw, "verify_email", now + timedelta(minutes=3))
    assert db.session.scalars(select(AuthToken.used_at)).one() == now + timedelta(minutes=3)
    with pytest.raises(InvalidInput, match="already used"):
        consume(raw, "verify_email", now + timedelta(minutes=4))


def test_the_wrong_purpose_is_refused_without_spending_the_token(now):
    user = make_user()
    raw = issue(user, "verify_email", now)
    with pytest.raises(InvalidInput):
        consume(raw, "reset_password", now)
    assert consume(raw, "verify_email", now).id == user.id


@pytest.mark.parametrize("raw", ["", "not-a-token", "x" * 500])
def test_made_up_tokens_are_refused(now, raw):
    issue(make_user(), "reset_password", now)
    with pytest.raises(InvalidInput):
        consume(raw, "reset_password", now)


def test_a_new_reset_token_retires_only_the_older_unused_ones_of_that_user(now):
    user, other = make_user(), make_user()
    old_reset = issue(user, "reset_password", now)
    verify = issue(user, "verify_email", now)
    others = issue(other, "reset_password", now)
    new_reset = issue(user, "reset_password", now + timedelta(minutes=1))
    with pytest.raises(InvalidInput):
        consume(old_reset, "reset_password", now + timedelta(minutes=2))
    assert consume(new_reset, "reset_password", now + timedelta(minutes=2)).id == user.id
    assert consume(verify, "verify_email", now + timedelta(minutes=2)).id == user.id
    assert consume(others, "reset_password", now + timedelta(minutes=2)).id == other.id


def test_an_unknown_purpose_is_a_programming_error(now):
    with pytest.raises(ValueError):
        issue(make_user(), "login", now)


def test_a_deactivated_account_cannot_use_its_token_and_the_token_stays_unused(now):
    user = make_user()
    raw = issue(user, "reset_password", now)
    user.active = False
    db.session.commit()
    with pytest.raises(InvalidInput, match="can no longer sign in"):
        consume(raw, "reset_password", now)
    assert db.session.scalars(select(AuthToken.used_at)).one() is None


def test_the_reset_email_goes_to_the_outbox_with_the_link(now):
    user = make_user()
    links: list[str] = []
    request_password_reset(f"  {user.email.upper()} ", lambda raw: links.append(raw) or f"L/{raw}", now=now)
    mail = db.session.scalars(select(Notification)).one()
    assert (mail.ticket_id, mail.recipient_kind, mail.recipient_user_id, mail.recipient_email) == (
        None,
        "user",
        user.id,
        user.email,
    )
    assert f"L/{links[0]}" in mail.body and mail.created_at == now


@pytest.mark.parametrize("email", ["nobody@example.test", "not an address", ""])
def test_unknown_or_unusable_addresses_queue_nothing(now, email):
    make_user()
    request_password_reset(email, lambda raw: raw, now=now)
    assert db.session.scalars(select(Notification)).all() == []
    assert db.session.scalars(select(AuthToken)).all() == []


def test_a_deactivated_account_gets_no_reset_email(now):
    user = make_user(active=False)
    request_password_reset(user.email, lambda raw: raw, now=now)
    assert db.session.scalars(select(Notification)).all() == []


def test_reset_sets_the_password_clears_the_lockout_and_is_recorded(now):
    customer = make_customer()
    user = customer.user
    user.failed_logins, user.locked_until = 3, now + timedelta(minutes=10)
    db.session.commit()
    links: list[str] = []
    request_password_reset(user.email, links.append, now=now)
    reset_password(links[0], "a-fresh-password", now=now + timedelta(minutes=5))
    db.session.expire_all()
    assert (user.failed_logins, user.locked_until) == (0, None)
    event = db.session.scalars(select(Activity).where(Activity.kind == "password_reset")).one()
    assert (event.actor_id, event.customer_id, event.created_at) == (
        user.id,
        customer.id,
        now + timedelta(minutes=5),
    )


def test_a_too_short_password_keeps_the_token_usable(now):
    user = make_user()
    links: list[str] = []
    request_password_reset(user.email, links.append, now=now)
    with pytest.raises(InvalidInput) as error:
        reset_password(links[0], "short", now=now)
    assert error.value.field == "password"
    reset_password(links[0], "long-enough-now", now=now)


def test_verification_mail_carries_a_48_hour_token(now):
    user = make_user()
    links: list[str] = []
    send_verification(user, links.append, now=now)
    token = db.session.scalars(select(AuthToken)).one()
    assert (token.purpose, token.expires_at) == ("verify_email", now + timedelta(hours=48))
    assert db.session.scalars(select(Notification.recipient_user_id)).one() == user.id
