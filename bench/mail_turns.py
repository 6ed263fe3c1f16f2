"""Where an inbound mail's CPU goes: inside the write turn, and before or after it.

    python -m bench.mail_turns [--inbound 1000] [--profile 40]

Runs `bench.mail`'s inbound half (half new requests, half answers, 4 SMTP sessions) against one
endpoint in this process, so the handler's thread CPU (time.thread_time) can be split at the
write turn: what runs inside `writer_turns.turn()` (the re-checks, the writes and the commit)
and what runs outside it (parsing, the loop checks, the sender, threading and file reads). On
SQLite the turns of all endpoint processes run one after another, so the CPU inside the turn
bounds the rate: 1000 / (ms inside) mails per second at best, however many cores. With
`--profile N`, the N costliest functions inside the turn by cumulative time (cProfile; wall
time, so read it on a quiet machine).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_migrate import upgrade

import bench.mail
from app.services.inbound_mail import endpoint, inbound
from bench.seed import MIGRATIONS, scratch_web_app


class _Split:
    def __init__(self, profile: bool) -> None:
        self.inside = self.total = 0.0
        self.mails = 0
        self.profiler = cProfile.Profile() if profile else None


def _install(split: _Split) -> None:
    real_turn, real_handler = inbound.turn, endpoint.InboundHandler.handle_DATA

    @contextmanager
    def timed_turn() -> Iterator[None]:
        started = time.thread_time()
        try:
            with real_turn():
                if split.profiler is not None:
                    split.profiler.enable()
                try:
                    yield
                finally:
                    if split.profiler is not None:
                        split.profiler.disable()
        finally:
            split.inside += time.thread_time() - started

    async def timed_handler(self: Any, server: Any, session: Any, envelope: Any) -> str:
        started = time.thread_time()
        try:
            return await real_handler(self, server, session, envelope)
        finally:
            split.total += time.thread_time() - started
            split.mails += 1

    inbound.turn = timed_turn  # type: ignore[assignment]
    endpoint.InboundHandler.handle_DATA = timed_handler  # type: ignore[method-assign]


class _InProcessEndpoint:
    """The endpoint in a thread of this process (aiosmtpd's controller), for bench.mail."""

    def __init__(self, app: Any, _processes: int) -> None:
        self.port = bench.mail._free_port()
        self.controller = endpoint.inbound_server(app, "127.0.0.1", self.port)
        self.controller.start()

    def cpu(self) -> float:
        return time.process_time()

    def stop(self) -> None:
        self.controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inbound", type=int, default=1000)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    split = _Split(bool(args.profile))
    _install(split)
    bench.mail._Endpoint = _InProcessEndpoint  # type: ignore[misc,assignment]
    with scratch_web_app(None, "mail-turns") as app:
        app.config["MAIL_SENDER_PER_HOUR"] = 1_000_000
        with app.app_context():
            upgrade(directory=MIGRATIONS)
        bench.mail.bench_inbound(app, args.inbound, 1, 4)
    if split.profiler is not None:
        pstats.Stats(split.profiler).sort_stats("cumulative").print_stats(args.profile)
    inside, total = split.inside * 1000 / split.mails, split.total * 1000 / split.mails
    print(
        f"mails: {split.mails}, handler CPU per mail: {total:.2f} ms, "
        f"inside the write turn: {inside:.2f} ms, outside it: {total - inside:.2f} ms, "
        f"bound of the turn: {1000 / inside:.0f} mails/s"
    )


if __name__ == "__main__":
    main()
