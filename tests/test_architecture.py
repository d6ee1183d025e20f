"""The shape of the code, checked on its imports (grimp) and its sizes; also run by `make lint`.

docs/architecture.md: dependencies run one way, `scheduler → feedback → notifications`; pages sit on
top of the domain packages; the packages directly under `feedback/` import each other without
cycles; modules stay small enough to read. Each failure names the import lines (or files) at fault.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("feedback", "notifications", "scheduler")
# Only these may import the pages: the pages themselves and the entry points that mount them.
WEB_IMPORTERS = ("feedback.web", "feedback.app", "feedback.cli", "feedback.asgi")
MAX_MODULE_LINES = 450


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _lines(importer: str, imported: str) -> list[str]:
    return [
        f"{d['importer']}:{d['line_number']}: {d['line_contents']}"
        for d in graph().get_import_details(importer=importer, imported=imported)
    ]


def _imports(importer_filter, imported_filter) -> list[str]:
    """Every import line whose importer and imported module pass the filters, sorted."""
    found = []
    for importer in graph().modules:
        if not importer_filter(importer):
            continue
        for imported in graph().find_modules_directly_imported_by(importer):
            if imported_filter(imported):
                found += _lines(importer, imported)
    return sorted(found)


def _report(title: str, lines: list[str]) -> str:
    return title + ":\n  " + "\n  ".join(lines)


def test_notifications_import_nothing_from_feedback() -> None:
    found = _imports(lambda m: _within(m, "notifications"), lambda m: _within(m, "feedback"))
    assert not found, _report("notifications must not import feedback", found)


def test_only_the_cli_imports_the_scheduler() -> None:
    found = _imports(
        lambda m: not _within(m, "scheduler") and m != "feedback.cli", lambda m: _within(m, "scheduler")
    )
    assert not found, _report("only feedback.cli may import scheduler", found)


def test_only_the_entry_points_import_the_pages() -> None:
    found = _imports(
        lambda m: _within(m, "feedback") and not any(_within(m, p) for p in WEB_IMPORTERS),
        lambda m: _within(m, "feedback.web"),
    )
    assert not found, _report(f"only {', '.join(WEB_IMPORTERS)} may import feedback.web", found)


def _part(module: str) -> str | None:
    """The package (or module) directly under feedback/ that `module` belongs to."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "feedback" and len(parts) > 1 else None


def _package_edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for importer in graph().modules:
        source = _part(importer)
        if source is None:
            continue
        for imported in graph().find_modules_directly_imported_by(importer):
            target = _part(imported)
            if target is not None and target != source:
                edges[(source, target)] += _lines(importer, imported)
    return edges


def _cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one package (Tarjan), each sorted."""
    following: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        following[source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(following[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(following):
        if node not in index:
            visit(node)
    return sorted(groups)


def test_no_cycles_between_the_packages_of_feedback() -> None:
    edges = _package_edges()
    problems = []
    for group in _cycles(edges):
        members = set(group)
        lines = [
            f"{source} -> {target}:\n      " + "\n      ".join(edges[(source, target)])
            for (source, target) in sorted(edges)
            if source in members and target in members
        ]
        problems.append(_report("cycle between " + ", ".join(group), lines))
    assert not problems, "\n".join(problems)


def test_the_cycle_finder_reports_a_cycle() -> None:
    edges = {("a", "b"): ["x"], ("b", "c"): ["y"], ("c", "a"): ["z"], ("c", "d"): ["w"]}
    assert _cycles(edges) == [["a", "b", "c"]]
    assert _cycles({("a", "b"): ["x"]}) == []


def test_modules_stay_small() -> None:
    too_long = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative.parts[:2] == ("feedback", "migrations"):
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_MODULE_LINES:
                too_long.append(f"{relative}: {lines} lines")
    assert not too_long, _report(f"modules over {MAX_MODULE_LINES} lines (split them by concept)", too_long)
