"""What a web worker holds, written down along a run: `WEB_MEMORY_TRACE=DIR` (read by
gunicorn.conf.py) makes each worker trace its allocations from the fork on and, after its first
request and every `WEB_MEMORY_TRACE_EVERY` requests (1,000), write into DIR a tracemalloc
snapshot (`<pid>-<requests>.snap`) and a JSON summary (`<pid>-<requests>.json`: its
smaps_rollup, the modules loaded and which of them since the fork, the live objects by type).
`python -m bench.memory_trace DIR` compares them. Unset, nothing of this runs: the hook is not
even defined."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import os
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

FRAMES = 8


class MemoryTrace:
    def __init__(self, directory: str, every: int) -> None:
        self.directory = Path(directory)
        self.every = every
        self.requests = 0
        self.modules_at_fork: frozenset[str] = frozenset()

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.modules_at_fork = frozenset(sys.modules)
        tracemalloc.start(FRAMES)

    def after_request(self) -> None:
        self.requests += 1
        if self.requests == 1 or self.requests % self.every == 0:
            self.write()

    def write(self) -> None:
        stem = self.directory / f"{os.getpid()}-{self.requests:06d}"
        tracemalloc.take_snapshot().dump(f"{stem}.snap")
        by_type = Counter(type(o).__name__ for o in gc.get_objects())
        summary = {
            "pid": os.getpid(),
            "requests": self.requests,
            "modules": len(sys.modules),
            "modules_since_fork": sorted(set(sys.modules) - self.modules_at_fork),
            "gc_objects": sum(by_type.values()),
            "gc_counts": gc.get_count(),
            "frozen": gc.get_freeze_count(),
            "objects_by_type": dict(by_type.most_common(40)),
            "traced_mb": tracemalloc.get_traced_memory()[0] / 2**20,
            "smaps_rollup_kb": rollup(os.getpid()),
            "sqlite_memory_used_kb": sqlite_memory_used() // 1024,
            "malloc_kb": malloc_figures(),
        }
        Path(f"{stem}.json").write_text(json.dumps(summary, indent=1))


def rollup(pid: int) -> dict[str, int]:
    """/proc/<pid>/smaps_rollup's fields in kB."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        fields[name] = int(rest.split()[0])
    return fields


def sqlite_memory_used() -> int:
    """The bytes SQLite holds in this process (page caches, prepared statements, schema), or -1."""
    try:
        library = ctypes.CDLL("libsqlite3.so.0")
    except OSError:
        return -1
    library.sqlite3_memory_used.restype = ctypes.c_int64
    return int(library.sqlite3_memory_used())


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def malloc_figures() -> dict[str, int]:
    """glibc's heap in kB: from the system (arena), in large mappings (hblkhd), in use
    (uordblks), free inside the heap (fordblks); empty where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    mallinfo2 = getattr(ctypes.CDLL(name), "mallinfo2", None) if name else None
    if mallinfo2 is None:
        return {}
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return {field: getattr(info, field) // 1024 for field in ("arena", "hblkhd", "uordblks", "fordblks")}


def from_environment() -> MemoryTrace | None:
    directory = os.environ.get("WEB_MEMORY_TRACE")
    if not directory:
        return None
    return MemoryTrace(directory, int(os.environ.get("WEB_MEMORY_TRACE_EVERY", "1000")))
