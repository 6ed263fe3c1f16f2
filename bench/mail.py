"""Mail throughput.

    python -m bench.mail [--inbound 1000] [--warmup 40] [--outbound 3000] [--database-url URL]
        [--processes N] [--connections 4] [--tickets N [--data-dir DIR]]

Inbound: mails sent over SMTP to the real inbound endpoint (`flask mail serve`), half of them
new requests from many senders, half answers to those requests (In-Reply-To the request's
Message-ID, its [TD-…] reference in the subject); timed from the first mail sent to the last one
accepted, every mail checked to have become a ticket or a reply. The endpoint runs as `flask
mail serve --processes N` runs it (N processes; without --processes as many as the command
starts: one on SQLite, one per CPU on PostgreSQL); the mails are sent from a child process over
--connections SMTP sessions at once, as a site's mail server would send them. First `--warmup` mails (half new
requests, half answers, from senders of their own) fill each process's caches, as the web
benches warm their workers, and are not counted. CPU is counted for the endpoint (the
sum over its processes) and for the endpoint and the client together; the endpoint's share is
also given for the new requests and for the answers apart. With `--tickets N` the desk holds N
tickets first, seeded as bench.create seeds them (its customers, SLA, rules and team; with
`--data-dir DIR` seeded once into DIR/create-<N>.db and copied from there later).

Outbound: an outbox of notices (ticket mail with threading headers, and account mail) delivered
by the delivery job, run as the scheduler runs it, to a local aiosmtpd sink that announces
PIPELINING as Postfix does; checked to arrive once each, in queue order. CPU is counted for the
job and for the sink.

The last line is JSON with both rates (goals: inbound ≥ 100 mails/s, outbound ≥ 300 messages/s
on two cores).
"""

from __future__ import annotations

import argparse
import errno
import json
import multiprocessing
import os
import signal
import smtplib
import socket
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import InboundMail, Message, Notification, Ticket
from bench.seed import MIGRATIONS, scratch_web_app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Sink:
    """Keeps the Message-ID of each mail it accepts, in the order they arrive. It announces
    PIPELINING, as Postfix and Exim do (aiosmtpd reads pipelined commands one by one)."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                self.ids.append(line.split(b":", 1)[1].strip().decode())
                break
        return "250 OK"


class _SinkThread:
    """The local relay: an aiosmtpd server in a thread of this process (on another free port
    when its first was taken meanwhile). stop() hands back the Message-IDs it accepted, in order.

    A thread, not a process of its own: on a loaded machine each SMTP round trip then waits for
    the relay's process to be scheduled again, and the rate measured the machine's run queue
    (80–160 messages/s at load 20–26 against 350 with the relay in a thread)."""

    def __init__(self) -> None:
        self._sink = _Sink()
        for attempt in range(1, 11):
            self.port = _free_port()
            self._controller = Controller(self._sink, hostname="127.0.0.1", port=self.port)
            try:
                self._controller.start()
                return
            except OSError as error:
                self._controller.loop.close()
                if error.errno != errno.EADDRINUSE or attempt == 10:
                    raise

    def stop(self) -> list[str]:
        self._controller.stop()
        return self._sink.ids


def customer_mail(
    sender: str, subject: str, body: str, message_id: str, in_reply_to: str | None = None
) -> bytes:
    """A mail as a customer's client sends it to the desk."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "support@tierdesk.localhost", subject
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = message["References"] = in_reply_to
    message.set_content(body)
    return message.as_bytes()


class _Endpoint:
    """`flask mail serve` started in its own process as a site starts it (the command's code
    path: one listening socket, `processes` endpoint processes), on this bench's app."""

    def __init__(self, app, processes: int) -> None:
        from app.services.inbound_mail.processes import serve_beside

        self.port = _free_port()
        self.process, children = serve_beside(app, "127.0.0.1", self.port, processes=processes)
        # The supervisor (itself when there is one process) and the processes receiving mail.
        self.pids = sorted({self.process.pid, *children})
        with smtplib.SMTP("127.0.0.1", self.port, timeout=120) as probe:
            probe.noop()

    def cpu(self) -> float:
        """CPU seconds the endpoint's processes have used so far, all of them together."""
        total = 0
        for pid in self.pids:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        os.kill(self.process.pid, signal.SIGTERM)
        self.process.join(60)


