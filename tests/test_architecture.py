"""The package's shape, read from its source: the pipeline's stages import only down, no module
imports itself back through others (imports inside functions count), and no module or class
outgrows what one reader holds in mind."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ptce_mono"
# The pipeline, bottom to top: a module may import its own stage and those below it.
STAGES = ["core", "sources", "check", "analysis", "render", "typeset", "proof", "commands"]
TOP = len(STAGES)  # the package's facade (`ptce_mono/__init__.py`), `cli.py` and `__main__.py`
MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 250
# Written reasons for the exceptions to those limits, by module or module:Class.
ALLOWED_LONGER: dict[str, str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def stage_of(module: str) -> int:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in STAGES:
        return STAGES.index(parts[1])
    return TOP


def imported(module: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """Every ptce_mono module `module` imports, with the line; a module's parent packages count,
    since Python runs their `__init__` first."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        for target in targets:
            if not target.startswith("ptce_mono"):
                continue
            if target in known and target != module:
                yield target, node.lineno
            parts = target.split(".")
            for end in range(1, len(parts)):
                parent = ".".join(parts[:end])
                if parent in known and not module.startswith(parent + "."):
                    yield parent, node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    found = modules()
    known = set(found)
    return {module: dict(imported(module, path, known)) for module, path in found.items()}


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back():
    assert cycles(import_graph()) == []


def test_the_checker_finds_a_cycle_and_an_upward_import():
    graph = {"ptce_mono.sources.a": {"ptce_mono.render.b": 3}, "ptce_mono.render.b": {"ptce_mono.sources.a": 9}}
    assert cycles(graph) == [["ptce_mono.render.b", "ptce_mono.sources.a"]]
    assert stage_of("ptce_mono.sources.a") < stage_of("ptce_mono.render.b")


def test_the_reader_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from ptce_mono.render.typography import french_text\n", encoding="utf-8")
    known = {"ptce_mono", "ptce_mono.render", "ptce_mono.render.typography"}
    assert dict(imported("ptce_mono.core.x", source, known)) == {
        "ptce_mono.render": 2,
        "ptce_mono.render.typography": 2,
    }


def test_stages_import_only_down_the_pipeline():
    upward = [
        f"{module} (line {line}) imports {target}"
        for module, targets in import_graph().items()
        for target, line in targets.items()
        if target != "ptce_mono" and stage_of(target) > stage_of(module)
    ]
    assert upward == []


def test_only_the_facade_and_the_command_line_import_the_package_root():
    importers = [module for module, targets in import_graph().items() if "ptce_mono" in targets]
    # Importing any submodule runs ptce_mono/__init__.py: it must not pull stages upward.
    assert all(stage_of(module) == TOP for module in importers), importers


def test_the_command_line_knows_nothing_below_the_commands():
    below = {
        target
        for module in ("ptce_mono.cli",)
        for target in import_graph()[module]
        if stage_of(target) not in (TOP, STAGES.index("commands"), STAGES.index("core"))
    }
    # The CLI may still read the grid for `new` and `schema` and print check reports.
    assert not any(
        ".typeset" in target or ".render" in target or ".analysis" in target or ".proof" in target
        for target in below
    )


def _class_lengths(path: Path) -> Iterator[tuple[str, int]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
            yield node.name, node.end_lineno - node.lineno + 1


@pytest.mark.parametrize("module", sorted(modules()))
def test_modules_and_classes_stay_readable(module):
    path = modules()[module]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if module not in ALLOWED_LONGER:
        assert lines <= MAX_MODULE_LINES, f"{module}: {lines} lines"
    for name, length in _class_lengths(path):
        if f"{module}:{name}" not in ALLOWED_LONGER:
            assert length <= MAX_CLASS_LINES, f"{module}:{name}: {length} lines"
