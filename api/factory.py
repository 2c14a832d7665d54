"""The API application: its routes, error answers, limits and audit, on the settings given (or in force)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import problems
from api.audit_calls import AuditCalls
from api.config import ApiConfig, load_config
from api.limits import BodyLimit
from api.routes import contacts, health, models, scoring, stats, trials
from api.service import Service
from core.settings import Settings, load_settings

TITLE = "Trial Retention Radar API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Scores enrolled trial patients' chance of dropping out with the model in use, flags them under the one policy "
    "the app and the command line use, and records contacts. Every route but /v1/health needs an API key "
    "(`Authorization: Bearer KEY`, made with `python -m core.cli.users add-key`). Errors are JSON with a plain "
    "`message`."
)


def create_app(settings: Settings | None = None, config: ApiConfig | None = None) -> FastAPI:
    """The API on these settings (default: the deployment's, resolved now)."""
    service = Service.start(settings or load_settings(), config or load_config())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        service.close()

    app = FastAPI(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/v1/docs",
        redoc_url=None,
        openapi_url="/v1/openapi.json",
    )
    app.state.service = service
    for module in (health, scoring, trials, contacts, models, stats):
        app.include_router(module.router)
    problems.install(app)
    app.add_middleware(AuditCalls)
    app.add_middleware(BodyLimit, max_mb=service.settings.max_upload_mb)  # outermost: refuses before reading
    return app
