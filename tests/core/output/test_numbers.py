"""core.formatting: numbers and counts as people read them."""

from __future__ import annotations

from core.formatting import things


def test_a_count_takes_its_noun_in_the_right_number():
    assert [things(n, "row") for n in (0, 1, 2, 1234)] == ["0 rows", "1 row", "2 rows", "1,234 rows"]
    assert things(1, "patient") == "1 patient" and things(3, "analysis", "analyses") == "3 analyses"
