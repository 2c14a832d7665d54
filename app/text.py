"""User text shown as text: file names, headers, identifiers and messages that quote them.

Streamlit renders markdown (and emoji and icon shortcodes) in titles, messages, captions and button
labels. Text from a file could then make the browser fetch an outside address (a markdown image) or
change what the page says; escaping every ASCII punctuation character keeps it literal.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def plain(text: object) -> str:
    """``text`` with markdown, HTML and shortcodes escaped, so it shows exactly as written."""
    return _PUNCTUATION.sub(r"\\\1", str(text)).replace("\n", " ")


def code(text: object) -> str:
    """``text`` as inline code: shown exactly as written, with no backslash from escaping (markdown does not
    read inside a code span, so only a backtick, which would end it, is replaced)."""
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"
