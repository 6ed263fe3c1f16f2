"""`flask mail serve` in several processes, the way a site runs its delivery agents.

The parent binds the listening socket once and forks the endpoint processes, which all accept
on that socket: each one takes a connection when it is free, so mails arrive on all cores at
once. Each makes its own database connections after the fork. The parent only supervises: a
process that dies is started again, SIGTERM or SIGINT stops them all (each finishes the mail
it is storing first), and then the parent returns.

SQLite takes the writers one at a time (`BEGIN IMMEDIATE` with a busy timeout), PostgreSQL
locks rows: two processes storing mails at once never lose or double one (tested)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import socket
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import FrameType

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from flask import Flask
from sqlalchemy.engine import Engine

from app.database import is_sqlite
from app.extensions import db
from app.services.inbound_mail.endpoint import SMTP_SIZE_LIMIT, InboundHandler
from app.services.inbound_mail.sessions import BalancedAcceptor, SessionCounts
from app.services.inbound_mail.writer_turns import shared_turns, take_turns

log = logging.getLogger(__name__)
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# A process that dies sooner than this after its start is started again only after a pause,
# so a process that cannot start does not spin.
_QUICK_DEATH_SECONDS = 1.0


def default_processes(engine: Engine) -> int:
    """One endpoint process per CPU this process may run on; one on SQLite.

    SQLite stores one mail at a time and storing is most of a mail's work, so on SQLite a second
    process adds little that runs side by side, and it costs CPU: each process's page cache is
    emptied whenever the other commits (about 130 page misses per mail against one). At 100,000
    tickets on two cores one process took a quarter to a third less CPU per mail, for about a
    tenth fewer mails a second (figures in the README); the CPU goes to the web workers."""
    if is_sqlite(engine):
        return 1
    return len(os.sched_getaffinity(0)) or 1


def listening_socket(host: str, port: int) -> socket.socket:
    """The endpoint's socket, bound and listening (OSError when the address is taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=128)


def serve(
    app: Flask,
    sock: socket.socket,
    *,
    processes: int,
    lmtp: bool = False,
    started: Callable[[list[int]], None] | None = None,
) -> None:
    """Receive mail on `sock` until SIGTERM or SIGINT: in this process when `processes` is 1,
    else in that many supervised child processes. `started` is told the endpoint's process ids
    once they run."""
    if processes <= 1:
        if started is not None:
            started([os.getpid()])
        _endpoint(app, sock, lmtp)
        return
    _Supervisor(app, sock, processes, lmtp).run(started)


def serve_beside(app: Flask, host: str, port: int, *, processes: int) -> tuple[BaseProcess, list[int]]:
    """The endpoint as `flask mail serve --processes N` runs it, started in a forked process for
    a caller with work of its own (the mail benchmark, tests): that process and the ids of the
    endpoint processes, once they run. SIGTERM to that process stops them all."""
    sock = listening_socket(host, port)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_serve_reporting, args=(app, sock, processes, sender))
    process.start()
    sock.close()
    return process, receiver.recv()


def _serve_reporting(app: Flask, sock: socket.socket, processes: int, report: Connection) -> None:
    serve(app, sock, processes=processes, started=report.send)


class _Supervisor:
    def __init__(self, app: Flask, sock: socket.socket, processes: int, lmtp: bool) -> None:
        self.app, self.sock, self.processes, self.lmtp = app, sock, processes, lmtp
        self.children: dict[int, float] = {}  # pid: when it started
        self.slots: dict[int, int] = {}  # pid: its slot in the session counts
        self.sessions = SessionCounts(processes)
        self.turns: int | None = None
        self.stopping = False

    def run(self, started: Callable[[list[int]], None] | None) -> None:
        with self.app.app_context():
            # The children open their own connections; this process needs none (left open:
            # closing them here would close the caller's, whose sockets the fork shares).
            db.engine.dispose(close=False)
            if is_sqlite(db.engine):
                self.turns = shared_turns()
        gc.collect()
        gc.freeze()  # what the parent built is shared with the children, not copied on write
        previous = {number: signal.signal(number, self._stop) for number in _STOP_SIGNALS}
        try:
            for slot in range(self.processes):
                self._spawn(slot)
            if started is not None:
                started(sorted(self.children))
            self._supervise()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _stop(self, _number: int, _frame: FrameType | None) -> None:
        self.stopping = True
        for pid in self.children:
            _signal(pid, signal.SIGTERM)

    def _spawn(self, slot: int) -> None:
        # No stop signal between the fork and the child's own handlers, or while the parent
        # notes the child: it would be lost on one or the other.
        self.sessions.reset(slot)
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:
                _child(self.app, self.sock, self.lmtp, self.turns, (self.sessions, slot))
            self.children[pid] = time.monotonic()
            self.slots[pid] = slot
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)

    def _supervise(self) -> None:
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            began, slot = self.children.pop(pid, None), self.slots.pop(pid, 0)
            if began is None or self.stopping:
                continue
            log.warning("mail endpoint process %s stopped (%s); starting another", pid, _how(status))
            if time.monotonic() - began < _QUICK_DEATH_SECONDS:
                time.sleep(_QUICK_DEATH_SECONDS)
            if not self.stopping:
                self._spawn(slot)


def _child(
    app: Flask, sock: socket.socket, lmtp: bool, turns: int | None, share: tuple[SessionCounts, int]
) -> None:
    """The forked endpoint process: serves until stopped, then exits without returning to the
    parent's code."""
    code = 0
    try:
        for number in _STOP_SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        if turns is not None:
            take_turns(turns)
        _endpoint(app, sock, lmtp, share)
    except BaseException:
        log.exception("mail endpoint process %s failed", os.getpid())
        code = 1
    finally:
        logging.shutdown()
        os._exit(code)


def _endpoint(
    app: Flask, sock: socket.socket, lmtp: bool, share: tuple[SessionCounts, int] | None = None
) -> None:
    """One endpoint: aiosmtpd's SMTP (or LMTP) on `sock` in this process's event loop, until
    SIGTERM or SIGINT. A mail being stored is finished first (the handler runs to its end
    before the loop looks at the signal). One of several processes takes its `share` of the
    sessions (the counts and its slot in them)."""
    with app.app_context():
        # Connections made before a fork belong to the parent: this process opens its own.
        db.engine.dispose(close=False)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = InboundHandler(app)
    protocol = LMTP if lmtp else SMTP
    hostname = socket.getfqdn()

    def factory() -> SMTP:
        return protocol(
            handler,
            data_size_limit=SMTP_SIZE_LIMIT,
            decode_data=False,
            enable_SMTPUTF8=True,
            hostname=hostname,
            loop=loop,
        )

    try:
        if share is None:
            server = loop.run_until_complete(loop.create_server(factory, sock=sock))
            stop_accepting = server.close
        else:
            acceptor = BalancedAcceptor(loop, sock, factory, *share)
            acceptor.start()
            stop_accepting = acceptor.close
        for number in _STOP_SIGNALS:
            loop.add_signal_handler(number, loop.stop)
        loop.run_forever()
        stop_accepting()
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        for number in _STOP_SIGNALS:
            loop.remove_signal_handler(number)
        loop.close()
        asyncio.set_event_loop(None)


def _signal(pid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, number)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
