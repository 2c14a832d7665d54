"""A table as a CSV file that Excel and pandas open as it is, and that no spreadsheet runs as formulas.

UTF-8 with a byte order mark (so Excel reads accents right), CRLF line ends, the header on the first
line. Text cells and headers follow ``core.output.safe_text``. Numbers are written unquoted at their
shortest round-trip decimal (0.1 stays 0.1), booleans as true/false, missing values as empty cells,
dates as 2026-11-27 and date-times as 2026-11-27 14:30:05. Arrow's CSV writer does the writing: about
ten times faster than pandas' ``to_csv`` on a million rows.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from core.output.plain_columns import PlainColumn, plain_column
from core.output.safe_text import safe_header

BOM = "\ufeff".encode()
_OPTIONS = pa_csv.WriteOptions(eol="\r\n")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV bytes (no index); raises if the table cannot be written."""
    columns = [plain_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    names = [safe_header(name) for name in frame.columns]
    table = pa.Table.from_arrays([_csv_array(column) for column in columns], names=names)
    buffer = io.BytesIO()
    buffer.write(BOM)
    if names:
        pa_csv.write_csv(table, buffer, _OPTIONS)
    return buffer.getvalue()


def _csv_array(column: PlainColumn) -> pa.Array:
    values = column.values
    if column.kind == "datetime":
        return _datetime_text(values)
    if column.kind == "mixed":
        return pa.array([_mixed_text(v) for v in values], type=pa.large_string())
    return pa.array(values, from_pandas=True)


def _datetime_text(values: pd.Series) -> pa.Array:
    """Dates alone when every value falls on midnight; seconds, and fractions only when there are any."""
    stamps = pa.array(values.astype("datetime64[us]"), from_pandas=True)
    micros = values.astype("datetime64[us]").to_numpy().astype(np.int64)[values.notna().to_numpy()]
    if not (micros % 86_400_000_000).any():
        return pc.strftime(stamps, format="%Y-%m-%d")
    if not (micros % 1_000_000).any():
        return pc.strftime(stamps.cast(pa.timestamp("s")), format="%Y-%m-%d %H:%M:%S")
    return pc.strftime(stamps, format="%Y-%m-%d %H:%M:%S")


def _mixed_text(value: object) -> str | None:
    """One value of a mixed column in the form a typed column of its kind would take."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp | np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    if hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ")
        return text.removesuffix(" 00:00:00")
    return repr(value)
