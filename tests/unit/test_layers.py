"""The provider's layers: each module imports only from its own layer or those below it, and only
the engine layer imports pulumi (docs/development/architecture.md)."""

import ast
from pathlib import Path

import pytest

from tooling.pulumi_env import REPO_ROOT

PACKAGE = REPO_ROOT / "provider"
# provider.<first part> -> its rank; a module may import from a rank at or below its own.
RANK = {
    "errors": 0,
    "inputs": 0,
    "campaigns": 1,
    "altcraft": 2,
    "settings": 3,
    "planning": 4,
    "engine": 5,
    "cli": 5,
    "resource": 5,
}
# Same rank, but neither may import the other: the command line works without the engine.
APART = {("cli", "engine"), ("engine", "cli")}


def layer(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def runtime_imports(path: Path) -> set[str]:
    """Modules imported when the file runs (what `if TYPE_CHECKING:` guards is left out)."""
    tree = ast.parse(path.read_text())
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names if node.module == "provider")
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_import_goes_down_the_layers(path: Path) -> None:
    module = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
    own = layer(module)
    for imported in runtime_imports(path):
        if imported.startswith("provider."):
            other = layer(imported)
            assert RANK[other] <= RANK[own] and (own, other) not in APART, f"{module} imports {imported}"
        if imported == "pulumi" or imported.startswith(("pulumi.", "pulumi_")):
            assert own in ("engine", "resource"), f"{module} imports {imported}: only provider.engine may"


def test_the_layer_table_knows_every_part_of_the_package() -> None:
    parts = {p.stem if p.parent == PACKAGE else p.parent.name for p in MODULES}
    assert parts == set(RANK)
