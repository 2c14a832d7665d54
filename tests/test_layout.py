"""Project rules that code review would otherwise have to remember: layers, imports, state, size."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"pages": 2, "app": 1, "core": 0}  # imports run one way: pages -> app -> core


def _python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("folder", ["core", "app/figures"])
def test_folder_never_imports_streamlit(folder):
    offenders = [str(p.relative_to(ROOT)) for p in _python_files(folder) if "streamlit" in map(_top, _imports(p))]
    assert offenders == []


def test_imports_run_one_way_pages_to_app_to_core():
    wrong = []
    for layer, rank in LAYERS.items():
        for path in _python_files(layer):
            for name in _imports(path):
                if _top(name) in LAYERS and LAYERS[_top(name)] > rank:
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def _module_level_nodes(tree: ast.Module):
    """Every node that runs when the module is imported: the module body and class bodies, not functions."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        yield node
        pending.extend(ast.iter_child_nodes(node))


def _reads_environment(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and isinstance(node.value, ast.Name):
        return node.value.id == "os"
    if isinstance(node, ast.Name) and node.id in ("environ", "getenv", "load_settings"):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "load_settings"


def test_no_module_reads_the_environment_or_settings_at_import_time():
    offenders = []
    for path in _python_files("core") + _python_files("app"):
        tree = ast.parse(path.read_text())
        for node in _module_level_nodes(tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                continue
            if _reads_environment(node):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_environment_check_can_fail(tmp_path):
    bad = ast.parse("import os\nLIMIT = os.environ.get('X')\ndef fine():\n    return os.environ['Y']\n")
    assert [n.lineno for n in _module_level_nodes(bad) if _reads_environment(n)] == [2]


def test_only_the_state_package_touches_session_state():
    offenders = []
    for path in _python_files("app") + _python_files("pages"):
        if (ROOT / "app" / "state") in path.parents:
            continue
        tree = ast.parse(path.read_text())
        if any(isinstance(n, ast.Attribute) and n.attr == "session_state" for n in ast.walk(tree)):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_pages_hold_no_domain_logic_of_their_own():
    """Pages call core/ and app/: they define no functions of their own beyond a fragment."""
    offenders = []
    for path in _python_files("pages"):
        tree = ast.parse(path.read_text())
        defined = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        fragments = [n for n in defined if any("fragment" in ast.unparse(d) for d in getattr(n, "decorator_list", []))]
        offenders += [f"{path.name}:{n.name}" for n in defined if n not in fragments]
    assert offenders == []


def test_no_python_file_passes_400_lines():
    long = [str(p.relative_to(ROOT)) for p in ROOT.glob("[!.]*/**/*.py") if len(p.read_text().splitlines()) > 400]
    assert long == []


def test_the_project_cites_no_document_outside_the_repository():
    outside = ("DESIGN" + ".md", "../" + "shared")  # spelled apart so this file does not cite them itself
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    citing = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in (".py", ".md", ".toml", ".txt", "") and path.is_file():
            text = path.read_text(errors="replace")
            if any(word in text for word in outside):
                citing.append(name)
    assert citing == []
