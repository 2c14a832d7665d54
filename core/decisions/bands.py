"""Risk bands: cut points on the dropout probability, each with the outreach it calls for and its price."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RiskBand:
    """A band on the dropout probability with the outreach it calls for."""

    name: str
    lower: float  # probability at or above which the band starts
    action: str
    action_cost: float  # dollars per patient
    colour: str


# Highest band first; the last band's lower bound is 0. Factory defaults: a deployment may override
# them (core.settings); training always records these.
FACTORY_BANDS: tuple[RiskBand, ...] = (
    RiskBand("Critical", 0.75, "Retention team visit", 500.0, "#b2182b"),
    RiskBand("High", 0.55, "Nurse or physician call", 150.0, "#ef8a62"),
    RiskBand("Medium", 0.35, "Proactive phone or telehealth check-in", 45.0, "#f4c542"),
    RiskBand("Low", 0.0, "Automated reminder", 0.50, "#67a9cf"),
)


def band_index(probability: np.ndarray, bands: tuple[RiskBand, ...]) -> np.ndarray:
    """Index into ``bands`` (highest first) for each probability."""
    lowers = np.array([b.lower for b in bands])[::-1]  # ascending
    position = np.searchsorted(lowers, np.asarray(probability, dtype=float), side="right") - 1
    return len(bands) - 1 - position


def assign_bands(probability: np.ndarray, bands: tuple[RiskBand, ...]) -> list[RiskBand]:
    """The band of each probability."""
    return [bands[i] for i in band_index(probability, bands)]


def band_plan(probability: np.ndarray, bands: tuple[RiskBand, ...]) -> list[dict[str, float | str | int]]:
    """Patients per band and the cost of giving each its band's action (dollars): the tiered plan."""
    counts = np.bincount(band_index(probability, bands), minlength=len(bands))
    return [
        {
            "band": b.name,
            "action": b.action,
            "patients": int(c),
            "cost_per_patient": b.action_cost,
            "cost": float(c * b.action_cost),
        }
        for b, c in zip(bands, counts, strict=True)
    ]


def band_by_name(bands: tuple[RiskBand, ...], name: str) -> RiskBand:
    """The band called ``name`` (KeyError when there is none)."""
    for band in bands:
        if band.name == name:
            return band
    raise KeyError(name)
