"""Project rules that code review would otherwise have to remember."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit():
    offenders = [p.name for p in (ROOT / "core").glob("*.py") if "streamlit" in _imports(p)]
    assert offenders == []


def test_no_python_file_passes_400_lines():
    long = [str(p.relative_to(ROOT)) for p in ROOT.glob("[!.]*/**/*.py") if len(p.read_text().splitlines()) > 400]
    assert long == []
