"""Contacts (an idempotent retry records once), a trial's call list from its stored week, the statistics, promotion."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from core.decisions.policy import Policy
from core.paths import DEMO_COHORT_PATH
from core.scoring.cohort import score_upload
from core.store import NewUpload, Store, settings_of

CONTACTS = {
    "contacts": [
        {"patient_id": "D401-00001", "contact_date": "2026-12-01", "action": "Phone call", "outcome": "reached"},
        {"patient_id": "D401-00002", "contact_date": "2026-12-01", "action": "Visit", "outcome": "no answer"},
    ]
}


def _contacts_in_store(deployed) -> int:
    with Store.open(deployed.settings.database_url) as store:
        return len(store.outreach.between())


def test_a_retry_with_the_same_idempotency_key_records_once_and_gets_the_first_answer(client, deployed):
    headers = {**deployed.headers("coordinator"), "Idempotency-Key": "batch-7"}
    first = client.post("/v1/contacts", headers=headers, json=CONTACTS)
    retry = client.post("/v1/contacts", headers=headers, json=CONTACTS)
    assert first.status_code == retry.status_code == 200
    assert first.json() == retry.json() == {"recorded": 2, "already_in_log": 0}
    assert retry.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert _contacts_in_store(deployed) == 2


def test_the_same_idempotency_key_with_another_request_is_refused(client, deployed):
    headers = {**deployed.headers("coordinator"), "Idempotency-Key": "batch-8"}
    client.post("/v1/contacts", headers=headers, json=CONTACTS)
    other = {"contacts": CONTACTS["contacts"][:1]}
    response = client.post("/v1/contacts", headers=headers, json=other)
    assert response.status_code == 409 and "another request" in response.json()["message"]


def test_without_a_key_a_repeated_contact_is_still_kept_once(client, deployed):
    headers = deployed.headers("coordinator")
    client.post("/v1/contacts", headers=headers, json=CONTACTS)
    again = client.post("/v1/contacts", headers=headers, json=CONTACTS)
    assert again.json() == {"recorded": 0, "already_in_log": 2} and _contacts_in_store(deployed) == 2


def test_a_contact_with_an_unknown_field_or_outcome_is_refused(client, deployed):
    headers = deployed.headers("coordinator")
    extra = {"contacts": [{**CONTACTS["contacts"][0], "mood": "happy"}]}
    wrong = {"contacts": [{**CONTACTS["contacts"][0], "outcome": "maybe"}]}
    for body in (extra, wrong, {"contact": CONTACTS["contacts"]}):
        response = client.post("/v1/contacts", headers=headers, json=body)
        assert response.status_code == 422 and response.json()["problems"]
    assert _contacts_in_store(deployed) == 0


def _store_week(deployed, trial: str) -> set[str]:
    """A week stored as the app stores it; returns the patients it flags at its own threshold."""
    from core.model.registry import Registry

    bundle = Registry(deployed.settings.models_dir).load()
    cohort = score_upload(DEMO_COHORT_PATH.read_bytes(), DEMO_COHORT_PATH.name, bundle, deployed.settings.bands)
    policy = Policy(bundle.default_threshold, 25, deployed.settings.costs, deployed.settings.bands)
    flagged = policy.flagged(cohort.curves)
    scores = cohort.scored[["patient_id", "site_id", "probability", "risk_band"]].assign(flagged=flagged)
    new = NewUpload(
        "ana",
        cohort.filename,
        cohort.sha256,
        bundle.version,
        bundle.sha256,
        settings_of(policy),
        500,
        as_of=date(2026, 11, 30),
        scored_at=datetime.now(UTC),
        trial=trial,
    )
    with Store.open(deployed.settings.database_url) as store:
        store.uploads.record(new, scores, cohort.result.valid)
    return set(np.asarray(cohort.scored["patient_id"])[flagged])


def test_a_trials_call_list_is_its_latest_weeks_flagged_patients_under_the_settings_given(client, deployed):
    flagged = _store_week(deployed, "TRX-401")
    response = client.get(
        "/v1/trials/TRX-401/call-list", headers=deployed.headers("coordinator"), params={"capacity": 25}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["week"]["trial"] == "TRX-401" and body["week"]["day"] == "2026-11-30"
    assert {p["patient_id"] for p in body["patients"]} == flagged and len(flagged) == 25
    assert all(p["flagged"] and p["contact"] for p in body["patients"])
    missing = client.get("/v1/trials/Other/call-list", headers=deployed.headers("coordinator"))
    assert missing.status_code == 404


def test_stats_count_scores_by_day_band_and_outcome_and_contacts_by_week_and_site(client, deployed):
    _store_week(deployed, "TRX-401")
    client.post("/v1/contacts", headers=deployed.headers("coordinator"), json=CONTACTS)
    body = client.get("/v1/stats", headers=deployed.headers("coordinator")).json()
    assert sum(row["patients"] for row in body["scores"]) == 500
    assert sum(row["flagged"] for row in body["scores"]) == 25
    assert {row["day"] for row in body["scores"]} == {"2026-11-30"}
    assert body["contacts_by_week"] == [{"week": "2026-11-30", "contacts": 2, "patients": 2, "reached": 1}]
    assert sum(row["contacts"] for row in body["contacts_by_site"]) == 2


def test_a_manager_promotes_a_version_and_an_unknown_one_is_404(client, deployed):
    headers = deployed.headers("manager")
    version = client.get("/v1/models", headers=headers).json()[0]["version"]
    promoted = client.post(f"/v1/models/{version}/promote", headers=headers)
    assert promoted.status_code == 200 and promoted.json() == {"in_use": version, "previous": version}
    assert client.post("/v1/models/9.9/promote", headers=headers).status_code == 404


def test_a_scoring_named_for_a_trial_is_kept_as_its_week_once_and_feeds_its_call_list(client, deployed):
    headers = deployed.headers("coordinator")
    files = {"file": (DEMO_COHORT_PATH.name, DEMO_COHORT_PATH.read_bytes())}
    query = {"trial": "TRX-402", "capacity": 30}
    first = client.post("/v1/score", headers=headers, files=files, params=query).json()
    again = client.post("/v1/score", headers=headers, files=files, params=query).json()
    assert first["week"]["trial"] == "TRX-402" and first["week"] == again["week"]
    flagged = {p["patient_id"] for p in first["patients"] if p["flagged"]}
    listed = client.get("/v1/trials/TRX-402/call-list", headers=headers, params={"capacity": 30}).json()
    assert {p["patient_id"] for p in listed["patients"]} == flagged and len(flagged) == 30
    with Store.open(deployed.settings.database_url) as store:
        (upload,) = store.uploads.recent()
        assert upload.scored_by == "coordinator-key" and upload.settings["capacity"] == 30
        assert store.uploads.scores(upload.id)["flagged"].sum() == 30
    unnamed = client.post("/v1/score", headers=headers, files=files).json()
    assert unnamed.get("week") is None
