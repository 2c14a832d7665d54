"""The order of the call list: by the chance of dropping out before the end of the trial (every model) or, under a
time-to-dropout model, by the chance of leaving within N weeks (a team that can reach only the most urgent this
month asks who is likely to leave soonest).

Only the order changes. Who is flagged (``Policy.flagged``: the threshold and the staff capacity read the chance
before the end), each flagged patient's contact and its price stay exactly as they are.
"""

from __future__ import annotations

from core.model.bundle import ModelBundle
from core.model.time_model import horizon_column

BY_END = "probability"  # the default order: the chance of dropping out before the end, the one flags read
BY_END_WORDS = "chance of dropping out before the end of the trial"


class OrderRefused(ValueError):
    """An order the model in use cannot give (a horizon it has no chance for)."""


def within_words(weeks: int) -> str:
    return f"chance of leaving within {int(weeks)} weeks"


def order_choices(bundle: ModelBundle) -> dict[str, str]:
    """The orders the model in use can give, column -> words (only the chance before the end for a landmark model)."""
    return {BY_END: BY_END_WORDS, **{horizon_column(w): within_words(w) for w in bundle.horizons}}


def order_words(order_by: str, bundle: ModelBundle) -> str:
    """How a list in this order is sorted, in words: "highest risk first" (the chance before the end) or
    "highest chance of leaving within 4 weeks first"."""
    if order_by == BY_END or order_by not in order_choices(bundle):
        return "highest risk first"
    return f"highest {order_choices(bundle)[order_by]} first"


def _offered(bundle: ModelBundle) -> str:
    if not bundle.horizons:
        return (
            f"the model in use ({bundle.version}) is not a time-to-dropout model: it gives only the chance of "
            "dropping out before the end"
        )
    weeks = ", ".join(str(w) for w in bundle.horizons)
    return f"the model in use ({bundle.version}) gives the chance of leaving within {weeks} weeks"


def order_for_weeks(bundle: ModelBundle, weeks: int) -> str:
    """The scored column to order by for "within ``weeks`` weeks"; OrderRefused when the model gives no such chance."""
    if int(weeks) not in bundle.horizons:
        raise OrderRefused(f"cannot order the list by the chance of leaving within {weeks} weeks: {_offered(bundle)}")
    return horizon_column(weeks)


def check_order(order_by: str, bundle: ModelBundle) -> str:
    """``order_by`` when the model in use gives it, else OrderRefused saying what it does give."""
    if order_by not in order_choices(bundle):
        raise OrderRefused(f"cannot order the list by {order_by!r}: {_offered(bundle)}")
    return order_by


def order_about(order_by: str, bundle: ModelBundle) -> list[tuple[str, str]]:
    """The line an export's "About this export" adds when its list is not in the usual order (none otherwise)."""
    if order_by == BY_END:
        return []
    return [("Order of the list", f"{order_words(order_by, bundle)}; who is flagged does not change with the order")]
