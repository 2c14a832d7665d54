"""Every call in the audit trail: who (the key's name), the route, the answer's status and the counts the route
gave (patients, flagged, contacts); never a patient identifier.

A pure ASGI middleware: the event is written before the answer goes out, so when the trail cannot be written
the caller gets a 503 instead of an answer that left no trace.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import NO_AUDIT, problem
from core.trust.audit import AuditError

EVENT = "api_call"
UNAUDITED = ("/v1/health",)  # a probe every few seconds: no one acts through it


def counts(scope_state: Any, **numbers: int) -> None:
    """Let the route add its counts to the call's audit event (request.state)."""
    current = getattr(scope_state, "counts", None) or {}
    scope_state.counts = {**current, **numbers}


class AuditCalls:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNAUDITED:
            await self.app(scope, receive, send)
            return
        refused = False

        async def audited(message: Message) -> None:
            nonlocal refused
            if message["type"] == "http.response.start":
                try:
                    self._record(scope, int(message["status"]))
                except AuditError:
                    refused = True
                    response = problem(503, NO_AUDIT)
                    await send({"type": "http.response.start", "status": 503, "headers": response.raw_headers})
                    await send({"type": "http.response.body", "body": response.body})
                    return
            if not refused:
                await send(message)

        await self.app(scope, receive, audited)

    @staticmethod
    def _record(scope: Scope, status: int) -> None:
        state = scope.get("state") or {}
        route = scope.get("route")
        service = scope["app"].state.service
        service.audit().record(
            EVENT,
            by=state.get("caller", "no valid key"),
            method=scope["method"],
            route=getattr(route, "path", "unknown route"),
            status=status,
            via="API",
            **state.get("counts", {}),
        )
