"""The API's contracts: what each route takes and answers (pydantic). Requests refuse fields they do not know."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.store.schema import OUTCOMES

Plan = Literal["single", "tiered"]
Outcome = Literal[OUTCOMES]  # type: ignore[valid-type]  # the store's outcomes, declared once there


class Strict(BaseModel):
    """A request body: an unknown field is refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """Every error: a plain message, and for a request that does not fit its contract, what did not."""

    message: str
    problems: list[dict[str, str]] = Field(default_factory=list)


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    store: str
    model: str


class ModelInUse(BaseModel):
    version: str
    origin: str  # in words: trained on the synthetic world, or cross-validated on a trial
    synthetic: bool
    headline: dict[str, Any]  # the card's headline figures (ROC AUC and others, with intervals)
    per_landmark: dict[str, Any]  # label -> landmark day -> figures (a trial model's card; empty for the bundled one)


class SettingsInForce(BaseModel):
    threshold: float
    capacity: int | None
    plan: Plan
    contact_cost: float
    dropout_cost: float
    effectiveness: float
    sources: dict[str, str]  # each setting: given in the request, the team's saved settings, or the default


class Patient(BaseModel):
    """One scored patient. Extra keys named ``chance_within_<N>_weeks`` carry per-horizon chances when the model
    gives them."""

    model_config = ConfigDict(extra="allow")

    patient_id: str
    site_id: str | None
    probability: float | None  # None: too early for the model to judge (the band and first reason say why)
    risk_band: str
    flagged: bool
    contact: str | None
    contact_cost: float | None
    reasons: list[str]
    not_recorded: list[str]


class RowProblem(BaseModel):
    row: int | None
    patient_id: str | None
    column: str | None
    value: str | None
    reason: str


class Week(BaseModel):
    trial: str
    day: date
    upload_id: int


class Scored(BaseModel):
    model: ModelInUse
    settings: SettingsInForce
    as_of: date | None
    patients_read: int
    flagged: int
    patients: list[Patient]
    problems: list[RowProblem]
    week: Week | None = None  # the week kept, when the request named its trial


class CallList(Scored):
    week: Week


class NewContact(Strict):
    patient_id: str = Field(min_length=1, max_length=200)
    contact_date: date
    action: str = Field(min_length=1, max_length=200)
    outcome: Outcome
    note: str = Field(default="", max_length=2000)
    site_id: str | None = Field(default=None, min_length=1, max_length=200)


class Contacts(Strict):
    contacts: list[NewContact] = Field(min_length=1, max_length=10_000)


class ContactsRecorded(BaseModel):
    recorded: int
    already_in_log: int


class ModelVersion(BaseModel):
    version: str
    in_use: bool
    origin: str
    trained_on: str
    created_at: str
    headline: dict[str, Any]


class Promoted(BaseModel):
    in_use: str
    previous: str


class ScoreCount(BaseModel):
    day: date
    risk_band: str
    outcome: Literal["dropped out", "stayed", "not known"]
    patients: int
    flagged: int
    mean_probability: float


class WeekContacts(BaseModel):
    week: date
    contacts: int
    patients: int
    reached: int


class SiteContacts(BaseModel):
    site: str
    contacts: int
    patients: int
    reached: int


class Stats(BaseModel):
    scores: list[ScoreCount]
    contacts_by_week: list[WeekContacts]
    contacts_by_site: list[SiteContacts]
