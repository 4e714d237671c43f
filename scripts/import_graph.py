"""Print which of the project's packages import which: one line per package, lower layers first.

    python scripts/import_graph.py          # the graph, then any cycles
    python scripts/import_graph.py --dot    # Graphviz

Every import counts, those inside functions too: a lazy import is still a dependency.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"tests", "benchmarks", "scripts", "data", "deploy", "build"}


def packages(root: Path) -> list[str]:
    return sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in SKIP
    )


def imported(path: Path) -> set[str]:
    """Top-level names of every module `path` imports (relative imports aside)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def graph(root: Path) -> dict[str, set[str]]:
    own = packages(root)
    edges: dict[str, set[str]] = defaultdict(set)
    for package in own:
        edges[package]  # a package importing none of the others is still listed
        for path in (root / package).rglob("*.py"):
            edges[package] |= (imported(path) & set(own)) - {package}
    return dict(edges)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dot", action="store_true", help="print Graphviz instead of text")
    args = parser.parse_args(argv)
    edges = graph(ROOT)
    if args.dot:
        print("digraph imports {")
        for a in sorted(edges):
            for b in sorted(edges[a]):
                print(f'  "{a}" -> "{b}";')
        print("}")
        return 0
    try:
        order, cycle = list(TopologicalSorter(edges).static_order()), None
    except CycleError as exc:
        order, cycle = sorted(edges), exc.args[1]
    for package in order:
        print(f"{package:12} -> {', '.join(sorted(edges[package])) or '(nothing)'}")
    if cycle:
        print("cycle: " + " -> ".join(reversed(cycle)))
    return 1 if cycle else 0


if __name__ == "__main__":
    sys.exit(main())
