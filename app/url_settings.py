"""The decision settings in the page's address (query parameters), so a refresh keeps them.

A browser refresh starts a new Streamlit session; the address is what survives it. Values read back
are checked like any input: an unreadable or out-of-range value is ignored, never trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.decisions.policy import PLANS

# address name -> (parse, format)
_FIELDS: dict[str, tuple[Callable[[str], Any], Callable[[Any], str]]] = {}


def _number(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = float(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return parse


def _capacity(text: str) -> int | None:
    if text == "none":
        return None
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _plan(text: str) -> str:
    if text not in PLANS:
        raise ValueError(text)
    return text


def _yes(text: str) -> bool:
    return text == "1"


_FIELDS.update(
    {
        "threshold": (_number(0.0, 1.0), lambda v: f"{float(v):.2f}"),
        "contact_cost": (_number(0.0, 1e6), lambda v: f"{float(v):g}"),
        "dropout_cost": (_number(0.0, 1e7), lambda v: f"{float(v):g}"),
        "effectiveness": (_number(0.0, 1.0), lambda v: f"{float(v):g}"),
        "capacity": (_capacity, lambda v: "none" if v is None else str(int(v))),
        "plan": (_plan, str),
        "costs_set": (_yes, lambda v: "1" if v else "0"),
    }
)
NAMES = tuple(_FIELDS)


def read(params: Mapping[str, str]) -> dict[str, Any]:
    """Values by address name; anything unreadable or out of range is left out."""
    values: dict[str, Any] = {}
    for name, (parse, _) in _FIELDS.items():
        if name in params:
            try:
                values[name] = parse(str(params[name]))
            except (TypeError, ValueError):
                continue
    return values


def write(values: Mapping[str, Any]) -> dict[str, str]:
    """Address parameters for values given by address name."""
    return {name: show(values[name]) for name, (_, show) in _FIELDS.items() if name in values}
