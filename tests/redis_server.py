"""A throwaway redis-server on a free 127.0.0.1 port, for the throttles shared by several workers."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from tests.ports import PortTaken, on_a_free_port, says_port_taken


@contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server in its own process group, yield its URL, stop it."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    with tempfile.TemporaryFile("w+") as log:
        process, port = on_a_free_port(lambda port: (_start(binary, port, log), port))
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)


def _start(binary: str, port: int, log: IO[str]) -> subprocess.Popen:
    """redis-server on `port`, answering; PortTaken when it could not bind it."""
    log.seek(0)
    log.truncate()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return process
        except OSError:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    log.seek(0)
    output = log.read()
    if says_port_taken(output):
        raise PortTaken(output)
    raise RuntimeError(f"redis-server did not start: {output}")
