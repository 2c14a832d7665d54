"""core.output.excel.xlsx_bytes: text in a workbook is never a formula, never breaks the file, never lost.

The same rule as the CSV (core.output.safe_text): OWASP's formula starts get an apostrophe, control
characters become spaces, characters no file can hold become U+FFFD; all other Unicode is kept.
"""

from __future__ import annotations

import csv
import io
import unicodedata

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.output.csv_file import csv_bytes
from core.output.excel import Sheet, xlsx_bytes
from tests.core.output.workbooks import has_formula_element, open_book, rows

HOSTILE = ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://evil.example","click")', " =1"]
FORMULA_STARTS = ("=", "+", "-", "@")


def _hostile_frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame(
        {
            "note": HOSTILE,
            "=cmd": ["x"] * n,
            "-minus": np.arange(-4, n - 4, dtype="int64"),
            "@at": np.linspace(-1, 1, n),
            "mixed": pd.Series(["=bad", -5, None, 2.5, True, "-x", "ok", "@y"], dtype=object),
        }
    )


def _all_cells(data: bytes) -> list:
    return [cell for sheet in open_book(data).worksheets for row in sheet.iter_rows() for cell in row]


def test_no_cell_is_ever_a_formula():
    about = pd.DataFrame({"setting": ["note", "=1+1"], "value": ['=HYPERLINK("http://x","y")', "-1"]})
    data = xlsx_bytes([Sheet("Flagged patients", _hostile_frame()), Sheet("About this export", about)])
    assert not has_formula_element(data)
    assert not [cell.coordinate for cell in _all_cells(data) if cell.data_type == "f"]
    texts = [cell.value for cell in _all_cells(data) if isinstance(cell.value, str)]
    assert texts and not [
        t for t in texts if t.lstrip(" \t\r\n").startswith(FORMULA_STARTS) or t.startswith(("\t", "\r"))
    ]


def test_hostile_text_and_headers_get_an_apostrophe_numbers_stay_numbers():
    table = rows(xlsx_bytes([Sheet("s", _hostile_frame())]))
    assert table[0] == ["note", "'=cmd", "'-minus", "'@at", "mixed"]
    assert [row[0] for row in table[1:]] == ["'" + v for v in HOSTILE]
    assert [row[2] for row in table[1:]] == list(range(-4, len(HOSTILE) - 4))
    assert [row[4] for row in table[1:]] == ["'=bad", -5, None, 2.5, True, "'-x", "ok", "'@y"]


def test_control_characters_become_spaces_the_rest_is_kept():
    frame = pd.DataFrame({"note\x00": ["a\x00b", "tab\tand\nbreak", "bell\x07 \x1b[31m", "\x0b=1", "é\x85ü", "cr\rin"]})
    data = xlsx_bytes([Sheet("s", frame)])  # openpyxl would raise IllegalCharacterError here
    assert rows(data) == [["note "], ["a b"], ["tab\tand\nbreak"], ["bell   [31m"], ["' =1"], ["é ü"], ["cr\rin"]]


def test_accents_cjk_and_emoji_are_kept():
    texts = ["Zoë Müller-Öztürk", "東京都 千代田区", "患者さん 🙂👍🏽", "Ελληνικά ﬁ", "👨‍👩‍👧 family", "עברית"]
    frame = pd.DataFrame({"name 🙂": texts})
    assert rows(xlsx_bytes([Sheet("Ünïcode 東京 🙂", frame)])) == [["name 🙂"]] + [[t] for t in texts]
    assert open_book(xlsx_bytes([Sheet("Ünïcode 東京 🙂", frame)])).sheetnames == ["Ünïcode 東京 🙂"]


def test_text_that_looks_like_an_excel_escape_reads_back_as_written():
    frame = pd.DataFrame({"code": ["_x0041_", "a_x000D_b", "plain_x"]})
    assert rows(xlsx_bytes([Sheet("s", frame)]))[1:] == [["_x0041_"], ["a_x000D_b"], ["plain_x"]]


def test_text_past_excels_cell_limit_is_cut_with_an_ellipsis_instead_of_failing():
    frame = pd.DataFrame({"long": ["y" * 40_000, "🙂" * 20_000, "fits"]})
    cells = [row[0] for row in rows(xlsx_bytes([Sheet("s", frame)]))[1:]]
    assert cells[0] == "y" * 32_766 + "…"
    assert cells[1].endswith("…") and len(cells[1].encode("utf-16-le")) // 2 <= 32_767
    assert set(cells[1][:-1]) == {"🙂"}
    assert cells[2] == "fits"


# ---------------------------------------------------------------- any text at all


def _stored_as(text: str) -> str:
    """What should be kept of ``text``: controls (Cc but tab, LF, CR) as spaces, unstorable as U+FFFD."""
    kept = []
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r":
            kept.append(" ")
        elif unicodedata.category(char) == "Cs" or char in "\ufffe\uffff":
            kept.append("\ufffd")
        else:
            kept.append(char)
    return "".join(kept)


def _check_cell(cell: object, text: str) -> None:
    kept = _stored_as(text)
    shown = "" if cell is None else cell  # an empty text cell reads back as an empty cell
    assert shown in (kept, "'" + kept), (text, shown)
    assert not shown.lstrip(" \t\r\n").startswith(FORMULA_STARTS) and not shown.startswith(("\t", "\r"))


ANY_CHAR = st.characters(exclude_categories=())  # every code point, surrogates and controls included
TRICKY = st.sampled_from(list("=+-@\t\r\n \x00\x07\x0b\x0c\x1b\x7f\x85\x9f\ufffe\uffff\ud800🙂日é_"))
TEXT = st.tuples(
    st.sampled_from(["", "=", "+", "-", "@", "\t", "\r", " =", "\x00=", "\n-"]), st.text(ANY_CHAR | TRICKY, max_size=40)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT.map("".join), min_size=1, max_size=6), TEXT.map("".join))
def test_any_text_builds_an_xlsx_that_opens_holds_no_formula_and_keeps_every_other_character(texts, header):
    frame = pd.DataFrame({0: pd.Series(texts, dtype=object), 1: np.arange(len(texts))})
    frame.columns = pd.Index([header, "n"], dtype=object)  # the header may be "n" too, or hold a surrogate
    data = xlsx_bytes([Sheet(header or "s", frame)])
    assert not has_formula_element(data)
    table = rows(data)
    _check_cell(table[0][0], header)
    for row, text in zip(table[1:], texts, strict=True):
        _check_cell(row[0], text)
    assert [row[1] for row in table[1:]] == list(range(len(texts)))


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT.map("".join), min_size=1, max_size=6))
def test_any_text_makes_a_csv_whose_cells_hold_no_formula_and_keep_every_other_character(texts):
    frame = pd.DataFrame({"text": pd.Series(texts, dtype=object)})
    table = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert len(table) == len(texts) + 1
    for row, text in zip(table[1:], texts, strict=True):
        _check_cell(row[0], text)
