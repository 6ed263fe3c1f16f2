"""What a web worker added along a run, from the files `WEB_MEMORY_TRACE=DIR` had it write
(app/memory_trace.py):

    WEB_MEMORY_TRACE=DIR python -m bench.create --tickets 10000 --requests 6000 --rounds 1
    python -m bench.memory_trace DIR [--top 25] [--frames 1]

For each worker, each written point against its first (after one request): RSS, anonymous and
private memory, the modules loaded and the live objects by type; the modules it imported since
the fork; then the source lines (or, with `--frames N`, the N innermost frames) whose traced
allocations grew most from the first point to the last.
"""

from __future__ import annotations

import argparse
import json
import tracemalloc
from collections import defaultdict
from pathlib import Path


def _points(directory: Path) -> dict[int, list[Path]]:
    by_pid: dict[int, list[Path]] = defaultdict(list)
    for summary in sorted(directory.glob("*.json")):
        by_pid[int(summary.stem.split("-")[0])].append(summary)
    return by_pid


def _mb(kb: int) -> str:
    return f"{kb / 1024:.1f}"


def report(directory: Path, top: int, frames: int) -> None:
    for pid, summaries in sorted(_points(directory).items()):
        first = json.loads(summaries[0].read_text())
        print(f"worker {pid}")
        for path in summaries:
            point = json.loads(path.read_text())
            rollup = point["smaps_rollup_kb"]
            grown = {
                name: count - first["objects_by_type"].get(name, 0)
                for name, count in point["objects_by_type"].items()
            }
            most = sorted(grown.items(), key=lambda item: -item[1])[:6]
            print(
                f"  after {point['requests']:>6} requests: RSS {_mb(rollup['Rss'])} MB,"
                f" anonymous {_mb(rollup['Anonymous'])}, private {_mb(rollup['Private_Dirty'])},"
                f" traced {point['traced_mb']:.2f} MB, SQLite {_mb(point['sqlite_memory_used_kb'])} MB,"
                f" malloc {point['malloc_kb']}, {point['modules']} modules,"
                f" {point['gc_objects']} tracked objects (+{point['gc_objects'] - first['gc_objects']}:"
                f" {', '.join(f'{name} {count:+d}' for name, count in most)})"
            )
        imported = point.get("modules_since_fork", [])
        print(f"  {len(imported)} modules imported since the fork: {' '.join(imported)}")
        start = tracemalloc.Snapshot.load(str(summaries[0].with_suffix(".snap")))
        end = tracemalloc.Snapshot.load(str(summaries[-1].with_suffix(".snap")))
        key = "traceback" if frames > 1 else "lineno"
        print(f"  grown most from {first['requests']} to {point['requests']} requests:")
        for stat in end.compare_to(start, key)[:top]:
            where = " <- ".join(
                f"{frame.filename.rsplit('site-packages/', 1)[-1]}:{frame.lineno}"
                for frame in list(stat.traceback)[:frames]
            )
            print(f"    {stat.size_diff / 1024:+9.1f} kB {stat.count_diff:+7d} blocks  {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--frames", type=int, default=1)
    args = parser.parse_args()
    report(args.directory, args.top, args.frames)


if __name__ == "__main__":
    main()
