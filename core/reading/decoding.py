"""Bytes of a delimited text file -> text that reads right, with one kind of line break.

Encodings, in the order they are recognised: a byte-order mark (UTF-8, UTF-16 and UTF-32: Excel's
"Unicode text" is UTF-16 with a mark), UTF-16 without a mark (every other byte zero), UTF-8, and
Windows-1252 (a superset of Latin-1, what Excel on Windows writes). A UTF-8 file with a few Windows-1252
bytes (one row pasted from another export) is read byte sequence by byte sequence, so its UTF-8 accents
and its Windows-1252 accents both read right.

A file is binary when more than a small share of its first bytes are NUL or other control bytes (a text
file may hold a few, inside cells). Control characters other than tab and line breaks are then removed,
and CR LF and lone CR (Excel for Mac) line breaks become LF.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from core.reading.errors import SchemaError

_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 65_536
_BINARY_SHARE = 0.05  # far above the few control bytes a text file may carry in its cells
_NON_TEXT_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 and C1 controls but tab, LF and CR
# Controls that separate words or lines (Excel's line break inside a cell is a vertical tab) become a space, so
# "line\vbreak" reads "line break"; the others (NUL, stray bytes) are noise and are dropped.
_SEPARATINGCONTROLS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85")


def control_replacement(found: re.Match[str]) -> str:
    return " " if found.group(0) in _SEPARATINGCONTROLS else ""


_NOT_TEXT_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})  # controls, lone surrogates, private use, unassigned
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Excel workbook (.xls) and other OLE files


def _binary(filename: str, data: bytes) -> SchemaError:
    hint = (
        " It looks like an old Excel workbook (.xls): open it in Excel and save it as .xlsx or CSV."
        if data.startswith(_OLE)
        else " Upload a CSV or .xlsx export."
    )
    return SchemaError(f"{filename} is not a text or Excel file (it holds binary data).{hint}")


def _utf16_without_mark(sample: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when every other byte is zero, as in mostly-Latin UTF-16 text."""
    even, odd = sample[0 : len(sample) - len(sample) % 2 : 2], sample[1::2]
    if len(odd) < 8:
        return None
    even_zero, odd_zero = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_zero > 0.6 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.6 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _wide_text_is_binary(text: str) -> bool:
    """Binary bytes behind a wide byte-order mark decode to unassigned, private and replacement characters."""
    odd = sum(
        1
        for char in text
        if char not in "\t\n\r" and (char == "\ufffd" or unicodedata.category(char) in _NOT_TEXT_CATEGORIES)
    )
    return odd > _BINARY_SHARE * len(text)


def _cp1252(chunk: bytes) -> str:
    """Windows-1252; its five unassigned bytes are control bytes and are dropped like the others."""
    return "".join(chr(b) if b < 0x80 else bytes([b]).decode("cp1252", errors="ignore") for b in chunk)


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return _cp1252(error.object[error.start : error.end]), error.end


codecs.register_error("rradar_cp1252", _cp1252_fallback)


def _decode_bytes(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data):  # some UTF-8 after all: keep it, read only the bytes UTF-8 rejects as 1252
        return data.decode("utf-8", errors="rradar_cp1252")
    return data.decode("cp1252", errors="rradar_cp1252")


def decode_text(data: bytes, filename: str) -> str:
    """The file's text with LF line breaks and without control characters; SchemaError if it is binary."""
    codec, start = next(((name, len(bom)) for bom, name in _BOMS if data.startswith(bom)), (None, 0))
    codec = codec or _utf16_without_mark(data[:_SAMPLE])
    if codec and codec != "utf-8":
        text = data[start:].decode(codec, errors="replace")
        if _wide_text_is_binary(text[: _SAMPLE // 2]):
            raise _binary(filename, data)
        controls = bool(CONTROL.search(text))
    else:
        body = data[start:]
        sample = body[:_SAMPLE]
        if sample and len(sample) - len(sample.translate(None, _NON_TEXT_BYTES)) > _BINARY_SHARE * len(sample):
            raise _binary(filename, data)
        text = _decode_bytes(body)
        # Control bytes are the same in every single-byte reading; C1 controls need UTF-8's \xc2 lead byte.
        controls = len(body.translate(None, _NON_TEXT_BYTES)) != len(body) or (
            b"\xc2" in body and bool(CONTROL.search(text))
        )
    if controls:
        text = CONTROL.sub(control_replacement, text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.removeprefix("\ufeff")