def _send_all(
    endpoint: _Endpoint, mails: list[tuple[str, bytes]], connections: int, server_cpu: list[float]
) -> tuple[float, float]:
    """Send prepared mails from a child process over `connections` SMTP sessions at once, as a
    site's mail server would: the seconds until the last was accepted, and the child's CPU
    seconds. The endpoint's CPU for each group of 100 mails is appended to `server_cpu`."""
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=True)
    child = multiprocessing.get_context("fork").Process(
        target=_client, args=(endpoint.port, mails, connections, sender)
    )
    mark = endpoint.cpu()
    child.start()
    while True:
        message = receiver.recv()
        if message[0] == "hundred":
            now = endpoint.cpu()
            server_cpu.append(now - mark)
            mark = now
        else:
            seconds, client_cpu = message[1], message[2]
            break
    child.join()
    return seconds, client_cpu


def _client(port: int, mails: list[tuple[str, bytes]], connections: int, report) -> None:
    pending = iter(enumerate(mails, 1))
    lock = threading.Lock()
    failures: list[BaseException] = []

    def deliver() -> None:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
                while True:
                    with lock:
                        n, (sender, raw) = next(pending, (0, ("", b"")))
                    if not n:
                        return
                    client.sendmail(sender, ["support@tierdesk.localhost"], raw)
                    if n % 100 == 0:
                        with lock:
                            report.send(("hundred",))
        except BaseException as error:
            failures.append(error)

    started, cpu = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=deliver) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    report.send(("done", time.perf_counter() - started, time.process_time() - cpu))


def _questions(senders: list[str], tag: str) -> list[tuple[str, bytes]]:
    return [
        (sender, customer_mail(sender, f"Question {tag}{n}", "It fails.", f"<{tag}q{n}@bench.test>"))
        for n, sender in enumerate(senders)
    ]


def _answers(app, senders: list[str], tag: str, count: int) -> list[tuple[str, bytes]]:
    """An answer to each of the first `count` questions, threaded on the ticket each opened."""
    with app.app_context():
        opened = db.session.execute(
            select(Ticket.reference, InboundMail.message_id)
            .join(InboundMail, InboundMail.ticket_id == Ticket.id)
            .order_by(Ticket.id)
        ).all()
    by_question = {message_id: reference for reference, message_id in opened}
    return [
        (
            senders[n],
            customer_mail(
                senders[n],
                f"Re: [{by_question[f'{tag}q{n}@bench.test']}] Question {tag}{n}",
                "Still failing.",
                f"<{tag}a{n}@bench.test>",
                f"<{tag}q{n}@bench.test>",
            ),
        )
        for n in range(count)
    ]


