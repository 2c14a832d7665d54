"""Which patients a version learned from, kept in its card, so it is never scored on them later.

The card holds a salted SHA-256 of each training patient's identifier (the salt is the version's own, so
the card names nobody and its hashes match no other card's). A later training hashes its own patients
with that salt: the model in use is compared only on the patients it never trained on, whatever
happened to the files in between (a byte changed, a file renamed, a later export of the same trial).
Identifiers are compared as the history holds them (trimmed text); SDTM's USUBJID already names the
trial. Two trials that reuse an identifier lose that patient from the comparison: the safe side.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

import numpy as np

MIN_UNSEEN_PATIENTS = 100  # as many as a training needs (core.training.landmark_data.MIN_PATIENTS)
MIN_UNSEEN_EACH_OUTCOME = 20  # of each outcome, as a training needs
HASH_CHARS = 32  # 128 bits: no two patients of any trial share a hash by chance


def patient_hashes(ids: Iterable[str], salt: str) -> list[str]:
    """Each identifier's salted SHA-256 (hex, shortened to ``HASH_CHARS``)."""
    return [hashlib.sha256(f"{salt}\x1f{str(i).strip()}".encode()).hexdigest()[:HASH_CHARS] for i in ids]


def training_patients_section(ids: Iterable[str]) -> dict[str, Any]:
    """The card's record of the training patients: a fresh salt and the sorted hashes."""
    salt = secrets.token_hex(16)
    hashes = sorted(set(patient_hashes(set(map(str, ids)), salt)))
    return {
        "salt": salt,
        "hashes": hashes,
        "patients": len(hashes),
        "in_words": (
            "salted SHA-256 of each training patient's identifier: a later training compares this version only "
            "on patients it never trained on"
        ),
    }


def seen_in_training(card: dict[str, Any], patients: np.ndarray) -> np.ndarray | None:
    """For each row's patient, whether the card's version trained on them; None when the card cannot say
    (a version trained on a trial before its card recorded the patients). A synthetic version saw none."""
    record = card.get("training_patients")
    if not record:
        synthetic = bool(card.get("training_data", {}).get("synthetic"))
        return np.zeros(len(patients), dtype=bool) if synthetic else None
    known = set(record["hashes"])
    distinct = np.unique(patients.astype(str))
    hashed = dict(zip(distinct, patient_hashes(distinct, record["salt"]), strict=True))
    return np.array([hashed[p] in known for p in patients.astype(str)], dtype=bool)


def too_few_unseen(y: np.ndarray, patients: np.ndarray, usable: np.ndarray) -> str:
    """Why the rows in ``usable`` are too few for a fair comparison ("" when they are enough)."""
    first: dict[str, int] = {}
    for patient, outcome in zip(patients[usable], y[usable], strict=True):
        first.setdefault(str(patient), int(outcome))
    outcomes = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    dropped, stayed = int(outcomes.sum()), int((outcomes == 0).size - outcomes.sum())
    if len(outcomes) >= MIN_UNSEEN_PATIENTS and min(dropped, stayed) >= MIN_UNSEEN_EACH_OUTCOME:
        return ""
    return (
        f"only {len(outcomes):,} patients it never trained on could be scored ({dropped:,} who dropped out); a fair "
        f"comparison needs at least {MIN_UNSEEN_PATIENTS} such patients, {MIN_UNSEEN_EACH_OUTCOME} of each outcome, "
        "so it is left out of the recommendation"
    )
