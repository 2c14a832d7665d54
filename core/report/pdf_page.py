"""The week's report as a PDF for printing and filing: fpdf2 (pure Python), no browser, no system library.

Text in DejaVu Sans (the font file matplotlib ships, so any character a trial file holds prints), tables
with a grey header row, the evaluation as one black-and-white picture (``core.report.static_figures``).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd
from fpdf import FPDF

from core.report.content import IDENTIFIERS_NOTE, WeekReport

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FAMILY = "DejaVu"
HEADER_FILL = (225, 225, 225)
PAD = 0.8  # mm inside each table cell


class _Document(FPDF):
    def __init__(self, report: WeekReport) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(14, 14, 14)
        self.set_creation_date(report.made_at)
        self.set_title(f"Week's report: {report.trial}, {report.as_of:%Y-%m-%d}")
        self.set_author(report.made_by)
        self._widths: dict[tuple[str, float, str], float] = {}

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FAMILY, "", 7)
        self.cell(0, 5, f"{self.report.trial}, as of {self.report.as_of:%Y-%m-%d} · page {self.page_no()}", align="C")

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font(FAMILY, "B", 12)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, "", 9)

    def lines(self, lines: list[str], size: float = 9) -> None:
        self.set_font(FAMILY, "", size)
        for line in lines:
            self.multi_cell(0, 4.6, line, new_x="LMARGIN", new_y="NEXT", align="L")
            self.ln(0.8)

    def table_of(self, frame: pd.DataFrame, size: float = 8, widths: tuple[float, ...] | None = None) -> None:
        """A table with a grey header row repeated on every page; cells wrap at word boundaries.

        Drawn with the low-level text and rectangle calls and a cache of word widths: fpdf2's own table
        lays out each cell's text twice and took a minute for a 1,000-patient call list on a busy machine.
        """
        share = widths or (1.0,) * frame.shape[1]
        columns = [self.epw * w / sum(share) for w in share]
        line = size * 0.42
        header = [str(c) for c in frame.columns]
        self._row(header, columns, size, line, bold=True)
        for values in frame.itertuples(index=False, name=None):
            self._row([str(v) for v in values], columns, size, line, repeat=header)
        self.set_font(FAMILY, "", 9)
        self.ln(2)

    def _row(
        self,
        cells: list[str],
        columns: list[float],
        size: float,
        line: float,
        bold: bool = False,
        repeat: list[str] | None = None,
    ) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        wrapped = [self._wrap(text, width - 2 * PAD) for text, width in zip(cells, columns, strict=True)]
        height = max(len(lines) for lines in wrapped) * line + 2 * PAD
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
            if repeat is not None:
                self._row(repeat, columns, size, line, bold=True)
                self.set_font(FAMILY, "", size)
        x, y = self.l_margin, self.get_y()
        for lines, width in zip(wrapped, columns, strict=True):
            if bold:
                self.set_fill_color(*HEADER_FILL)
                self.rect(x, y, width, height, style="DF")
            else:
                self.rect(x, y, width, height)
            for i, text in enumerate(lines):
                self.text(x + PAD, y + PAD + (i + 0.8) * line, text)
            x += width
        self.set_xy(self.l_margin, y + height)

    def _wrap(self, text: str, width: float) -> list[str]:
        """Greedy word wrap at the current font (a word wider than the cell is cut where it must be)."""
        lines: list[str] = []
        current, used = "", 0.0
        space = self._width(" ")
        for word in text.split():
            size = self._width(word)
            while size > width and len(word) > 1:  # a long identifier: cut it
                cut = max(1, int(len(word) * width / size))
                lines += [current] if current else []
                lines.append(word[:cut])
                current, used, word = "", 0.0, word[cut:]
                size = self._width(word)
            if current and used + space + size > width:
                lines.append(current)
                current, used = word, size
            else:
                current, used = (f"{current} {word}", used + space + size) if current else (word, size)
        return [*lines, current] if current or not lines else lines

    def _width(self, word: str) -> float:
        key = (self.font_style, self.font_size_pt, word)
        found = self._widths.get(key)
        if found is None:
            found = self._widths[key] = self.get_string_width(word)
        return found


def _call_list_widths(frame: pd.DataFrame) -> tuple[float, ...]:
    """Reasons get the room; the short columns stay narrow."""
    narrow = {"Site": 1.7, "Risk band": 1.1, "Chance of dropping out": 1.2, "Contact": 1.6, "Last contact": 1.5}
    return tuple(4.2 if c == "Reasons" else narrow.get(c, 1.4) for c in frame.columns)


def report_pdf(report: WeekReport) -> bytes:
    """The whole report as PDF bytes."""
    from core.report.static_figures import evaluation_png  # matplotlib only when a PDF is made

    pdf = _Document(report)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(0, 8, f"The week's report: {report.trial}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(0, 6, f"As of {report.as_of:%d %B %Y}", new_x="LMARGIN", new_y="NEXT")
    pdf.lines([report.stamp, IDENTIFIERS_NOTE], size=8)
    pdf.lines(report.headline)
    pdf.heading("The model")
    pdf.lines(report.model)
    if report.landmarks is not None:
        pdf.lines(["ROC AUC by landmark day:"])
        pdf.table_of(report.landmarks)
    pdf.heading("The decision")
    pdf.table_of(pd.DataFrame(report.settings, columns=["Setting", "In force"]), widths=(1, 2))
    pdf.heading("What it costs")
    pdf.table_of(report.cost_table, widths=(2.2, 1, 1, 1))
    pdf.lines([report.cost_note], size=8)
    pdf.heading("Call list (patient identifiers)")
    pdf.lines([f"{report.call_list_note} This is the only section with patient identifiers."])
    pdf.table_of(report.call_list, size=7, widths=_call_list_widths(report.call_list))
    pdf.heading("By site")
    if report.sites.empty:
        pdf.lines(["The file gives no sites."])
    else:
        pdf.table_of(report.sites)
    pdf.heading("What changed since last week")
    pdf.lines(report.changes or ["Not known: no earlier week of this trial was given to compare with."])
    pdf.heading("How the model did on your outcomes")
    if report.evaluation is None:
        pdf.lines(
            ["No outcomes are known for these patients yet, so the model cannot be checked against what happened."]
        )
    else:
        pdf.lines(report.evaluation_words)
        pdf.add_page()
        pdf.image(evaluation_png(report.evaluation), w=pdf.epw)
        pdf.lines(["Grey bands and bars: 95% ranges from resampling whole patients."], size=8)
    return bytes(pdf.output())
