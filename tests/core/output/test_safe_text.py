"""core.output.safe_text: one rule for every text cell and header of every export.

OWASP's CSV-injection guidance: text starting with =, +, -, @, tab or carriage return gets a leading
apostrophe. Control characters become spaces; characters no file can hold become U+FFFD.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.output.safe_text import safe_header, safe_text, safe_text_series

HOSTILE = ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://evil.example","x")']
SPACED_HOSTILE = [" =1+1", "  -2", "\n@cmd", "\r\n=x", " \t+1"]
HARMLESS = ["Müller", "a=b", "x-1", "", "call on Monday", "5 + 5", "'already quoted", "日本語", "🙂 fine"]
# Unicode category Cc, written out: C0 without tab, line feed and carriage return; DEL; C1.
CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + [chr(0x7F)] + [chr(c) for c in range(0x80, 0xA0)]


@pytest.mark.parametrize("value", HOSTILE + SPACED_HOSTILE)
def test_text_that_could_start_a_formula_gets_an_apostrophe(value):
    assert safe_text(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_other_text_is_left_alone(value):
    assert safe_text(value) == value


@pytest.mark.parametrize("control", CONTROLS)
def test_each_control_character_becomes_a_space(control):
    assert safe_text(f"before{control}after") == "before after"


def test_tab_and_line_breaks_inside_text_are_kept():
    assert safe_text("line one\nline two\r\nthree\tfour") == "line one\nline two\r\nthree\tfour"


def test_a_control_character_cannot_hide_a_formula():
    assert safe_text("\x00=cmd()") == "' =cmd()"
    assert safe_text("\x0b\x0c+1") == "'  +1"


@pytest.mark.parametrize("unstorable", ["\ud800", "\udfff", "\ufffe", "\uffff"])
def test_characters_no_file_can_hold_become_the_replacement_character(unstorable):
    assert safe_text(f"a{unstorable}b") == "a\ufffdb"


def test_headers_follow_the_same_rule_and_labels_become_text():
    assert safe_header("=cmd") == "'=cmd"
    assert safe_header(0) == "0"
    assert safe_header("risk\x00score") == "risk score"


VALUES = HOSTILE + SPACED_HOSTILE + HARMLESS + [f"x{c}y" for c in CONTROLS[:5]] + ["ok\ufffe", "\x00=1"]


def test_a_column_of_text_is_made_safe_value_by_value_and_missing_stays_missing():
    series = pd.Series(VALUES + [None, np.nan], index=range(10, 10 + len(VALUES) + 2), dtype="str")
    safe = safe_text_series(series)
    assert safe.index.tolist() == series.index.tolist()
    assert safe.iloc[: len(VALUES)].tolist() == [safe_text(v) for v in VALUES]
    assert safe.iloc[len(VALUES) :].isna().all()
    assert pd.api.types.is_string_dtype(safe.dtype)


def test_a_column_pandas_cannot_store_as_arrow_text_is_fixed_too():
    """Lone surrogates cannot be UTF-8, so such a column is object dtype and goes value by value."""
    series = pd.Series(["a\ud800", "=x", None, "fine"], dtype=object)
    assert safe_text_series(series).tolist()[:2] == ["a\ufffd", "'=x"]
    assert safe_text_series(series).tolist()[3] == "fine"
    assert pd.isna(safe_text_series(series).iloc[2])


def test_a_column_without_anything_to_fix_comes_back_equal():
    series = pd.Series(["P-1", "P-2", "Müller"], dtype="str")
    pd.testing.assert_series_equal(safe_text_series(series), series, check_dtype=False)
