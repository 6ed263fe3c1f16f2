"""No import cycle between app's modules, imports inside functions included.

A cycle makes the import order matter and hides which module depends on which; a function-level
import only postpones the cycle to the first call. Imports under `if TYPE_CHECKING:` never run
(the models name each other that way for their typed relationships), so they are left out.
`make lint` checks the layering between packages; this checks every module against every other.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

import grimp

Graph = dict[str, set[str]]


def import_graph(package: str) -> Graph:
    """Every module of the package and the package's modules it imports, wherever the import is."""
    graph = grimp.build_graph(package, cache_dir=None, exclude_type_checking_imports=True)
    return {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}


def cycles(graph: Graph) -> list[frozenset[str]]:
    """The strongly connected sets of two or more modules (or of one that imports itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm; the graph is a few hundred modules
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            members = set()
            while not members or module not in members:
                members.add(stack.pop())
            if len(members) > 1 or module in graph[module]:
                found.append(frozenset(members))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def cycle_path(graph: Graph, members: Iterable[str]) -> list[str]:
    """One shortest way round the cycle, from its first module (by name) back to it."""
    inside = set(members)
    start = min(inside)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        for imported in sorted(graph[module] & inside):
            if imported == start:
                path = [module]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if imported not in came_from:
                came_from[imported] = module
                queue.append(imported)
    raise ValueError(f"{sorted(inside)} is not a cycle")


def _describe(graph: Graph, found: Iterable[frozenset[str]]) -> str:
    return "\n".join(" -> ".join(cycle_path(graph, members)) for members in found)


def test_app_has_no_import_cycle():
    graph = import_graph("app")
    found = cycles(graph)
    assert not found, f"Import cycles:\n{_describe(graph, found)}"


def test_a_cycle_through_a_function_level_import_is_found_and_a_type_only_one_is_not(tmp_path, monkeypatch):
    package = tmp_path / "loops"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from loops import b\n")
    (package / "b.py").write_text("from loops import c\n")
    (package / "c.py").write_text("def later():\n    from loops import a\n")
    type_only = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from loops import e\n"
    (package / "d.py").write_text(type_only)
    (package / "e.py").write_text("from loops import a, d\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = import_graph("loops")
    assert cycles(graph) == [frozenset({"loops.a", "loops.b", "loops.c"})]
    assert _describe(graph, cycles(graph)) == "loops.a -> loops.b -> loops.c -> loops.a"
