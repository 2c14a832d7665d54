"""Read a trial history in whichever form it comes: CDISC SDTM domains, or the three tables.

SDTM is recognised from the files alone, before anything is parsed: a SAS transport (.xpt) file, a
file named after a domain SDTM needs (dm, ds, sv), or a table whose header holds USUBJID.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePath

from core.history.columns import HistoryContract
from core.history.contracts import HISTORY
from core.history.sdtm import DOMAINS, read_sdtm
from core.history.three_tables import read_three_tables
from core.history.trial_history import TrialHistory
from core.reading.errors import SchemaError

_NAMED_DOMAINS = tuple(d for d in DOMAINS if d in ("DM", "DS", "SV"))
HISTORY_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xpt")


def _header_line(data: bytes) -> bytes:
    return data[:4096].split(b"\n", 1)[0].upper()


def is_sdtm(files: Mapping[str, bytes]) -> bool:
    """True when the files look like SDTM domains rather than the three tables."""
    for name, data in files.items():
        stem = PurePath(name).stem.upper()
        # "ae.csv" beside "subjects.csv" is the three tables' adverse events: only DM, DS or SV say SDTM by name.
        if name.lower().endswith(".xpt") or stem in _NAMED_DOMAINS or b"USUBJID" in _header_line(data):
            return True
    return False


def _sheet_count(data: bytes) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(1 for name in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name))
    except zipfile.BadZipFile:
        return 0


def looks_like_history(files: Mapping[str, bytes]) -> bool:
    """True for a trial history (several tables, SDTM, or a workbook of several sheets), False for one cohort file."""
    if len(files) > 1 or is_sdtm(files):
        return True
    ((name, data),) = files.items()
    return name.lower().endswith((".xlsx", ".xlsm")) and _sheet_count(data) > 1


def read_history(
    files: Mapping[str, bytes],
    *,
    day_first: bool | None = None,
    phase: str | None = None,
    max_upload_mb: float | None = None,
    contract: HistoryContract = HISTORY,
    columns: Mapping[str, Mapping[str, str]] | None = None,
) -> TrialHistory:
    """A trial history from its files (file name -> bytes): SDTM or the three tables, as ``contract`` declares them.

    ``columns`` is the user's own column matching, table ("subjects", "visits", "adverse_events") -> field ->
    header; it wins over the automatic matching (SDTM domains have fixed variable names and ignore it). Each
    table's report (``history.report.table(name)``) holds the matching used (``mapping``) and the headers no
    field took (``unmatched``). Raises SchemaError (AmbiguousDatesError when the order of day and month must be
    asked).
    """
    if not files:
        raise SchemaError(
            "No files were given. A trial history is three tables (subjects, visits, adverse "
            "events) or CDISC SDTM domains (DM, DS, SV, AE, TS)."
        )
    if is_sdtm(files):
        return read_sdtm(files, day_first=day_first, phase=phase, max_upload_mb=max_upload_mb, contract=contract)
    return read_three_tables(
        files, day_first=day_first, phase=phase, max_upload_mb=max_upload_mb, contract=contract, columns=columns
    )


def files_sha256(files: Mapping[str, bytes]) -> str:
    """One fingerprint of a history's files: their names and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def history_files(path: Path) -> dict[str, bytes]:
    """The files of a history on disk: every table file in a folder, or one workbook."""
    if path.is_dir():
        found = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.suffix.lower() in HISTORY_SUFFIXES}
        if not found:
            raise SchemaError(f"{path} holds no table files ({', '.join(HISTORY_SUFFIXES)}).")
        return found
    return {path.name: path.read_bytes()}
