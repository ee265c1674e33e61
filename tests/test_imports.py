"""The package's module graph has no import circles, and every module imports on its own in a fresh interpreter."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("redactor", "service")


def module_names() -> dict[str, Path]:
    """Every module of the shipped packages: dotted name -> file."""
    out: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if "migrations" in parts:   # Alembic loads these by path, not as package modules
                continue
            out[".".join(parts)] = path
    return out


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts) + 1)]


def _imported(tree: ast.AST, name: str, is_package: bool) -> set[str]:
    """Dotted names one module imports (at the top or inside functions)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    """module -> the package modules importing it runs (a package's __init__ runs before its modules)."""
    modules = module_names()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        own = set(_ancestors(name))
        edges = set()
        for target in _imported(tree, name, path.name == "__init__.py"):
            edges.update(a for a in _ancestors(target) if a in modules and a not in own)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_lazy_and_relative_imports() -> None:
    graph = import_graph()
    assert "redactor.emit.docx" in graph["redactor.emit"]            # imported inside a function
    assert "redactor.anonymise.anonymizer" in graph["redactor.emit.text"]
    assert "redactor.pipeline" in graph["redactor.commands.redact"]


def test_every_import_of_the_package_names_a_module() -> None:
    """An import of a moved or deleted module (even under TYPE_CHECKING, or inside a function) fails here."""
    modules = module_names()
    missing = []
    for name, path in modules.items():
        for target in _imported(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py"):
            if target.split(".")[0] in PACKAGES and target not in modules and target.rsplit(".", 1)[0] not in modules:
                missing.append(f"{name} imports {target}")
    assert missing == []


def test_no_import_circles() -> None:
    assert cycles(import_graph()) == []


def test_only_the_anonymise_adapter_imports_presidio_anonymizer() -> None:
    importers = [name for name, path in module_names().items()
                 if "presidio_anonymizer" in {t.split(".")[0] for t in
                                              _imported(ast.parse(path.read_text(encoding="utf-8")), name, False)}]
    assert importers == ["redactor.anonymise.anonymizer"]


@pytest.mark.slow
def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    """Each module imported first, in its own interpreter: an order-dependent circle would fail here."""
    failed = []
    for name in sorted(module_names()):
        r = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, cwd=ROOT,
                           timeout=300, check=False)
        if r.returncode:
            failed.append(f"{name}: {r.stderr.strip().splitlines()[-1]}")
    assert failed == []
