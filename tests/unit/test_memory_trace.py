"""`WEB_MEMORY_TRACE`: a worker writes down what it holds after its first request and every N
requests, and `bench.memory_trace` reads those files back."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

from app.memory_trace import from_environment

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = """
from app.memory_trace import from_environment

trace = from_environment()
trace.start()
import colorsys  # a module a request imports

kept = []
for _ in range(7):
    kept.append([0] * 1000)  # what a request leaves behind
    trace.after_request()
"""


def test_nothing_is_traced_unless_asked(monkeypatch):
    monkeypatch.delenv("WEB_MEMORY_TRACE", raising=False)
    assert from_environment() is None


def test_the_first_request_and_every_nth_are_written_down(tmp_path):
    environment = {"WEB_MEMORY_TRACE": str(tmp_path), "WEB_MEMORY_TRACE_EVERY": "3"}
    subprocess.run([sys.executable, "-c", REQUESTS], env=environment, check=True, timeout=120, cwd=ROOT)
    summaries = sorted(tmp_path.glob("*.json"))
    assert [int(path.stem.split("-")[1]) for path in summaries] == [1, 3, 6]
    first, last = (json.loads(path.read_text()) for path in (summaries[0], summaries[-1]))
    assert last["smaps_rollup_kb"]["Rss"] > 0
    assert last["modules"] > 0 and last["objects_by_type"]["list"] > 0
    assert "colorsys" in last["modules_since_fork"] and "json" not in last["modules_since_fork"]
    assert last["traced_mb"] > first["traced_mb"]
    start, end = (
        tracemalloc.Snapshot.load(str(path.with_suffix(".snap"))) for path in (summaries[0], summaries[-1])
    )
    grown = end.compare_to(start, "lineno")
    assert grown[0].traceback[0].filename == "<string>"  # the lists the loop kept
