"""The layout shows the layers: no import cycles, and each layer imports only from the
layers below it.  Every import counts, lazy ones inside functions included (a cycle
through a lazy import is still a cycle in the design); imports under ``if TYPE_CHECKING:``
do not (they never run)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sigv4"

#: The core: pure, sans-I/O, importing nothing from the layers above it.
CORE = {
    "sigv4.errors",
    "sigv4.settings",
    "sigv4.urls",
    "sigv4.canonical",
    "sigv4.keys",
    "sigv4.payload",
    "sigv4.checksums",
    "sigv4.credentials",
    "sigv4.signer",
    "sigv4.signed",
    "sigv4.amzdate",
    "sigv4.streaming",
    "sigv4.bulk",
    "sigv4.sigv4a",
    "sigv4._p256",
    "sigv4._hmac",
    "sigv4.verifier",
    "sigv4.verify_parse",
    "sigv4.verify_post",
    "sigv4.verify_chunked",
    "sigv4.verify_crc64",
}
#: What the core may import: itself and the package root (lazy names only).
CORE_MAY_IMPORT = CORE | {"sigv4"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        anchor = module.split(".") if is_package else module.split(".")[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join(anchor + ([node.module] if node.module else []))
    if not base.startswith("sigv4"):
        return []
    names = [f"{base}.{alias.name}" for alias in node.names]
    return [base, *names]


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.body:
                skip.update(id(n) for n in ast.walk(child))
    return skip


def import_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_nodes(tree)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                targets = _resolve(name, path.name == "__init__.py", node)
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names if alias.name.startswith("sigv4")]
            else:
                continue
            edges.update(t for t in targets if t in modules and t != name)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == "sigv4":  # the root's lazy __getattr__ imports on demand, never at import time
                continue
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    assert _cycles(import_graph()) == []


def test_the_core_imports_nothing_from_the_layers_above() -> None:
    graph = import_graph()
    assert set(graph) >= CORE, sorted(CORE - set(graph))
    outside = {module: sorted(graph[module] - CORE_MAY_IMPORT) for module in CORE}
    assert {m: deps for m, deps in outside.items() if deps} == {}


def test_the_graph_sees_lazy_imports() -> None:
    """(The test above could pass by seeing nothing: the signer's lazy import of
    streaming, inside sign_chunked, must be in the graph.)"""
    assert "sigv4.streaming" in import_graph()["sigv4.signer"]
