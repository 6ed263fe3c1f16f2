"""`flask mail serve --processes N`: several endpoint processes on one port, supervised.

Many mails from several SMTP sessions at once through two real endpoint processes on the test
database (SQLite or PostgreSQL): every mail lands exactly once, first mails of one new sender
make one customer, and each answer lands on its own ticket."""

from __future__ import annotations

import os
import signal
import smtplib
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from app.database import is_sqlite
from app.extensions import db
from app.models import Customer, InboundMail, Message, Ticket, User
from app.services.inbound_mail.processes import default_processes, listening_socket, serve_beside
from tests.mail_servers import free_port, on_a_free_port


class Endpoint:
    """`flask mail serve --processes N` in its own process, on the test database."""

    def __init__(self, app, processes: int) -> None:
        self.port, self.process, self.children = on_a_free_port(
            lambda port: (port, *serve_beside(app, "127.0.0.1", port, processes=processes))
        )

    def running_children(self) -> list[int]:
        pid = self.process.pid
        with open(f"/proc/{pid}/task/{pid}/children") as listing:
            return sorted(int(item) for item in listing.read().split())

    def stop(self) -> int | None:
        if self.process.is_alive():
            os.kill(self.process.pid, signal.SIGTERM)
        self.process.join(60)
        return self.process.exitcode

    def send(self, sessions: list[list[tuple[str, bytes]]]) -> None:
        """Each list of mails over its own SMTP session, all sessions at once."""

        def deliver(mails: list[tuple[str, bytes]]) -> None:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=120) as client:
                for sender, raw in mails:
                    client.sendmail(sender, ["support@tierdesk.localhost"], raw)

        with ThreadPoolExecutor(len(sessions)) as pool:
            for done in [pool.submit(deliver, mails) for mails in sessions]:
                done.result()


@pytest.fixture
def endpoint(app):
    running = Endpoint(app, processes=2)
    try:
        yield running
    finally:
        running.stop()


