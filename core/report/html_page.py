"""The week's report as one HTML file that opens offline: plotly's script embedded once, styles inline.

Nothing is fetched from anywhere: no script, style sheet, image or font address; the figures are the
aggregated curve points (``core.report.figure_specs``). Every text from a file or a person is escaped.
"""

from __future__ import annotations

import functools
import html
import json

import pandas as pd
from plotly.offline import get_plotlyjs

from core.report.content import IDENTIFIERS_NOTE, WeekReport
from core.report.figure_specs import evaluation_specs

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 2rem auto;
       max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } .stamp, .note { color: #555; font-size: 0.9rem; }
.identifiers { border-left: 4px solid #b2182b; padding: 0.3rem 0.8rem; background: #fbf3f3; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 1rem; }
.figure { min-width: 0; width: 100%; }
@media print { .figures { display: block; } }
"""
CONFIG = {"displaylogo": False, "responsive": True, "showLink": False, "modeBarButtonsToRemove": ["sendDataToCloud"]}


@functools.cache
def plotly_script() -> str:
    """plotly.js as shipped with the plotly package (read once per process)."""
    return get_plotlyjs()


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _paragraphs(lines: list[str], css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return "".join(f"<p{attribute}>{_text(line)}</p>" for line in lines)


def table_html(frame: pd.DataFrame, css_id: str = "") -> str:
    """A frame of text as an HTML table, every cell escaped."""
    attribute = f' id="{css_id}"' if css_id else ""
    head = "".join(f"<th>{_text(c)}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_text(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    return f"<table{attribute}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _figure(name: str, spec: dict) -> str:
    data = json.dumps({"data": spec["data"], "layout": spec["layout"], "config": CONFIG}, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # a label can never close the script element
    return (
        f'<div id="figure-{name}" class="figure"></div><script>(function(){{var f={data};'
        f'Plotly.newPlot("figure-{name}",f.data,f.layout,f.config);}})();</script>'
    )


def _evaluation(report: WeekReport) -> str:
    if report.evaluation is None:
        return (
            "<p>No outcomes are known for these patients yet, so the model cannot be checked against what happened. "
            "A file with a dropout column, or a trial's history scored as of a past date, adds this section.</p>"
        )
    figures = "".join(_figure(name, spec) for name, spec in evaluation_specs(report.evaluation).items())
    return (
        _paragraphs(report.evaluation_words)
        + '<p class="note">Shaded bands and bars: 95% ranges from resampling whole patients.</p>'
        + f'<div class="figures">{figures}</div>'
    )


def report_html(report: WeekReport) -> str:
    """The whole report as one HTML document."""
    settings = pd.DataFrame(report.settings, columns=["Setting", "In force"])
    landmarks = "" if report.landmarks is None else "<p>ROC AUC by landmark day:</p>" + table_html(report.landmarks)
    changes = report.changes or ["Not known: no earlier week of this trial was given to compare with."]
    plotly = f"<script>{plotly_script()}</script>" if report.evaluation is not None else ""
    sites = table_html(report.sites) if not report.sites.empty else "<p>The file gives no sites.</p>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Week's report: {_text(report.trial)}, {report.as_of:%Y-%m-%d}</title><style>{STYLE}</style>{plotly}</head>
<body>
<h1>The week's report: {_text(report.trial)}</h1>
<p><strong>As of {report.as_of:%d %B %Y}.</strong></p>
<p class="stamp" id="stamp">{_text(report.stamp)}</p>
<p class="identifiers">{_text(IDENTIFIERS_NOTE)}</p>
{_paragraphs(report.headline)}
<h2>The model</h2>{_paragraphs(report.model)}{landmarks}
<h2>The decision</h2>{table_html(settings, "settings")}
<h2>What it costs</h2>{table_html(report.cost_table, "cost-table")}<p class="note">{_text(report.cost_note)}</p>
<h2>Call list (patient identifiers)</h2>
<p class="identifiers">{_text(report.call_list_note)} This is the only section with patient identifiers.</p>
{table_html(report.call_list, "call-list")}
<h2>By site</h2>{sites}
<h2>What changed since last week</h2>{_paragraphs(changes)}
<h2>How the model did on your outcomes</h2>{_evaluation(report)}
<p class="stamp">{_text(report.stamp)}</p>
</body></html>
"""