def bench_inbound(app, count: int, processes: int, connections: int, warmup: int = 0) -> dict[str, Any]:
    new = count // 2
    senders = [f"sender{n}@bench.test" for n in range(new)]
    warm_senders = [f"warmup{n}@bench.test" for n in range(warmup // 2)]
    with app.app_context():
        tickets_before = db.session.scalar(select(func.count(Ticket.id)))
        db.session.remove()
    endpoint = _Endpoint(app, processes)
    try:
        if warm_senders:  # not counted: each process's first mails fill its caches
            _send_all(endpoint, _questions(warm_senders, "w"), connections, [])
            warm_answers = _answers(app, warm_senders, "w", warmup - len(warm_senders))
            _send_all(endpoint, warm_answers, connections, [])
        cpu_started = endpoint.cpu()
        per_hundred: list[float] = []
        seconds, client_cpu = _send_all(endpoint, _questions(senders, ""), connections, per_hundred)
        new_cpu = endpoint.cpu() - cpu_started
        answers = _answers(app, senders, "", count - new)
        answer_seconds, answer_cpu = _send_all(endpoint, answers, connections, per_hundred)
        seconds, client_cpu = seconds + answer_seconds, client_cpu + answer_cpu
        cpu = endpoint.cpu() - cpu_started
    finally:
        endpoint.stop()
    with app.app_context():
        processed = db.session.scalar(select(func.count()).where(InboundMail.status == "processed"))
        tickets = db.session.scalar(select(func.count(Ticket.id)))
        replies = db.session.scalar(select(func.count(Message.id)).where(Message.author_kind == "customer"))
        landed = dict(db.session.execute(select(InboundMail.message_id, InboundMail.ticket_id)).all())
    # Each answer is a reply on its own question's ticket.
    misthreaded = sum(
        landed.get(f"a{n}@bench.test") != landed.get(f"q{n}@bench.test") for n in range(count - new)
    )
    assert processed == count + warmup, (
        f"only {processed} of {count + warmup} mails became tickets or replies"
    )
    assert (tickets - tickets_before, replies) == (
        new + len(warm_senders),
        count - new + warmup - len(warm_senders),
    )
    assert not misthreaded, f"{misthreaded} answers landed on the wrong ticket"
    return {
        "inbound_mails": count,
        "inbound_warmup_mails": warmup,
        "inbound_processes": processes,
        "inbound_connections": connections,
        "inbound_seconds": round(seconds, 2),
        "inbound_per_second": round(count / seconds, 1),
        # CPU of the endpoint and the sending client together: what the rate would be on one
        # idle core, whatever else the machine is doing.
        "inbound_cpu_ms_per_mail": round((cpu + client_cpu) * 1000 / count, 2),
        "inbound_per_cpu_second": round(count / (cpu + client_cpu), 1),
        # The endpoint's share: what the server itself spends per mail (the CPU of all its
        # processes; the client sends from its own).
        "inbound_server_cpu_ms_per_mail": round(cpu * 1000 / count, 2),
        "inbound_server_cpu_ms_per_new_request": round(new_cpu * 1000 / new, 2),
        "inbound_server_cpu_ms_per_answer": round((cpu - new_cpu) * 1000 / max(1, count - new), 2),
        # The same for each 100 mails in turn (new requests first, then the answers): flat
        # figures mean nothing grows with the mails and tickets stored during the run.
        "inbound_server_cpu_ms_per_mail_by_hundred": [round(item * 10, 2) for item in per_hundred],
    }


def bench_outbound(app, count: int) -> dict[str, float]:
    """The delivery job run as the scheduler runs it (`run_job_if_leader`: its lease, then the
    job inside `writing()`), to a relay in a thread; CPU is counted for the job (its thread) and
    for the relay (the rest of this process's CPU meanwhile)."""
    from app.jobs import JOBS, holder_name, run_job_if_leader

    job = next(item for item in JOBS if item.id == "mail-delivery")
    sink = _SinkThread()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
    now = datetime.now(UTC)
    try:
        with app.app_context():
            db.session.execute(Notification.__table__.delete())
            ticket_ids = list(db.session.scalars(select(Ticket.id).order_by(Ticket.id)))
            rows = [
                {
                    "ticket_id": ticket_ids[n % len(ticket_ids)] if ticket_ids and n % 2 else None,
                    "recipient_kind": "user",
                    "recipient_email": f"person{n % 500}@bench.test",
                    "subject": f"Notice {n}",
                    "body": "Something happened on your request.",
                    "kind": "notice",
                    "created_at": now,
                }
                for n in range(count)
            ]
            db.session.execute(insert(Notification.__table__), rows)
            db.session.commit()
            queued = list(db.session.scalars(select(Notification.id).order_by(Notification.id)))
        started, cpu_started, all_started = time.perf_counter(), time.thread_time(), time.process_time()
        counts = run_job_if_leader(app, job, holder_name())
        seconds, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
        sink_cpu = time.process_time() - all_started - cpu
    finally:
        ids = sink.stop()
    sent_ids = [int(item.strip("<>").split(".")[1]) for item in ids]
    assert isinstance(counts, dict), "another scheduler held the lease"
    assert counts["sent"] == count and len(sent_ids) == count, f"sent {counts['sent']} of {count}"
    assert sent_ids == queued, "the queue was not drained in order, or something was sent twice"
    return {
        "outbound_messages": count,
        "outbound_seconds": round(seconds, 2),
        "outbound_per_second": round(count / seconds, 1),
        # The delivery job's own CPU (its thread).
        "outbound_cpu_ms_per_message": round(cpu * 1000 / count, 3),
        # The relay's: aiosmtpd receiving each message in its thread (the sink's share).
        "outbound_sink_cpu_ms_per_message": round(sink_cpu * 1000 / count, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inbound", type=int, default=1000)
    parser.add_argument(
        "--warmup", type=int, default=40, help="mails sent first and not counted (half of them answers)"
    )
    parser.add_argument("--outbound", type=int, default=3000)
    parser.add_argument("--database-url")
    parser.add_argument(
        "--processes", type=int, default=None, help="endpoint processes (default: as `flask mail serve`)"
    )
    parser.add_argument("--connections", type=int, default=4, help="SMTP sessions sending at once")
    parser.add_argument("--tickets", type=int, default=0, help="tickets the desk holds first (SQLite)")
    parser.add_argument("--data-dir", help="with --tickets: seed once into this folder and reuse it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url
        if args.tickets:
            from bench.create import _seeded

            url = _seeded(args.tickets, scratch, args.data_dir, customers=2)
        result = _run(args, url)
    print(json.dumps(result))


def _run(args: argparse.Namespace, url: str | None) -> dict[str, Any]:
    from app.services.inbound_mail.processes import default_processes

    with scratch_web_app(url, "mail") as app:
        app.config["MAIL_SENDER_PER_HOUR"] = 1_000_000
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            processes = args.processes or default_processes(db.engine)
        result = bench_inbound(app, args.inbound, processes, args.connections, args.warmup)
        print(f"inbound: {result}", flush=True)
        if args.outbound:
            result |= bench_outbound(app, args.outbound)
    return result


if __name__ == "__main__":
    main()
