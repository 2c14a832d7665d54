"""POST /v1/contacts: record contacts with patients, one or many. With an Idempotency-Key header a retry of the
same request records nothing again and gets the first answer; the same key with another request is refused.
Contacts the log already holds (same patient, site, day and outcome) are never recorded twice."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response

from api.audit_calls import counts
from api.keys import Caller, allowed, service
from api.problems import ERRORS
from api.schemas import Contacts, ContactsRecorded
from core.store import NewContact
from core.trust.roles import RECORD_CONTACTS

router = APIRouter(prefix="/v1", tags=["contacts"], responses=ERRORS)
REPLAYED = "Idempotent-Replayed"
KEY_REUSED = "This Idempotency-Key was used for another request; use a new key for new contacts."

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="any unique text per request: a retry with the same key records nothing again",
    ),
]


def _fingerprint(body: Contacts) -> str:
    return hashlib.sha256(json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


@router.post("/contacts", response_model=ContactsRecorded, summary="Record contacts with patients")
def record_contacts(
    request: Request,
    response: Response,
    body: Contacts,
    caller: Annotated[Caller, Depends(allowed(RECORD_CONTACTS))],
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    store = service(request).store()
    fingerprint = _fingerprint(body)
    if idempotency_key is not None:
        kept = store.api_keys.reply(caller.name, idempotency_key)
        if kept is not None:
            if kept[0] != fingerprint:
                raise HTTPException(409, KEY_REUSED)
            response.headers[REPLAYED] = "true"
            counts(request.state, contacts=0, replayed=1)
            return dict(kept[1])
    wanted = [
        NewContact(c.patient_id, c.contact_date, c.action, caller.name, c.outcome, c.note, c.site_id)
        for c in body.contacts
    ]
    fresh = store.outreach.record_new(wanted)
    reply = {"recorded": len(fresh), "already_in_log": len(wanted) - len(fresh)}
    if idempotency_key is not None:
        store.api_keys.keep_reply(caller.name, idempotency_key, fingerprint, reply)
    counts(request.state, contacts=len(fresh))
    return reply
