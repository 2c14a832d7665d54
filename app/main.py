"""Streamlit entry point: page config, navigation over pages/, the shared sidebar.

Run with ``streamlit run app/main.py`` (``make run``).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run app/main.py` puts app/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app import gate, navigation, sidebar, state  # noqa: E402

log = logging.getLogger("retention_radar")

st.set_page_config(page_title="Trial Retention Radar", page_icon="🩺", layout="wide")
signed_in = gate.is_open() or st.session_state.get(gate.AUTHENTICATED, False)
page = st.navigation(navigation.PAGES, position="sidebar" if signed_in else "hidden")
gate.require_login()  # stops here, before any page or patient data, until the password is given
bundle = state.get_bundle()
state.init_settings(bundle)
sidebar.render(bundle, show_settings=page is not navigation.THRESHOLDS)  # its fragment edits them live
try:
    page.run()
except Exception:  # the user sees a message, never a traceback; the log keeps the detail
    log.exception("page %s failed", page.title)
    st.error(
        "Something went wrong on this page. Your data is still loaded; try again, or reload the page. "
        "If it keeps happening, tell your administrator the time it happened."
    )
