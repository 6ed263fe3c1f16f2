"""Real mail servers for tests: an aiosmtpd sink that keeps what it receives (and can refuse
chosen recipients), and a private Dovecot IMAP server in a temp dir."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller

from tests.ports import free_port, on_a_free_port

__all__ = [
    "Dovecot",
    "Sink",
    "SmtpSink",
    "dovecot_available",
    "free_port",
    "on_a_free_port",
    "started",
    "started_inbound",
]


def started(controller: Controller) -> Controller:
    """An aiosmtpd controller started; one whose bind failed has its event loop closed."""
    try:
        controller.start()
    except OSError:
        controller.loop.close()
        raise
    return controller


def started_inbound(app, *, lmtp: bool = False) -> tuple[Controller, int]:
    """The real inbound endpoint (`inbound_server`) started on a free port: it and its port."""
    from app.services.inbound_mail.endpoint import inbound_server

    def start(port: int) -> tuple[Controller, int]:
        return started(inbound_server(app, "127.0.0.1", port, lmtp=lmtp)), port

    return on_a_free_port(start)


class Sink:
    """Keeps every message; a recipient starting with "bad" gets 550, "later" gets 451. With
    `pipelining` it announces PIPELINING (aiosmtpd reads pipelined commands one by one)."""

    def __init__(self, *, pipelining: bool = False) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.sessions = 0
        self.pipelining = pipelining

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        if self.pipelining:
            return [*responses[:-1], "250-PIPELINING", responses[-1]]
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bad"):
            return "550 5.1.1 No such user here"
        if address.startswith("later"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.content))
        self.raw.append(envelope.content)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class SmtpSink:
    """An aiosmtpd server on a free port; stop() in a finally."""

    def __init__(self, handler: Sink | None = None) -> None:
        self.handler = handler or Sink()
        self.port = 0
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    @property
    def raw(self) -> list[bytes]:
        return self.handler.raw

    def start(self) -> SmtpSink:
        self.controller = on_a_free_port(self._start_on)
        return self

    def _start_on(self, port: int) -> Controller:
        controller = started(Controller(self.handler, hostname="127.0.0.1", port=port))
        self.port = port
        return controller

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


DOVECOT_CONF = """
first_valid_uid = 1
base_dir = {dir}/run
state_dir = {dir}/run
log_path = {dir}/log/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
mail_location = maildir:{dir}/mail/%u
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
passdb {{
  driver = static
  args = password=secret
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/mail/%u
}}
"""


def dovecot_available() -> bool:
    return shutil.which("dovecot") is not None and os.geteuid() == 0


class Dovecot:
    """A private Dovecot IMAP server (every user's password is "secret"); stop() in a finally."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="dovecot.")
        self.port = free_port()

    def start(self) -> Dovecot:
        account = pwd.getpwnam("dovecot")
        for sub in ("run", "log", "mail"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        os.chmod(self.dir, 0o755)
        os.chown(os.path.join(self.dir, "mail"), account.pw_uid, account.pw_gid)
        config = os.path.join(self.dir, "dovecot.conf")
        with open(config, "w") as handle:
            handle.write(
                DOVECOT_CONF.format(dir=self.dir, port=self.port, uid=account.pw_uid, gid=account.pw_gid)
            )
        subprocess.run(["dovecot", "-c", config], check=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start")

    def url(self, user: str = "support") -> str:
        return f"imap://{user}:secret@127.0.0.1:{self.port}/INBOX"

    def stop(self) -> None:
        pid_file = os.path.join(self.dir, "run", "master.pid")
        # A server that never started, or already stopped, leaves nothing to stop.
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
            with open(pid_file) as handle:
                os.kill(int(handle.read().strip()), signal.SIGTERM)
            deadline = time.monotonic() + 5
            while os.path.exists(pid_file) and time.monotonic() < deadline:
                time.sleep(0.05)
        shutil.rmtree(self.dir, ignore_errors=True)
