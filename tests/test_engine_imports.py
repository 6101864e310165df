"""engine/ imports only NumPy, the standard library and itself: nothing in it knows there is a web."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1] / "engine"
MODULES = sorted(ENGINE.glob("*.py"))
ALLOWED = {"numpy", "engine"}


def imported_roots(path: Path) -> set[str]:
    """Top-level package of every import in the file (relative imports count as ``engine``)."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots.add("engine" if node.level else node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            roots.add("<dynamic __import__>")
    return roots


def test_engine_has_modules():
    assert {"activations.py", "outputs.py", "optimizers.py", "network.py", "trainer.py"} <= {p.name for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_imports_only_numpy_the_standard_library_and_engine(path):
    foreign = {root for root in imported_roots(path)
               if root not in ALLOWED and root not in sys.stdlib_module_names}
    assert not foreign, f"engine/{path.name} imports {sorted(foreign)}"


def test_the_check_catches_a_foreign_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("import os\nfrom fastapi import FastAPI\nimport numpy.linalg\nfrom . import network\n")
    assert imported_roots(module) == {"os", "fastapi", "numpy", "engine"}
