"""The house's one import order: core's packages and app's layers each import only those before them.

Modules are collapsed into their package (``core.scoring.cohort`` -> ``core.scoring``); a top-level module
such as ``core.paths`` is a package of its own. An import against the order is a defect even when no two
modules import each other, because it is how circles between packages begin.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A package may import itself and the packages before it, never one after it.
CORE_ORDER = (
    "core.paths",  # where files live
    "core.formatting",  # numbers as people read them
    "core.stats",  # metrics, calibration, resampling
    "core.reading",  # files -> valid rows + problems (the cohort contract)
    "core.history",  # trial histories, SDTM, landmark snapshots
    "core.model",  # the model in use: features, bundle, explanations, what-if, registry, drift
    "core.decisions",  # bands, costs, threshold curves, the policy (the one flag rule)
    "core.store",  # the database: plain values in and out
    "core.trust",  # accounts, passwords, guesses, roles, audit trail
    "core.settings",  # the deployment's settings, resolved by a function
    "core.decision_settings",  # where each decision setting in force comes from
    "core.scoring",  # validated rows -> scores, a scored cohort, one patient's assessment
    "core.training",  # the bundled model and trial training, cross-validation, versions, tracking
    "core.output",  # files people open: CSV, Excel, README blocks, provenance
    "core.outreach",  # call list, contacts, changes and trends, effectiveness, simulation
    "core.replay",  # a trial replayed week by week with nothing from the future, beside coordinators' rules
    "core.report",  # the week's report: its content, HTML and PDF
    "core.cli",  # command-line entry points
)
APP_ORDER = (
    "app.log_setup",
    "app.navigation",
    "app.text",  # user text shown as text (plain), for every layer above
    "app.records",  # plain values the session keeps (person, loaded history, week, training outcome, team record)
    "app.figures",  # plotly figure builders (no streamlit)
    "app.state",  # the only place touching st.session_state
    "app.services",  # loading, training runs, weekly loop, store access (never views)
    "app.access",  # gate, sign-in, identity
    "app.views",  # what pages draw
    "app.main",
)


def package_of(module: str, known: Iterable[str]) -> str | None:
    """The package (from ``known``) that ``module`` belongs to, or None when it is none of them."""
    for package in known:
        if module == package or module.startswith(package + "."):
            return package
    return None


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts)


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """Every project module ``path`` imports, anywhere in the file (``from a import b`` names ``a.b`` if a module)."""
    found: set[str] = set()
    own = _module_name(path)
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = own.split(".") if path.name == "__init__.py" else own.split(".")[:-1]
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {name for name in found if name in modules}


def module_graph(*folders: str) -> dict[str, set[str]]:
    files = _python_files(*folders)
    modules = {_module_name(p) for p in files}
    return {_module_name(p): imported_modules(p, modules) - {_module_name(p)} for p in files}


def order_violations(graph: Mapping[str, set[str]], order: tuple[str, ...]) -> list[str]:
    """Imports that run against ``order``: a module importing a package placed after its own."""
    rank = {package: index for index, package in enumerate(order)}
    wrong = []
    for module, targets in graph.items():
        own = package_of(module, order)
        if own is None:
            continue
        for target in sorted(targets):
            theirs = package_of(target, order)
            if theirs is not None and rank[theirs] > rank[own]:
                wrong.append(f"{module} ({own}) imports {target} ({theirs}), which comes after it")
    return wrong


def circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan): each is a circle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def collapsed(graph: Mapping[str, set[str]], order: tuple[str, ...]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        own = package_of(module, order) or module
        packages.setdefault(own, set()).update((package_of(t, order) or t) for t in targets)
        packages[own].discard(own)
    return packages


# The rules themselves, on small made-up houses, so a broken checker cannot pass everything.
def test_the_checker_finds_an_import_against_the_order_and_a_circle_between_packages():
    order = ("x.low", "x.high")
    graph = {"x.low.a": {"x.high.b"}, "x.high.b": {"x.low.c"}, "x.low.c": set()}
    assert order_violations(graph, order) == ["x.low.a (x.low) imports x.high.b (x.high), which comes after it"]
    assert circles(graph) == []  # no circle between modules...
    assert circles(collapsed(graph, order)) == [["x.high", "x.low"]]  # ...but one between packages


def test_every_core_package_and_app_layer_has_a_place_in_the_order():
    graph = module_graph("core", "app")
    unplaced = [m for m in graph if m not in ("core", "app") and package_of(m, CORE_ORDER + APP_ORDER) is None]
    assert unplaced == []


def test_core_packages_import_only_packages_before_them():
    assert order_violations(module_graph("core"), CORE_ORDER) == []


def test_app_layers_import_only_layers_before_them():
    assert order_violations(module_graph("app"), APP_ORDER) == []


def test_no_circle_between_modules_or_packages():
    graph = module_graph("core", "app", "pages")
    assert circles(graph) == []
    assert circles(collapsed(module_graph("core"), CORE_ORDER)) == []
    assert circles(collapsed(module_graph("app"), APP_ORDER)) == []


def test_no_star_imports():
    stars = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _python_files("core", "app", "pages", "api", "bench")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
    ]
    assert stars == []


def test_command_line_entry_points_are_imported_by_nothing_else():
    graph = module_graph("core", "app", "pages")
    users = [f"{m} imports {t}" for m, targets in graph.items() for t in targets if t.startswith("core.cli")]
    assert [u for u in users if not u.startswith("core.cli")] == []


def test_no_module_is_named_like_the_package_beside_it_or_its_own_package():
    clashes = []
    for path in _python_files("core", "app"):
        if path.name == "__init__.py":
            continue
        if path.parent.name == path.stem or (path.parent / path.stem).is_dir():
            clashes.append(str(path.relative_to(ROOT)))
    assert clashes == []


def _doc_sections(doc: str, folder: str) -> list[str]:
    """What docs/ARCHITECTURE.md says under a folder: from each mention in code quotes to the next paragraph or bullet."""
    sections, start = [], doc.find(f"`{folder}/`")
    while start >= 0:
        ends = [i for i in (doc.find("\n\n", start), doc.find("\n* ", start)) if i >= 0]
        sections.append(doc[start : min(ends, default=len(doc))])
        start = doc.find(f"`{folder}/`", start + 1)
    return sections


def test_every_package_and_module_is_named_in_the_architecture_doc():
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    missing = [package for package in CORE_ORDER + APP_ORDER if f"`{package.replace('.', '/')}" not in doc]
    for path in _python_files("core", "app", "pages"):
        folder = path.parent.relative_to(ROOT).as_posix()
        if path.name == "__init__.py" or folder in ("core", "app"):
            continue  # top-level modules are named in the order above
        named = (f"`{path.name}`", f"`{path.stem}`")
        if not any(name in section for section in _doc_sections(doc, folder) for name in named):
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []


def _top_level_imports(path: Path) -> set[str]:
    """The first part of every module ``path`` imports (``from api.keys import x`` -> ``api``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_the_api_imports_only_core_and_core_never_imports_the_api():
    api_files = _python_files("api")
    assert len(api_files) > 5  # the checker sees the API's modules
    leaks = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in api_files
        for name in sorted(_top_level_imports(path) & {"app", "pages", "streamlit", "tests", "bench"})
    ]
    assert leaks == []
    into_api = [
        str(p.relative_to(ROOT)) for p in _python_files("core", "app", "pages") if "api" in _top_level_imports(p)
    ]
    assert into_api == []


def test_no_circle_between_the_apis_modules():
    assert circles(module_graph("api")) == []