def mail(sender: str, subject: str, message_id: str, in_reply_to: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "support@tierdesk.localhost", subject
    message["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        message["In-Reply-To"] = message["References"] = f"<{in_reply_to}>"
    message.set_content(f"Text of {message_id}.")
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def landed() -> dict[str, int | None]:
    db.session.expire_all()
    rows = db.session.execute(
        select(InboundMail.message_id, InboundMail.ticket_id).where(InboundMail.status == "processed")
    )
    return {message_id: ticket_id for message_id, ticket_id in rows}


def test_two_processes_store_every_mail_of_parallel_sessions_exactly_once(app, endpoint):
    assert len(endpoint.children) == 2 and endpoint.running_children() == sorted(endpoint.children)
    # 24 new requests: 12 senders writing twice each, their two first mails in different sessions.
    senders = [f"writer{n}@parallel.test" for n in range(12)]
    requests = [
        (sender, mail(sender, f"Question {n}-{turn}", f"q{n}-{turn}@parallel.test"))
        for turn in (0, 1)
        for n, sender in enumerate(senders)
    ]
    endpoint.send([requests[start::6] for start in range(6)])

    first = landed()
    assert len(first) == 24 and len(set(first.values())) == 24  # 24 mails, 24 tickets
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 24
    users = Counter(db.session.scalars(select(User.email).where(User.email.like("%@parallel.test"))))
    customers = Counter(
        db.session.scalars(select(Customer.email).where(Customer.email.like("%@parallel.test")))
    )
    assert users == customers == Counter({sender: 1 for sender in senders})

    # Every request answered twice by its sender, and each answer once more (a re-delivery),
    # all at once from six sessions: the answers thread to their own tickets, the copies are
    # recognised.
    answers = [
        (
            senders[n],
            mail(
                senders[n],
                f"Re: Question {n}-{turn}",
                f"a{n}-{turn}-{k}@parallel.test",
                f"q{n}-{turn}@parallel.test",
            ),
        )
        for turn in (0, 1)
        for n in range(12)
        for k in (0, 1)
    ]
    endpoint.send([(answers + answers)[start::6] for start in range(6)])

    stored = landed()
    for n in range(12):
        for turn in (0, 1):
            ticket_id = stored[f"q{n}-{turn}@parallel.test"]
            assert (
                stored[f"a{n}-{turn}-0@parallel.test"] == stored[f"a{n}-{turn}-1@parallel.test"] == ticket_id
            )
    replies = db.session.execute(
        select(Message.ticket_id, func.count())
        .where(Message.author_kind == "customer")
        .group_by(Message.ticket_id)
    ).all()
    assert sorted(count for _, count in replies) == [2] * 24
    statuses = Counter(db.session.scalars(select(InboundMail.status)))
    assert statuses == Counter({"processed": 72, "ignored": 48})
    assert len(set(db.session.scalars(select(InboundMail.message_id)))) == 72


def test_a_process_that_dies_is_replaced_and_a_stop_signal_ends_them_all(app, endpoint):
    victim = endpoint.children[0]
    os.kill(victim, signal.SIGKILL)
    children = endpoint.running_children()
    for _ in range(600):  # the supervisor starts another after a short pause
        if len(children) == 2 and victim not in children:
            break
        time.sleep(0.05)
        children = endpoint.running_children()
    assert len(children) == 2 and victim not in children

    endpoint.send(
        [
            [("late@parallel.test", mail("late@parallel.test", f"After {n}", f"late{n}@parallel.test"))]
            for n in range(4)
        ]
    )
    assert len(landed()) == 4

    assert endpoint.stop() == 0
    for pid in children:
        assert not os.path.exists(f"/proc/{pid}") or _zombie_or_gone(pid)


def _zombie_or_gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_serve_refuses_a_taken_port_and_a_count_below_one_with_a_sentence(app, runner):
    with listening_socket("127.0.0.1", 0) as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(args=["mail", "serve", "--port", str(port), "--processes", "2"])
    assert result.exit_code == 1 and f"Cannot listen on 127.0.0.1:{port}" in result.output
    result = runner.invoke(args=["mail", "serve", "--processes", "0"])
    assert result.exit_code == 2 and "--processes" in result.output


def test_a_bad_process_count_in_the_configuration_is_a_sentence(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVE_PROCESSES", "many")
    result = runner.invoke(args=["mail", "serve", "--port", str(free_port())])
    assert result.exit_code == 1 and "MAIL_SERVE_PROCESSES must be a whole number" in result.output


def test_without_a_count_the_endpoint_runs_one_process_on_sqlite_and_one_per_cpu_otherwise(app):
    # On SQLite the processes take turns at the write lock, so a second one adds few mails a
    # second and makes every mail read its pages again: one process is the default there.
    with app.app_context():
        expected = 1 if is_sqlite(db.engine) else len(os.sched_getaffinity(0))
        assert default_processes(db.engine) == expected


def test_sessions_opened_at_once_are_spread_evenly_over_the_processes(app, endpoint):
    # A mail server opens its few sessions at once: each process serves its share of them,
    # and a session's mails are received by the process that accepted it.
    clients = []
    try:
        for _ in range(4):
            client = smtplib.SMTP("127.0.0.1", endpoint.port, timeout=60)
            client.noop()
            clients.append(client)
        served = _sessions_per_process(endpoint.port, endpoint.children)
        assert served == {pid: 2 for pid in endpoint.children}
        for n, client in enumerate(clients):
            client.sendmail(
                "spread@parallel.test",
                ["support@tierdesk.localhost"],
                mail("spread@parallel.test", f"Spread {n}", f"spread{n}@parallel.test"),
            )
    finally:
        for client in clients:
            client.quit()
    assert len(landed()) == 4
    # Closed sessions leave their process's count: the next four are spread again.
    assert _sessions_per_process(endpoint.port, endpoint.children, settled=0) == {
        pid: 0 for pid in endpoint.children
    }
    again = [smtplib.SMTP("127.0.0.1", endpoint.port, timeout=60) for _ in range(4)]
    try:
        for client in again:
            client.noop()
        assert _sessions_per_process(endpoint.port, endpoint.children) == {
            pid: 2 for pid in endpoint.children
        }
    finally:
        for client in again:
            client.quit()


def _sessions_per_process(port: int, pids: list[int], settled: int = 4) -> dict[int, int]:
    """The established connections on the endpoint's `port` held by each process in `pids`
    (read from /proc), once `settled` of them are open in all."""
    counts: dict[int, int] = {}
    for _ in range(200):
        inodes = _established_inodes(port)
        counts = {pid: len(_socket_inodes(pid) & inodes) for pid in pids}
        if sum(counts.values()) == settled:
            break
        time.sleep(0.02)
    return counts


def _established_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as listing:
            for line in listing.readlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                    inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for name in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{name}")
        except FileNotFoundError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes
