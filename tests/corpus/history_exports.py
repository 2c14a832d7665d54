"""A corpus of trial-history exports in the layouts real systems produce, written at test time into a folder.

One function per layout: it takes a folder, writes the export there (from ``data/ctn0030`` or
``data/cdiscpilot01``, see ``tests.corpus.exports_base``) and returns an ``Export``. ``LAYOUTS`` lists
them all; ``PLAIN`` names each trial's reference layout (internal headers, ISO dates, UTF-8 CSV).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from tests.corpus.exports_base import (
    CDISC,
    CTN,
    Export,
    as_datetimes,
    cdisc_tables,
    ctn_tables,
    dates,
    excel_serial,
    headers,
    sdtm_domain,
    status_words,
    strftime,
    write_csv,
    write_workbook,
)

CTMS = {
    "subjects": {
        "patient_id": "Subject Number",
        "site_id": "Site Number",
        "age": "Age",
        "gender": "Sex",
        "arm": "Treatment Arm",
        "phase": "Phase",
        "enrolment_date": "Randomization Date",
        "status": "Subject Status",
        "end_date": "End of Study Date",
        "planned_days": "Planned Duration (days)",
    },
    "visits": {"patient_id": "Subject Number", "visit_date": "Visit Date", "attended": "Visit Status"},
    "adverse_events": {
        "patient_id": "Subject Number",
        "onset_date": "AE Start Date",
        "serious": "Serious",
        "severity": "Severity",
    },
}
REDCAP = {
    "subjects": {
        "patient_id": "record_id",
        "site_id": "site",
        "age": "age",
        "gender": "sex",
        "arm": "arm",
        "phase": "phase",
        "enrolment_date": "enrol_date",
        "status": "status",
        "end_date": "ended_on",
        "planned_days": "planned_days",
    },
    "visits": {"patient_id": "record_id", "visit_date": "visit_date", "attended": "attended"},
    "adverse_events": {"patient_id": "record_id", "onset_date": "ae_onset", "serious": "ae_serious"},
}
TITLE = {
    "subjects": {
        "patient_id": "Participant ID",
        "site_id": "Site",
        "age": "Age at Consent",
        "gender": "Gender",
        "arm": "Treatment Arm",
        "phase": "Study Phase",
        "enrolment_date": "Enrolment Date",
        "status": "Status",
        "end_date": "Ended on",
        "planned_days": "Planned Days",
    },
    "visits": {"patient_id": "Participant ID", "visit_date": "Visit Date", "attended": "Attended"},
    "adverse_events": {
        "patient_id": "Participant ID",
        "onset_date": "Onset Date",
        "serious": "Serious",
        "severity": "Severity",
    },
}
CTMS_STATUS = {"ongoing": ("Active", "On study"), "completed": ("Completed",), "withdrawn": ("Early Terminated",)}
REASONS = {
    "ongoing": ("On study",),
    "completed": ("Completed",),
    "withdrawn": ("Lost to Follow-up", "withdrew consent", "Discontinued", "Early Terminated", "Adverse Event"),
}
FILES = {"subjects": "subjects", "visits": "visits", "adverse_events": "adverse_events"}


def _named(tables: dict[str, pd.DataFrame], suffix: str = ".csv") -> dict[str, pd.DataFrame]:
    return {FILES[name] + suffix: frame for name, frame in tables.items()}


# ---------------------------------------------------------------- CTN-0030: subjects and visits


def ctn_plain(folder: Path) -> Export:
    """The reference: internal headers, ISO dates, UTF-8 CSV."""
    return Export("ctn_plain", CTN, write_csv(folder, _named(ctn_tables())))


def ctn_ctms(folder: Path) -> Export:
    """A CTMS listing: "Subject Number", "Randomization Date", 07-Mar-2016, Active/Early Terminated, UTF-8 BOM."""
    tables = ctn_tables()
    tables["subjects"] = status_words(tables["subjects"], CTMS_STATUS)
    tables["visits"]["attended"] = tables["visits"]["attended"].map({"yes": "Completed", "no": "Missed"})
    tables = headers(dates(tables, strftime("%d-%b-%Y")), CTMS)
    return Export("ctn_ctms", CTN, write_csv(folder, _named(tables), encoding="utf-8-sig"))


def ctn_redcap(folder: Path) -> Export:
    """A REDCap report: snake_case (record_id, enrol_date, ended_on), attended as 1/0."""
    tables = ctn_tables()
    tables["visits"]["attended"] = tables["visits"]["attended"].map({"yes": "1", "no": "0"})
    return Export("ctn_redcap", CTN, write_csv(folder, _named(headers(tables, REDCAP))))


def ctn_title_day_first(folder: Path) -> Export:
    """Title Case headers ("Participant ID", "Age at Consent", "Ended on"), dates dd/mm/yyyy."""
    tables = headers(dates(ctn_tables(), strftime("%d/%m/%Y")), TITLE)
    return Export("ctn_title_day_first", CTN, write_csv(folder, _named(tables)), day_first=True)


def ctn_month_first(folder: Path) -> Export:
    """US dates mm/dd/yyyy, CTMS headers."""
    tables = headers(dates(ctn_tables(), strftime("%m/%d/%Y")), CTMS)
    return Export("ctn_month_first", CTN, write_csv(folder, _named(tables)), day_first=False)


def ctn_semicolon_dotted(folder: Path) -> Export:
    """A European export: semicolons, dd.mm.yyyy, decimal commas in an extra column, Windows-1252."""
    tables = dates(ctn_tables(), strftime("%d.%m.%Y"))
    tables["subjects"]["Gewicht (kg)"] = [f"{60 + i % 40},{i % 10}" for i in range(len(tables["subjects"]))]
    tables["subjects"]["arm"] = tables["subjects"]["arm"].str.replace(" + ", " – ", regex=False)
    return Export("ctn_semicolon_dotted", CTN, write_csv(folder, _named(tables), sep=";", encoding="cp1252"))


def ctn_latin1(folder: Path) -> Export:
    """Latin-1 text with accented site names and Title Case headers."""
    tables = ctn_tables()
    tables["subjects"]["site_id"] = "Clínica " + tables["subjects"]["site_id"]
    return Export("ctn_latin1", CTN, write_csv(folder, _named(headers(tables, TITLE)), encoding="latin-1"))


def ctn_unicode_text(folder: Path) -> Export:
    """Excel's "Unicode text": UTF-16 with a BOM, tab-separated, .txt."""
    tables = headers(ctn_tables(), TITLE)
    return Export("ctn_unicode_text", CTN, write_csv(folder, _named(tables, ".txt"), sep="\t", encoding="utf-16"))


def ctn_workbook(folder: Path) -> Export:
    """One workbook, a sheet per table, dates as Excel date cells."""
    tables = headers(as_datetimes(ctn_tables()), TITLE)
    path = write_workbook(folder / "ctn0030_export.xlsx", {"Subjects": tables["subjects"], "Visits": tables["visits"]})
    return Export("ctn_workbook", CTN, path)


def ctn_excel_serials(folder: Path) -> Export:
    """Separate .xlsx files whose dates lost their format: bare Excel serial numbers (42454)."""
    tables = dates(ctn_tables(), excel_serial)
    write_workbook(folder / "Subjects.xlsx", {"Sheet1": tables["subjects"]})
    write_workbook(folder / "Visits.xlsx", {"Sheet1": tables["visits"]})
    return Export("ctn_excel_serials", CTN, folder)


def ctn_status_reasons(folder: Path) -> Export:
    """Statuses as the reason for leaving: Lost to Follow-up, withdrew consent, Discontinued, On study."""
    tables = ctn_tables()
    tables["subjects"] = status_words(tables["subjects"], REASONS)
    return Export("ctn_status_reasons", CTN, write_csv(folder, _named(tables)))


def ctn_no_phase(folder: Path) -> Export:
    """No phase column: the phase is said on the side."""
    tables = headers(ctn_tables(), {"subjects": {"phase": None}})
    return Export("ctn_no_phase", CTN, write_csv(folder, _named(tables)), phase="III")


def ctn_no_site_no_attended(folder: Path) -> Export:
    """No site column and no attended column (every listed visit took place)."""
    tables = headers(ctn_tables(), {"subjects": {"site_id": None}, "visits": {"attended": None}})
    return Export("ctn_no_site_no_attended", CTN, write_csv(folder, _named(tables)))


def ctn_phase_iv(folder: Path) -> Export:
    """A Phase IV (post-marketing) study, with an empty adverse-events file (header only)."""
    tables = ctn_tables()
    tables["subjects"]["phase"] = "Phase IV"
    tables["adverse_events"] = pd.DataFrame(columns=["patient_id", "onset_date", "serious", "severity"])
    return Export("ctn_phase_iv", CTN, write_csv(folder, _named(tables)))


# ---------------------------------------------------------------- CDISC Pilot 01: three tables, or SDTM


def cdisc_sdtm_csv(folder: Path) -> Export:
    """SDTM domains as CSV instead of .xpt (dm.csv, ds.csv, sv.csv, ts.csv, ae.csv)."""
    domains = {f"{name}.csv": sdtm_domain(name) for name in ("dm", "ds", "sv", "ts", "ae")}
    return Export("cdisc_sdtm_csv", CDISC, write_csv(folder, domains))


def cdisc_sdtm_semicolon(folder: Path) -> Export:
    """SDTM domains as semicolon CSV in UTF-8 with a BOM, upper-case file names."""
    domains = {f"{name.upper()}.csv": sdtm_domain(name) for name in ("dm", "ds", "sv", "ts", "ae")}
    return Export("cdisc_sdtm_semicolon", CDISC, write_csv(folder, domains, sep=";", encoding="utf-8-sig"))


def cdisc_plain(folder: Path) -> Export:
    """The three tables with internal headers, ISO dates."""
    return Export("cdisc_plain", CDISC, write_csv(folder, _named(cdisc_tables())))


def cdisc_workbook(folder: Path) -> Export:
    """One workbook with three sheets (Subjects, Visits, Adverse Events), Title Case, Excel date cells."""
    tables = headers(as_datetimes(cdisc_tables()), TITLE)
    sheets = {"Subjects": tables["subjects"], "Visits": tables["visits"], "Adverse Events": tables["adverse_events"]}
    return Export("cdisc_workbook", CDISC, write_workbook(folder / "cdiscpilot01.xlsx", sheets))


def cdisc_ctms(folder: Path) -> Export:
    """CTMS headers, 07-Mar-2014 dates, Completed / Early Terminated, UTF-8 BOM."""
    tables = cdisc_tables()
    tables["subjects"] = status_words(tables["subjects"], CTMS_STATUS)
    tables = headers(dates(tables, strftime("%d-%b-%Y")), CTMS)
    return Export("cdisc_ctms", CDISC, write_csv(folder, _named(tables), encoding="utf-8-sig"))


def cdisc_redcap(folder: Path) -> Export:
    """REDCap snake_case, statuses as reasons for leaving."""
    tables = cdisc_tables()
    tables["subjects"] = status_words(tables["subjects"], REASONS)
    tables["adverse_events"] = tables["adverse_events"].drop(columns="severity")
    return Export("cdisc_redcap", CDISC, write_csv(folder, _named(headers(tables, REDCAP))))


def cdisc_no_adverse_events(folder: Path) -> Export:
    """Subjects and visits only: no adverse-events table at all."""
    tables = cdisc_tables()
    del tables["adverse_events"]
    return Export("cdisc_no_adverse_events", CDISC, write_csv(folder, _named(tables)))


def cdisc_month_first_tabs(folder: Path) -> Export:
    """Tab-separated .tsv files, US dates mm/dd/yyyy."""
    tables = dates(cdisc_tables(), strftime("%m/%d/%Y"))
    return Export("cdisc_month_first_tabs", CDISC, write_csv(folder, _named(tables, ".tsv"), sep="\t"), day_first=False)


def cdisc_unicode_text(folder: Path) -> Export:
    """Excel's "Unicode text" (UTF-16, tabs), dd.mm.yyyy dates, no phase column."""
    tables = headers(dates(cdisc_tables(), strftime("%d.%m.%Y")), {"subjects": {"phase": None}})
    return Export(
        "cdisc_unicode_text", CDISC, write_csv(folder, _named(tables, ".txt"), sep="\t", encoding="utf-16"), phase="II"
    )


LAYOUTS: dict[str, Callable[[Path], Export]] = {
    layout.__name__: layout
    for layout in (
        ctn_plain,
        ctn_ctms,
        ctn_redcap,
        ctn_title_day_first,
        ctn_month_first,
        ctn_semicolon_dotted,
        ctn_latin1,
        ctn_unicode_text,
        ctn_workbook,
        ctn_excel_serials,
        ctn_status_reasons,
        ctn_no_phase,
        ctn_no_site_no_attended,
        ctn_phase_iv,
        cdisc_sdtm_csv,
        cdisc_sdtm_semicolon,
        cdisc_plain,
        cdisc_workbook,
        cdisc_ctms,
        cdisc_redcap,
        cdisc_no_adverse_events,
        cdisc_month_first_tabs,
        cdisc_unicode_text,
    )
}
PLAIN = {CTN: "ctn_plain", CDISC: "cdisc_plain"}
