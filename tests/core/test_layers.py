"""The layout shows the layers: no import cycles, and each layer imports only from the
layers below it.  Every import counts, lazy ones inside functions included (a cycle
through a lazy import is still a cycle in the design); imports under ``if TYPE_CHECKING:``
do not (they never run)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sigv4"

#: Each layer (a sub-package of sigv4) and the layers it may import.  The core is pure
#: and sans-I/O; verification runs the core in reverse; the public modules at the root
#: (the adapters, the middleware, ``sigv4.exceptions``, ``sigv4.sigv4a``, ``sigv4.testing``,
#: ``sigv4.session``) sit on top of every layer but the CLI, which may import anything.
LAYERS = {
    "core": {"core"},
    "verify": {"core", "verify"},
    "providers": {"core", "providers"},
    "s3": {"core", "providers", "s3"},
    "tokens": {"core", "providers", "tokens"},
    "adapters": {"core", "s3", "adapters"},
    # How sigv4.testing launches each local S3 server: the standard library only.
    "servers": {"servers"},
    "root": {"core", "verify", "providers", "s3", "tokens", "adapters", "servers", "root"},
}
#: The package root holds the public API and nothing else: the lazy names of
#: ``sigv4/__init__.py``, ``python -m sigv4``, and the modules users import by path.
ROOT_MODULES = {
    "sigv4",
    "sigv4.__main__",
    "sigv4.session",
    "sigv4.exceptions",
    "sigv4.sigv4a",
    "sigv4.testing",
    "sigv4.requests",
    "sigv4.httpx",
    "sigv4.urllib",
    "sigv4.aiohttp",
    "sigv4.wsgi",
    "sigv4.asgi",
}


def layer(module: str) -> str:
    if module == "sigv4.__main__":  # ``python -m sigv4`` is the CLI's entry point
        return "cli"
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()) else "root"


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


def test_each_layer_imports_only_the_layers_below_it() -> None:
    graph = import_graph()
    assert {layer(m) for m in graph} == {*LAYERS, "cli"}
    wrong = {
        module: sorted(dep for dep in deps if dep != "sigv4" and layer(dep) not in LAYERS[layer(module)])
        for module, deps in graph.items()
        if layer(module) in LAYERS
    }
    assert {m: deps for m, deps in wrong.items() if deps} == {}


def test_the_root_holds_the_public_api_only() -> None:
    assert {_module_name(path) for path in PACKAGE.glob("*.py")} == ROOT_MODULES


def test_every_root_module_is_documented() -> None:
    """Each module at the root is one README tells users to import (or the entry points)."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    exempt = {"sigv4", "sigv4.__main__", "sigv4.session"}
    undocumented = {m for m in ROOT_MODULES - exempt if m not in readme and f"from sigv4 import {m[6:]}" not in readme}
    assert undocumented == set()


def test_the_graph_sees_lazy_imports() -> None:
    """(The test above could pass by seeing nothing: the signer's lazy import of
    streaming, inside sign_chunked, must be in the graph.)"""
    assert "sigv4.core.streaming" in import_graph()["sigv4.core.signer"]


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_reaches(module: str, is_package: bool, source: str, modules: set[str]) -> list[str]:
    """Where ``module`` uses another sigv4 module's private (``_name``) attribute: ``from x import _y``
    or ``x._y`` on a name bound to a sigv4 module (its own names, dunders and ``__future__`` are
    fine).  A private *module* is its package's business: the modules of that package may import it."""
    tree = ast.parse(source)
    bound: dict[str, str] = {}  # local name -> the sigv4 module it is bound to
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sigv4") and alias.name in modules:
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        bound[alias.name.partition(".")[0]] = "sigv4"
        elif isinstance(node, ast.ImportFrom):
            targets = _resolve(module, is_package, node)
            if not targets:
                continue
            base = targets[0]
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in modules:
                    bound[alias.asname or alias.name] = sub
                    if _is_private(alias.name) and not module.startswith(base + "."):
                        found.append(f"line {node.lineno}: from {base} import {alias.name}")
                elif _is_private(alias.name) and base != module:
                    found.append(f"line {node.lineno}: from {base} import {alias.name}")

    def target(expr: ast.expr) -> str | None:
        if isinstance(expr, ast.Name):
            return bound.get(expr.id)
        if isinstance(expr, ast.Attribute):
            outer = target(expr.value)
            if outer is not None and f"{outer}.{expr.attr}" in modules:
                return f"{outer}.{expr.attr}"
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            owner = target(node.value)
            if owner is not None and owner != module and f"{owner}.{node.attr}" not in modules:
                found.append(f"line {node.lineno}: {owner}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names() -> None:
    """The design rule: no module reaches into another module's private (``_name``) attributes.
    Imports under ``if TYPE_CHECKING:`` count too (a type-only import still depends on them)."""
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    wrong = {
        name: hits
        for name, path in paths.items()
        if (hits := private_reaches(name, path.name == "__init__.py", path.read_text(encoding="utf-8"), modules))
    }
    assert wrong == {}


def test_the_private_name_check_sees_each_kind_of_reach() -> None:
    """(The test above could pass by seeing nothing.)"""
    modules = {"sigv4", "sigv4.core", "sigv4.core.canonical", "sigv4.core._hmac", "sigv4.s3", "sigv4.s3.params"}
    source = (
        "from __future__ import annotations\n"
        "import sigv4.core.canonical\n"
        "import sigv4.core.canonical as canon\n"
        "from ..core import canonical, _hmac\n"
        "from ..core.canonical import _check, check\n"
        "from .params import _own_package_but_another_module\n"
        "def f():\n"
        "    from sigv4.core.canonical import _lazy\n"
        "    return canonical._a, canon._b, sigv4.core.canonical._c, canonical.__name__, canonical.public\n"
    )
    hits = private_reaches("sigv4.s3.client", False, source, modules)
    assert sorted(hits) == sorted(
        [
            "line 4: from sigv4.core import _hmac",
            "line 5: from sigv4.core.canonical import _check",
            "line 6: from sigv4.s3.params import _own_package_but_another_module",
            "line 8: from sigv4.core.canonical import _lazy",
            "line 9: sigv4.core.canonical._a",
            "line 9: sigv4.core.canonical._b",
            "line 9: sigv4.core.canonical._c",
        ]
    )
    # The modules of a package may import its private modules, and a module its own names.
    inside = "from . import _hmac\nfrom ._hmac import sha256\n"
    assert private_reaches("sigv4.core.signer", False, inside, modules) == []
    assert private_reaches("sigv4.core", True, "from . import _x\n", modules) == []
