"""What every command shares: errors as one plain line, and events written to the audit trail."""

from __future__ import annotations

import sys
from typing import Any

from core.settings import SettingsError, load_settings
from core.trust.audit import AuditError, AuditLog


def error_line(exc: BaseException) -> str:
    """The message on one line, whatever line breaks it holds (never a traceback)."""
    return " ".join(str(exc).split())


def audit(event: str, **fields: Any) -> None:
    """Record ``event`` in the deployment's audit trail; a trail that cannot be written is reported, not fatal."""
    try:
        settings = load_settings()
        AuditLog.open(settings.log_dir, settings.audit_salt).record(event, **fields)
    except (AuditError, SettingsError, OSError) as exc:
        print(f"note: the audit trail could not record this ({error_line(exc)})", file=sys.stderr)
