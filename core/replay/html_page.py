"""A replay as one small self-contained HTML page: the answer, the comparison, the capacity curve (inline SVG)
and the figures per site. No script, no outside address; every text goes through ``html.escape``."""

from __future__ import annotations

from html import escape
from typing import Any

from core.replay.calls import RULES
from core.replay.words import CALL_LIST, comparison_rows, headline, how_it_was_done, number

_STYLE = (
    "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;color:#222}"
    "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}"
    "td:first-child,th:first-child{text-align:left}"
)
_COLOURS = {"call_list": "#1f77b4", "no_visit_14_days": "#ff7f0e", "missed_last_visit": "#2ca02c", "random": "#999"}


def _table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{escape(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row.values()) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def curve_svg(curve: list[dict[str, Any]], width: int = 560, height: int = 300) -> str:
    """Withdrawals reached against calls per week, one line per strategy."""
    if not curve:
        return ""
    x_max = max(p["calls_per_week"] for p in curve) or 1.0
    keys = ["reached_before_leaving", *RULES]
    y_max = max(max(p[k] or 0 for k in keys) for p in curve) or 1.0

    def xy(point: dict[str, Any], key: str) -> str:
        x = 50 + (width - 70) * point["calls_per_week"] / x_max
        y = height - 40 - (height - 60) * (point[key] or 0) / y_max
        return f"{x:.1f},{y:.1f}"

    lines, legend = [], []
    for i, key in enumerate(keys):
        name = "call_list" if key == "reached_before_leaving" else key
        colour = _COLOURS[name]
        lines.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(xy(p, key) for p in curve)}"/>'
        )
        label = CALL_LIST if name == "call_list" else RULES[name]
        legend.append(f'<text x="60" y="{20 + 14 * i}" fill="{colour}" font-size="12">{escape(label)}</text>')
    axes = (
        f'<line x1="50" y1="{height - 40}" x2="{width - 20}" y2="{height - 40}" stroke="#444"/>'
        f'<line x1="50" y1="20" x2="50" y2="{height - 40}" stroke="#444"/>'
        f'<text x="{width / 2}" y="{height - 10}" font-size="12" text-anchor="middle">calls per week '
        f"(0 to {escape(number(x_max))})</text>"
        f'<text x="12" y="{height / 2}" font-size="12" transform="rotate(-90 12 {height / 2})" text-anchor="middle">'
        f"withdrawals reached (0 to {escape(number(y_max))})</text>"
    )
    return f'<svg role="img" width="{width}" height="{height}">{axes}{"".join(lines)}{"".join(legend)}</svg>'


def _site_rows(result: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for site, f in result["by_site"].items():
        row = {
            "Site": site,
            "Withdrew": f"{f['dropouts']:,}",
            "Reached by the call list": number(f["reached_before_leaving"]),
        }
        for rule, label in RULES.items():
            row[f"Reached: {label}"] = number(f.get("baselines", {}).get(rule, {}).get("reached_before_leaving"))
        row["Calls"] = number(f["calls"])
        rows.append(row)
    return rows


def replay_html(result: dict[str, Any], trial: str) -> str:
    """The whole page."""
    steps = "".join(f"<li>{escape(line)}</li>" for line in how_it_was_done(result))
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Replay of {escape(trial)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>Replay of {escape(trial)}</h1>"
        f"<p>{escape(headline(result))}</p>{_table(comparison_rows(result))}"
        f"<h2>More calls a week: where extra staff stops paying</h2>{curve_svg(result.get('capacity_curve', []))}"
        f"<h2>By site</h2>{_table(_site_rows(result))}<h2>How this was worked out</h2><ul>{steps}</ul></body></html>"
    )
