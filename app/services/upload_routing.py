"""What the Cohort page's uploader and buttons open: a weekly patient list, a trial history, the demo or a real trial.

The page only lays out; which loader a file goes to (a history's several tables, or one patient list) is
decided here, once per new choice in the uploader, so a rerun never scores the same files again.
"""

from __future__ import annotations

from collections.abc import Sequence

from streamlit.runtime.uploaded_file_manager import UploadedFile

from app import state
from app.services import cohort_loading, history_loading
from core.history.reader import history_files, looks_like_history
from core.history.sdtm import CDISC_PILOT_DIR


def open_demo() -> None:
    """The demo cohort, in place of any history."""
    state.set_history(None)
    cohort_loading.load_demo()


def open_real_trial() -> None:
    """CDISC Pilot 01, as SDTM: a trial history."""
    history_loading.open_history("CDISC Pilot 01", history_files(CDISC_PILOT_DIR))


def take_uploads(uploads: Sequence[UploadedFile] | None) -> bytes | None:
    """Open what the uploader holds when it changed: a trial history, else the one patient list, scored.

    Returns the patient list's bytes when the uploader holds one file that is not a history (the page asks
    about its dates and offers its column mapping from them), else None.
    """
    if not uploads:
        return None
    files = {upload.name: upload.getvalue() for upload in uploads}
    upload_id = ",".join(upload.file_id for upload in uploads)
    if state.last_upload() != upload_id:
        state.set_last_upload(upload_id)
        if looks_like_history(files):
            history_loading.open_history(", ".join(files) if len(files) <= 3 else f"{len(files)} files", files)
        else:
            state.set_history(None)
            name, content = next(iter(files.items()))
            cohort_loading.load(content, name)
    if len(uploads) == 1 and state.history() is None:
        return uploads[0].getvalue()
    return None
