"""The dependency directions of docs/architecture.md, checked over the code's own imports."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

from tools.servers import ROOT

#: Which project packages each layer may import (besides itself). Order of the data flow:
#: channels -> server, nlu -> actions -> core; stats reads the tracker store; tools and bench apart.
ALLOWED: Dict[str, Set[str]] = {
    "valkommen.core": set(),
    "valkommen.nlu": {"valkommen.core"},
    "valkommen.server": {"valkommen.core"},
    "actions": {"valkommen.core"},
    "valkommen.channels": {"valkommen.core"},
    "valkommen.stats": {"valkommen.core"},
    "tools": {"valkommen", "actions"},
    "bench": {"valkommen", "tools"},
}
#: Libraries a layer must not import: the core is plain logic, channels talk to Rasa over HTTP only.
FORBIDDEN: Dict[str, Set[str]] = {
    "valkommen.core": {"rasa", "rasa_sdk", "telegram", "sanic", "spacy"},
    "valkommen.channels": {"rasa", "rasa_sdk"},
    "valkommen.stats": {"rasa", "rasa_sdk", "telegram"},
    "actions": {"rasa", "telegram"},
    "valkommen.nlu": {"rasa_sdk", "telegram"},
    "valkommen.server": {"telegram"},
}
PACKAGES = ("valkommen", "actions", "tools", "bench")


def modules() -> Iterator[Tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(p for p in parts if p != "__init__"), path


def imports(path: Path) -> List[str]:
    """Every module named by an import in ``path``, also inside functions."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def layer(module: str) -> str:
    return max((name for name in ALLOWED if module == name or module.startswith(name + ".")), key=len, default="")


def project_module(name: str, known: Set[str]) -> str:
    """The project module ``name`` refers to ('' for a library)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def test_every_layer_imports_only_what_docs_architecture_allows():
    known = {name for name, _ in modules()}
    wrong = []
    for name, path in modules():
        own = layer(name)
        for imported in imports(path):
            target = project_module(imported, known)
            if target:
                if not (layer(target) == own or any(target == a or target.startswith(a + ".") for a in ALLOWED[own])):
                    wrong.append(f"{name} -> {target}")
            elif imported.split(".")[0] in FORBIDDEN.get(own, set()):
                wrong.append(f"{name} -> {imported} (library)")
    assert sorted(set(wrong)) == []


def test_no_import_circles():
    known = {name for name, _ in modules()}
    graph = {name: {t for i in imports(path) if (t := project_module(i, known)) and t != name} for name, path in modules()}
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    circles: List[List[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert circles == []
