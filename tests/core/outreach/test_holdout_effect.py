"""core.outreach.holdout_effect: the fair test's estimate, checked by hand and in simulated trials with a known effect.

In these worlds coordinators also call the would-be dropouts they sense (``hidden_lean``), which the risk
score cannot see: the observational estimate is then biased, the randomised one is not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.outreach.effectiveness import estimate_effectiveness
from core.outreach.holdout import HELD_OUT_WORDS, mark_held_out
from core.outreach.holdout_effect import RandomisedEstimate, estimate_randomised
from core.outreach.opportunities import build_opportunities
from core.outreach.simulation import OutreachWorld, simulate_outreach

TRUTH = 0.30
SEEDS = range(30)
WORLD = OutreachWorld(true_effect=TRUTH, holdout_share=0.25, hidden_lean=1.5)


@pytest.fixture(scope="module")
def simulated():
    found = []
    for seed in SEEDS:
        trial = simulate_outreach(WORLD, seed)
        opportunities = build_opportunities(trial.scorings, trial.contacts)
        weeks = range(1, WORLD.weeks + 1)
        randomised = estimate_randomised(opportunities, trial.held_out, weeks, replicates=200, seed=seed)
        observed = estimate_effectiveness(opportunities, replicates=50, seed=seed)
        found.append((randomised, observed))
    return found


def test_the_randomised_interval_holds_the_true_effect_about_as_often_as_it_says(simulated):
    assert all(r.measured and r.held_out_called_flags == 0 for r, _ in simulated)
    covered = np.mean([r.interval[0] <= TRUTH <= r.interval[1] for r, _ in simulated])
    assert covered >= 0.85, [(round(r.effectiveness, 3), r.interval) for r, _ in simulated]  # nominal 95%


def test_the_randomised_estimate_is_less_biased_than_the_observational_one(simulated):
    randomised = np.array([r.effectiveness for r, _ in simulated])
    observed = np.array([o.effectiveness for _, o in simulated])
    # medians: a ratio's mean is pulled about by the rare trial whose held-out group happened to drop out little
    assert abs(np.median(randomised) - TRUTH) < 0.06, randomised
    assert abs(np.median(observed) - TRUTH) > 0.15, observed  # coordinators' hidden knowledge misleads it
    assert abs(np.median(randomised) - TRUTH) < abs(np.median(observed) - TRUTH) / 3


def _flags(week: int, kind: str, n: int, dropouts: int) -> pd.DataFrame:
    """``n`` flags of one week: kind lc (listed, called), ln (listed, not called), hn (held out, not called)."""
    return pd.DataFrame(
        {
            "patient_id": [f"{week}-{kind}-{i}" for i in range(n)],
            "upload_id": week,
            "contacted": kind == "lc",
            "dropped_out": pd.array([i < dropouts for i in range(n)], dtype="boolean"),
            "held": kind == "hn",
        }
    )


def test_the_figure_is_the_one_worked_out_by_hand():
    # Week 1: 60 listed (30 called, 6 dropped out; 30 not called, 12 dropped out); 20 held out, 10 dropped out.
    # Week 2: 40 listed (20 called, 2 dropped out; 20 not, 6); 40 held out, 12 dropped out. Week 3 not drawn.
    frames = [
        _flags(1, "lc", 30, 6), _flags(1, "ln", 30, 12), _flags(1, "hn", 20, 10),
        _flags(2, "lc", 20, 2), _flags(2, "ln", 20, 6), _flags(2, "hn", 40, 12),
        _flags(3, "lc", 50, 0), _flags(3, "ln", 50, 50),
    ]  # fmt: skip
    rows = pd.concat(frames, ignore_index=True)
    held = rows.loc[rows["held"], ["upload_id", "patient_id"]]
    found = estimate_randomised(rows.drop(columns="held"), held, [1, 2], replicates=100)
    # without calls the called would have had: week 1: 60 × 10/20 − 12 = 18; week 2: 40 × 12/40 − 6 = 6
    # with them: 6 + 2 = 8, among 30 + 20 = 50 calls
    assert found.effectiveness == pytest.approx(1 - 8 / 24)
    assert found.difference == pytest.approx((24 - 8) / 50)
    assert (found.rate_called, found.rate_called_without) == (pytest.approx(8 / 50), pytest.approx(24 / 50))
    assert (found.weeks, found.held_out_patients, found.called_flags, found.listed_flags) == (2, 60, 50, 100)
    assert found.interval[0] < found.effectiveness < found.interval[1]


def test_too_few_held_out_patients_or_no_draw_is_a_refusal_in_plain_words():
    rows = pd.concat([_flags(1, "lc", 30, 6), _flags(1, "ln", 30, 12), _flags(1, "hn", 5, 2)], ignore_index=True)
    held = rows.loc[rows["held"], ["upload_id", "patient_id"]]
    few = estimate_randomised(rows.drop(columns="held"), held, [1])
    assert not few.measured and "5 held out" in few.refusal and "at least 20" in few.refusal
    none = estimate_randomised(rows.drop(columns="held"), held.iloc[:0], [])
    assert not none.measured and "manager can switch on the fair test" in none.refusal
    assert none.weeks_to_narrow() is None


def test_weeks_to_narrow_follow_the_square_root_rule():
    estimate = RandomisedEstimate(
        0.3, (0.2, 0.4), 0.05, (0.0, 0.1), 0.2, 0.3, 100, 120, 0, 900, 400, 0, weeks=10, replicates=100
    )  # ±10 points after 10 weeks: ±5 needs four times the data, 30 weeks more
    assert estimate.weeks_to_narrow(0.05) == 30
    assert estimate.weeks_to_narrow(0.10) == 0 and estimate.weeks_to_narrow(0.2) == 0


def test_held_out_patients_are_marked_not_to_call_at_their_own_site_only():
    table = pd.DataFrame(
        {
            "patient_id": ["P-1", "P-1", "P-2"],
            "site_id": ["A", "B", "A"],
            "flagged": [True, True, True],
            "contact": ["Phone call"] * 3,
            "contact_cost": [150.0] * 3,
        }
    )
    marked = mark_held_out(table, frozenset({("B", "P-1")}))
    assert marked.columns.tolist()[:4] == ["patient_id", "site_id", "flagged", "fair_test"]
    assert marked["fair_test"].tolist() == ["", HELD_OUT_WORDS, ""]
    assert marked["contact"].tolist() == ["Phone call", HELD_OUT_WORDS, "Phone call"]
    assert marked["contact_cost"].tolist() == [150.0, 0.0, 150.0]
