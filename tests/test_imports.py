"""Import-structure test: fungrad's modules form a layered DAG (issue 10, STYLE.md "One-way imports").

Every module under ``fungrad/`` is parsed with ``ast``; every import statement counts, at module level
or inside a function (a function-level import must not hide a cycle). Imports under
``if TYPE_CHECKING:`` are skipped, since they never run. ``from pkg import name`` is an edge to the
submodule ``pkg.name`` when that is a module, else to ``pkg``; importing a submodule is not counted
as importing its parent package's ``__init__``.

The checks:

(a) the graph of fungrad-internal imports has no cycle;
(b) no import goes up the layers of :data:`LAYERS` (imports within one layer are fine, given (a));
(c) no function-level import of a fungrad module (a function-level import is only for an optional
    heavy dependency such as matplotlib or graphviz, never a fungrad module);
(d) only ``fungrad/_src/jax_compat.py`` mentions ``jax._src`` (JAX's private modules).

Known violations in modules owned by others are listed, with their owner, in the allow-lists below;
they are to be fixed and the lists emptied. An allow-list entry that no longer occurs fails the test,
so the lists only shrink.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "fungrad"

# ---- the layer table -------------------------------------------------------------------------------
# A module may import modules of its own layer or below, never above. Patterns: an exact module
# name, or ``name.*`` for every submodule of a package (the package itself listed separately).
LAYERS: list[tuple[int, str, tuple[str, ...]]] = [
    # config holds global flags and imports nothing of fungrad, so every layer may read it.
    (0, "core", ("fungrad._src", "fungrad._src.core", "fungrad._src.jax_compat", "fungrad._src.config")),
    (1, "IR", ("fungrad._src.ir",)),
    (2, "interpreters", ("fungrad._src.staging", "fungrad._src.batching", "fungrad._src.ad", "fungrad._src.lowering")),
    (3, "primitive families", ("fungrad._src.primitives", "fungrad._src.primitives.*")),
    (
        4,
        "transformations and higher-order primitives",
        (
            "fungrad._src.jit",
            "fungrad._src.api",
            "fungrad._src.api_vmap",
            "fungrad._src.control_flow",
            "fungrad._src.control_flow.*",
            "fungrad._src.custom_derivatives",
            "fungrad._src.checkpoint",
            "fungrad._src.debug",
            # any other fungrad._src module not named in this table is in this layer, too
        ),
    ),
    (
        5,
        "public array and layer APIs",
        (
            "fungrad.numpy",
            "fungrad.numpy.*",
            "fungrad.lax",
            "fungrad.nn",
            "fungrad.random",
            "fungrad.scipy",
            "fungrad.scipy.*",
            "fungrad.debug",  # like jax.debug: re-exports of the diagnostics in fungrad/_src
            "fungrad._src.nn_extra",
            "fungrad._src.nn_initializers",
            "fungrad._src.lax_linalg",
        ),
    ),
    (6, "testing", ("fungrad.testing",)),
    (7, "the package", ("fungrad",)),
]
DEFAULT_SRC_LAYER = 4

# ---- allow-lists: known violations in modules of other owners (to fix, then delete the entry) ------
# (importer, imported) pairs. An edge listed here is left out of the cycle check as well.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}
ALLOWED_FUNCTION_LEVEL: dict[tuple[str, str], str] = {}
ALLOWED_CYCLE_EDGES: dict[tuple[str, str], str] = {}


# ---- building the graph ------------------------------------------------------------------------------


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


FILES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
MODULES = set(FILES)


def _is_package(name: str) -> bool:
    return FILES[name].name == "__init__.py"


class _Imports(ast.NodeVisitor):
    """Collect ``(imported_module, lineno, in_function)`` for fungrad-internal imports of one module."""

    def __init__(self, module: str):
        self.module = module
        self.depth = 0
        self.found: list[tuple[str, int, bool]] = []

    def _function(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_If(self, node):
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        if name == "TYPE_CHECKING":  # never runs: not an import edge
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _add(self, target: str, node):
        if target == "fungrad" or target.startswith("fungrad."):
            # The longest prefix that is a module of ours (``import fungrad.numpy.linalg as l`` -> the module).
            while target not in MODULES and "." in target:
                target = target.rsplit(".", 1)[0]
            self.found.append((target, node.lineno, self.depth > 0))

    def visit_Import(self, node):
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node):
        if node.level:
            base = self.module if _is_package(self.module) else self.module.rsplit(".", 1)[0]
            for _ in range(node.level - 1):
                base = base.rsplit(".", 1)[0]
            source = f"{base}.{node.module}" if node.module else base
        else:
            source = node.module or ""
        for alias in node.names:
            sub = f"{source}.{alias.name}"
            self._add(sub if sub in MODULES else source, node)


def _collect():
    imports: dict[str, list[tuple[str, int, bool]]] = {}
    for name, path in FILES.items():
        visitor = _Imports(name)
        visitor.visit(ast.parse(path.read_text(), str(path)))
        imports[name] = [imp for imp in visitor.found if imp[0] != name]
    return imports


IMPORTS = _collect()


def layer_of(module: str) -> int:
    for layer, _, patterns in LAYERS:
        for pattern in patterns:
            if module == pattern or (pattern.endswith(".*") and module.startswith(pattern[:-1])):
                return layer
    if module.startswith("fungrad._src."):
        return DEFAULT_SRC_LAYER
    raise AssertionError(f"module {module} is in no layer of tests/test_imports.py: add it to LAYERS")


def _where(importer: str, imported: str) -> str:
    lines = sorted({line for target, line, _ in IMPORTS[importer] if target == imported})
    return f"{FILES[importer].relative_to(ROOT)}:{','.join(map(str, lines))}"


# ---- the tests -------------------------------------------------------------------------------------------


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1 = on the DFS stack, 2 = done
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycles():
    graph = {
        m: {t for t, _, _ in imps if (m, t) not in ALLOWED_CYCLE_EDGES and (m, t) not in ALLOWED_UPWARD}
        for m, imps in IMPORTS.items()
    }
    cycles = []
    while len(cycles) < 20 and (cycle := _find_cycle(graph)) is not None:
        cycles.append("\n    -> ".join(f"{a}   ({_where(a, b)} imports {b})" for a, b in zip(cycle, cycle[1:])))
        graph[cycle[-2]].discard(cycle[-1])  # report the next cycle too
    assert not cycles, "import cycles (function-level imports included):\n  " + "\n  ".join(cycles)


def test_no_upward_imports():
    upward = []
    for importer, imps in IMPORTS.items():
        for target in sorted({t for t, _, _ in imps}):
            if layer_of(target) > layer_of(importer) and (importer, target) not in ALLOWED_UPWARD:
                upward.append(
                    f"{_where(importer, target)}: {importer} (layer {layer_of(importer)}) imports "
                    f"{target} (layer {layer_of(target)})"
                )
    assert not upward, "imports that go up the layers (see LAYERS in tests/test_imports.py):\n  " + "\n  ".join(upward)


def test_no_function_level_imports_of_fungrad():
    found = sorted(
        f"{FILES[m].relative_to(ROOT)}:{line}: {m} imports {t} inside a function"
        for m, imps in IMPORTS.items()
        for t, line, in_function in imps
        if in_function and (m, t) not in ALLOWED_FUNCTION_LEVEL
    )
    assert not found, (
        "function-level imports of fungrad modules (import at the top; if that makes a cycle, move the code "
        "so the imports go one way):\n  " + "\n  ".join(found)
    )


@pytest.mark.parametrize(
    "table", [ALLOWED_UPWARD, ALLOWED_FUNCTION_LEVEL, ALLOWED_CYCLE_EDGES], ids=["upward", "function", "cycle"]
)
def test_allow_lists_are_current(table):
    edges = {(m, t) for m, imps in IMPORTS.items() for t, _, _ in imps}
    stale = sorted(pair for pair in table if pair not in edges)
    assert not stale, f"allow-list entries for imports that no longer exist (delete them): {stale}"


def test_jax_private_modules_only_in_jax_compat():
    offenders = sorted(
        str(path.relative_to(ROOT))
        for name, path in FILES.items()
        if name != "fungrad._src.jax_compat" and "jax._src" in path.read_text()
    )
    assert not offenders, f"modules using jax._src outside fungrad/_src/jax_compat.py: {offenders}"


def test_jax_compat_names_its_version_range():
    from fungrad._src import jax_compat

    lo, hi = jax_compat.SUPPORTED_JAX
    assert lo <= jax_compat._version < hi
