"""Streamlit entry point: page config, the access gate, navigation over pages/ and the shared sidebar.

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

from app import log_setup, navigation, state  # noqa: E402
from app.access import gate  # noqa: E402
from app.access.identity import allowed  # noqa: E402
from app.services import url_settings  # noqa: E402
from app.views import account, sidebar, team_settings  # noqa: E402
from core.trust.roles import MANAGE_USERS  # noqa: E402

log = logging.getLogger("app.main")

st.set_page_config(page_title="Trial Retention Radar", page_icon="🩺", layout="wide")
log_setup.configure(state.settings().log_level)
access = gate.resolve()  # who is using the app in this run (decides, draws nothing)
page = st.navigation(navigation.pages_for(allowed(MANAGE_USERS)), position="sidebar" if access.person else "hidden")
gate.require_sign_in(access)  # stops here, before any page or patient data, until someone is signed in
bundle = state.get_bundle()
changed = state.model_changed(bundle)
if changed:
    st.info(changed, icon=":material/published_with_changes:")
team_settings.start_session(bundle)  # the page's address, else the team's saved settings, else defaults
url_settings.keep_in_url()  # a refresh of this tab starts a new session: the address carries the settings over
account.render(access)  # who is signed in, sign out
sidebar.render(bundle, show_settings=page is not navigation.THRESHOLDS)  # its fragment edits them live
log.debug("full run of page %s", page.url_path or "overview")  # fragment reruns do not pass here
try:
    page.run()
    url_settings.keep_in_url()  # what the page changed (the trial opened, the threshold it started at)
except Exception:  # the user sees a message, never a traceback; the log keeps the detail
    log.exception("page %s failed", page.title)
    st.error(
        "Something went wrong on this page. Your data is still loaded; try again, or reload the page. "
        "If it keeps happening, tell your administrator the time it happened."
    )
