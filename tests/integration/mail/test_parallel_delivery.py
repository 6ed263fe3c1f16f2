"""Two schedulers delivering one outbox at once send every message exactly once."""

from __future__ import annotations

import threading

from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import Notification
from app.services.mail.delivery import claim_batch, deliver_outbox


def _queue(count: int, now) -> None:
    rows = [
        {
            "recipient_kind": "user",
            "recipient_email": f"person{n}@example.test",
            "subject": f"Notice {n}",
            "body": "x",
            "created_at": now,
            "kind": "notice",
        }
        for n in range(count)
    ]
    db.session.execute(insert(Notification.__table__), rows)
    db.session.commit()


def test_a_claimed_row_is_not_claimed_again(app, now):
    _queue(5, now)
    first = claim_batch(now, 3)
    second = claim_batch(now, 3)
    assert [n.subject for n in first] == ["Notice 0", "Notice 1", "Notice 2"]
    assert [n.subject for n in second] == ["Notice 3", "Notice 4"]
    assert claim_batch(now, 3) == []


def test_two_schedulers_in_parallel_send_each_message_once(app, smtp_sink, now):
    _queue(300, now)
    app.config["MAIL_BATCH_SIZE"] = 20
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def scheduler() -> None:
        try:
            with app.app_context():
                start.wait()
                deliver_outbox()
                db.session.remove()
        except BaseException as error:  # surfaced in the test below
            errors.append(error)

    try:
        threads = [threading.Thread(target=scheduler) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        app.config["MAIL_BATCH_SIZE"] = 200
    assert errors == []
    subjects = [m["Subject"] for m in smtp_sink.messages]
    assert len(subjects) == 300 and len(set(subjects)) == 300
    assert len({m["Message-ID"] for m in smtp_sink.messages}) == 300
    assert db.session.scalar(select(func.count()).where(Notification.sent_at.is_(None))) == 0
