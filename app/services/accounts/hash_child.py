"""Password hashing in a short-lived child process.

scrypt needs its memory (8 MiB with the configured setting) only while it runs, but a web
worker that did it once keeps that much more as its peak resident size, and malloc may keep the
pages. Forked for the one call, the child does the hashing with the parent's memory shared, hands
back the result through a pipe and exits: the worker's own size never grows. A fork costs about a
millisecond next to the hash's 0.2 s.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from werkzeug.security import check_password_hash, generate_password_hash

CHILD_FAILED = 70  # the child's exit status when the hashing itself raised


class HashChildFailed(RuntimeError):
    """The child ended without a result (killed, or the hashing raised)."""


def run_in_child(work: Callable[[], str | bool]) -> str | bool:
    """`work()` in a forked child; its result (a str or bool) comes back as JSON."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: nothing of the parent's (connections, files) is touched or closed
        status = 0
        try:
            os.close(read_end)
            os.write(write_end, json.dumps(work()).encode())
        except BaseException:
            status = CHILD_FAILED
        finally:
            os._exit(status)
    os.close(write_end)
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        while chunk := pipe.read(65536):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not chunks:
        raise HashChildFailed(f"the password hash child ended with status {status}")
    result = json.loads(b"".join(chunks))
    if not isinstance(result, str | bool):
        raise HashChildFailed("the password hash child answered something else than a hash or a check")
    return result


def hash_in_child(password: str, method: str) -> str:
    result = run_in_child(lambda: generate_password_hash(password, method=method))
    if not isinstance(result, str):
        raise HashChildFailed("the password hash child answered a check instead of a hash")
    return result


def check_in_child(password_hash: str, password: str) -> bool:
    return run_in_child(lambda: check_password_hash(password_hash, password)) is True
