"""The app's own words, read as a coordinator reads them: no ")))", no "3 time(s)", no doubled punctuation.

Every string literal of app/, pages/ and core/ is scanned (docstrings left out: no one sees them), f-strings with
each placeholder read as a number, implicitly joined literals as the one text they make, so a lost or doubled
space between two lines of a message is caught too.
"""

from __future__ import annotations

import ast
import re

import pytest

from core.paths import ROOT

SCANNED = ("app", "pages", "core")
PLACEHOLDER = "7"  # what a {value} of an f-string reads as: a number, the worst case for "(s)"
CHECKS = {
    "three closing brackets": re.compile(r"\)\)\)"),
    "two closing brackets": re.compile(r"\)\)"),
    "a plural in brackets after a number": re.compile(r"\d\s+\w+\(s\)"),
    "doubled punctuation": re.compile(r"(?<!\.)\.\.(?![./])|,,|;;|!!|\?\?|[,;]\s*[,;]|[,;]\s*\.(?!\.\.|[a-z])|\.\s*,"),
    "a doubled word": re.compile(r"\b(the|a|an|to|of|in|is|and|for|on|it)\s+\1\b", re.IGNORECASE),
    "two spaces between words": re.compile(r"[a-z,;:.)]  +[a-z(]"),
    "a space before punctuation": re.compile(r"[a-z] [,;.](?:\s|$)"),
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _text(node: ast.AST) -> str | None:
    """The words a literal shows (an f-string with its placeholders as numbers); None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else PLACEHOLDER
            for part in node.values
            if isinstance(part, ast.Constant | ast.FormattedValue)
        )
    return None


def _prose(text: str) -> bool:
    """Words a person reads: a few words with spaces, not a pattern, a path, SQL or code."""
    return (
        len(re.findall(r"[A-Za-z]{2,}", text)) >= 3
        and " " in text
        and "\\" not in text
        and not re.search(r"\b(SELECT|INSERT|CREATE|UPDATE)\b|%\(|%\{|\bdef\b|\bimport\b|=>|\{\}", text)
        and not re.search(r"\{[^{}]*:[^{}]*;[^{}]*\}", text)  # a style sheet
    )


CODE_CALL = re.compile(r"\w+\.\w+\([^()\s]*\)")  # datetime.now(UTC): a developer's hint, not a bracket of prose


def _checked(name: str, text: str) -> str:
    return CODE_CALL.sub("CALL", text) if "brackets" in name else text


def user_strings() -> list[tuple[str, int, str]]:
    """(file, line, text) for every string literal that reads as prose in the scanned folders."""
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            skip = _docstrings(tree)
            nested = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
            for node in ast.walk(tree):
                if id(node) in skip or id(node) in nested:
                    continue
                text = _text(node)
                if text is not None and _prose(text):
                    found.append((str(path.relative_to(ROOT)), node.lineno, text))
    return found


def test_the_scan_reads_the_apps_messages():
    texts = [text for _, _, text in user_strings()]
    assert len(texts) > 500
    assert any("Upload this week's patient list" in t for t in texts)  # a page's literal
    assert any(t.startswith("Threshold 7.7") for t in texts) or any("Threshold " in t for t in texts)


@pytest.mark.parametrize("name", list(CHECKS))
def test_no_user_facing_string_has(name):
    pattern = CHECKS[name]
    hits = [f"{file}:{line}: {text!r}" for file, line, text in user_strings() if pattern.search(_checked(name, text))]
    assert not hits, f"{name}:\n" + "\n".join(hits)


@pytest.mark.parametrize(
    "text,name",
    [
        ("folds of whole sites, repeated 3 time(s)))", "three closing brackets"),
        ("(measured on 5 folds (repeated once))", "two closing brackets"),
        ("repeated 3 time(s)", "a plural in brackets after a number"),
        ("Saved.. Done", "doubled punctuation"),
        ("the costs, , set here", "doubled punctuation"),
        ("Open the the list", "a doubled word"),
        ("the list of  patients", "two spaces between words"),
        ("the list of patients , flagged", "a space before punctuation"),
    ],
)
def test_each_check_catches_what_it_names(text, name):
    assert CHECKS[name].search(text)
