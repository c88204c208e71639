"""The sandbox keeps one import direction: routes → domain → storage.

Read from the source (``ast``), so lazy imports inside functions count too. A domain
module that needs a lookup, a validator or paging finds it below the routes
(``lookups``, ``checks``, ``paging``, ``run_options``, …), never in a ``routes_*`` module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import vvdesk

SANDBOX = Path(vvdesk.__file__).parent / "sandbox"
# The HTTP layer: handlers, request/response helpers and the app that assembles them.
HTTP_LAYER = {"app", "__main__", "web"}
# Storage and primitives: they know nothing of resources' rules.
STORAGE = {"db", "clock", "ids", "errors"}


def _is_route(name: str) -> bool:
    return name.startswith("routes_")


def sandbox_imports(path: Path) -> set[str]:
    """Sandbox modules imported (anywhere in the file) by the module at ``path``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("vvdesk.sandbox."):
                found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("vvdesk.sandbox."):
                    found.add(alias.name.split(".")[2])
    return found


def modules() -> dict[str, set[str]]:
    return {p.stem: sandbox_imports(p) for p in sorted(SANDBOX.glob("*.py"))}


def test_the_scan_sees_the_route_modules_the_app_mounts() -> None:
    graph = modules()
    assert any(_is_route(m) for m in graph["app"]), "the import scan found no routes_* in app"
    assert "lookups" in graph["routes_videos"]


def test_no_domain_or_storage_module_imports_the_http_layer() -> None:
    offenders = {
        name: sorted(m for m in deps if _is_route(m) or m in HTTP_LAYER)
        for name, deps in modules().items()
        if not _is_route(name) and name not in HTTP_LAYER
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_route_modules_do_not_import_each_other() -> None:
    offenders = {name: sorted(m for m in deps if _is_route(m))
                 for name, deps in modules().items() if _is_route(name)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_storage_modules_import_only_storage() -> None:
    graph = modules()
    offenders = {name: sorted(graph[name] - STORAGE) for name in STORAGE}
    assert {k: v for k, v in offenders.items() if v} == {}
