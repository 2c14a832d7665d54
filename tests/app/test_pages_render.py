"""Every page renders without an exception and shows the shared sidebar."""

from __future__ import annotations

import pytest

from tests.app.conftest import PAGE_FILES, open_page


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_page_renders_without_error(page, bundle):
    at = open_page(page)
    assert not at.error
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert bundle.version in sidebar
    assert "synthetic" in " ".join(c.value for c in at.sidebar.caption)


def test_overview_says_how_to_load_a_cohort():
    at = open_page("overview")
    assert any("No cohort is loaded" in i.value for i in at.info)
