"""The package's layering, read from its import graph.

See docs/developer/architecture.rst.

Every ``import`` of every module of ``sklearn_ecg`` -- at module level or inside a
function, absolute or relative -- is an edge of the graph. A package
``__init__`` that re-exports a name is an edge too, so the graph has no
exceptions. The tests check that (a) the graph has no cycle, (b) each layer
imports only the layers ``LAYERS`` allows it, and (c) no module outside the
estimator package reads an estimator's private attributes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import sklearn_ecg

PACKAGE_DIR = Path(sklearn_ecg.__file__).resolve().parent

#: The single layer table: each subpackage and the subpackages it may import.
#: The lower layers never import ``classifiers``, ``model_selection`` or
#: ``_cli``. docs/developer/architecture.rst shows the same table.
LAYERS = {
    "utils": set(),
    "models": {"utils"},
    "preprocessing": {"utils"},
    "metrics": {"utils"},
    "augmentation": {"utils"},
    "training": {"utils", "metrics"},
    "transfer": {"utils"},
    "datasets": {"utils", "preprocessing"},
    "plotting": {"utils", "metrics"},
    "classifiers": {
        "utils", "models", "preprocessing", "metrics", "augmentation",
        "training", "transfer",
    },
    "model_selection": {
        "utils", "models", "preprocessing", "metrics", "augmentation",
        "training", "transfer", "datasets", "classifiers",
    },
    "persistence": {
        "utils", "models", "preprocessing", "transfer", "classifiers",
    },
    "_cli": {
        "utils", "models", "preprocessing", "metrics", "augmentation",
        "training", "transfer", "datasets", "plotting", "classifiers",
        "model_selection", "persistence", "cli",
    },
    "cli": {"_cli"},
}  # fmt: skip
LOWER = (
    "utils", "models", "preprocessing", "metrics", "augmentation", "training",
    "transfer", "datasets", "plotting",
)  # fmt: skip
#: Estimator-private attributes that only the estimator package may read.
ESTIMATOR_PRIVATE = {"_module_name", "_module_params", "frozen_prefixes_"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(tree: ast.AST, name: str, is_package: bool, known) -> set[str]:
    """Every module of the package that ``name`` imports, anywhere in its code.

    ``from pkg import name`` is an edge to ``pkg.name`` when that is a module,
    otherwise to ``pkg`` (its ``__init__``, re-exports included). An edge from
    a module to its own parent package is dropped: Python initialises every
    parent package before the module itself, so it is not a dependency.
    """
    package = name if is_package else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            for alias in node.names:
                sub = f"{mod}.{alias.name}"
                out.add(sub if sub in known else mod)
    parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    return {m for m in out if m in known and m != name and m not in parents}


def read_package(root: Path = PACKAGE_DIR) -> dict[str, tuple[ast.AST, Path]]:
    modules = {}
    for path in sorted(root.rglob("*.py")):
        modules[module_name(path, root)] = (ast.parse(path.read_text()), path)
    return modules


def import_graph(modules) -> dict[str, set[str]]:
    """Edges between the modules of the package."""
    return {
        name: imported_modules(tree, name, path.name == "__init__.py", modules)
        for name, (tree, path) in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one cycle of the graph (as a path), or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def layer_violations(graph) -> list[str]:
    bad = []
    for src, targets in graph.items():
        layer = layer_of(src)
        for dst in targets:
            other = layer_of(dst)
            if other is None or other == layer or layer is None:
                continue
            if other not in LAYERS.get(layer, set()):
                bad.append(f"{src} imports {dst} ({layer} -> {other})")
    return sorted(bad)


def private_attribute_reads(modules) -> list[str]:
    bad = []
    for name, (tree, _) in modules.items():
        if layer_of(name) not in LOWER:
            continue
        for node in ast.walk(tree):
            attr = None
            if isinstance(node, ast.Attribute):
                attr = node.attr
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in ("getattr", "hasattr", "setattr")
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
            ):
                attr = node.args[1].value
            if attr in ESTIMATOR_PRIVATE:
                bad.append(f"{name}:{node.lineno} reads {attr}")
    return bad


@pytest.fixture(scope="module")
def modules():
    return read_package()


def test_the_layer_table_covers_every_subpackage(modules):
    layers = {layer_of(m) for m in modules} - {None}
    assert layers == set(LAYERS)
    for lower in LOWER:
        assert not LAYERS[lower] & {"classifiers", "model_selection", "_cli"}


def test_no_import_cycle(modules):
    cycle = find_cycle(import_graph(modules))
    assert cycle is None, " -> ".join(cycle)


def test_layers_only_import_what_the_table_allows(modules):
    assert layer_violations(import_graph(modules)) == []


def test_lower_layers_do_not_read_estimator_private_attributes(modules):
    assert private_attribute_reads(modules) == []


def documented_layers(text: str) -> dict[str, set[str]]:
    """Read the layer table of docs/developer/architecture.rst (a list-table).

    Each row is ``* - ``layer````, then what it holds, then what it may import:
    ``everything``, ``nothing of the package``, a list of ````names````, or
    ``every lower layer`` / ``every layer above`` (the rows above it) with an
    ``except`` clause and an optional ``, and`` clause.
    """
    rows = []
    body = text.split(".. list-table::", 1)[1]
    for line in body.split("\n\n")[1].splitlines():  # the rows, after the options
        if line.startswith("   * - "):
            rows.append([line[7:]])
        elif line.startswith("     - "):
            rows[-1].append(line[7:])
        else:
            rows[-1][-1] += " " + line.strip()
    rows = rows[1:]  # the header row
    names = [re.findall(r"``(\w+)``", row[0])[0] for row in rows]
    layers: dict[str, set[str]] = {}
    for name, (_, _, may) in zip(names, rows):
        if may == "everything":
            allowed = set(names)
        elif may.startswith("nothing"):
            allowed = set()
        elif may.startswith("every"):
            head, _, tail = may.partition(", and ")
            allowed = set(layers) - set(re.findall(r"``(\w+)``", head))
            allowed |= set(re.findall(r"``(\w+)``", tail))
        else:
            allowed = set(re.findall(r"``(\w+)``", may))
        layers[name] = allowed - {name}
    return layers


def test_the_documented_layer_table_is_the_test_table():
    rst = PACKAGE_DIR.parent / "docs" / "developer" / "architecture.rst"
    if not rst.exists():
        pytest.skip("the docs are not next to the package")
    text = rst.read_text()
    assert documented_layers(text) == LAYERS
    # the reader sees an edit of the table
    edited = documented_layers(text.replace("- ``utils``, ``metrics``", "- ``utils``"))
    assert edited["training"] == {"utils"} and edited["plotting"] == {"utils"}


def test_the_checks_catch_synthetic_violations(tmp_path):
    # Self-check: a tiny package with a cycle (through a function-level,
    # relative import), a lower layer importing classifiers and a private read.
    root = tmp_path / "sklearn_ecg"
    for sub in ("utils", "training", "classifiers"):
        (root / sub).mkdir(parents=True)
        (root / sub / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "utils" / "_a.py").write_text("def f():\n    from ..training import _b\n")
    (root / "training" / "_b.py").write_text(
        "from sklearn_ecg.utils import _a\n"
        "from ..classifiers import _c\n"
        "def g(net):\n    return net.frozen_prefixes_, getattr(net, '_module_name')\n"
    )
    (root / "classifiers" / "_c.py").write_text("x = 1\n")
    fake = read_package(root)
    graph = import_graph(fake)
    assert graph["sklearn_ecg.utils._a"] == {
        "sklearn_ecg.training._b",
    }
    assert find_cycle(graph) is not None
    assert layer_violations(graph) == [
        "sklearn_ecg.training._b imports sklearn_ecg.classifiers._c "
        "(training -> classifiers)",
        "sklearn_ecg.utils._a imports sklearn_ecg.training._b (utils -> training)",
    ]
    reads = private_attribute_reads(fake)
    assert [r.split(" reads ")[1] for r in reads] == [
        "frozen_prefixes_",
        "_module_name",
    ]
