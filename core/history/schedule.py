"""Scheduled visits missed by study day t, and the trial's usual visit interval, without looking past t.

Three sources, best first:

1. The visits table lists missed visits (attended = no): they are counted, up to day t.
2. The trial's own schedule (SDTM TV: planned study days) is known: each planned day owns a window
   from the midpoint with the previous planned day to the midpoint with the next (the last reaches
   half an interval past it). A window that has ended by day t with no attended visit in it is one
   missed visit; a visit moved by a few days still counts for its window, two in one window once.
3. Otherwise the *usual interval* u: the median gap in days between consecutive attended visits of
   the same patient across the trial, counting only gaps that end on or before day t (so it knows
   nothing of later days either). Visits are expected every u days from the last visit (from day 1,
   the enrolment, before the first): a gap of g days between two visits holds round(g / u) - 1
   missed visits, and the open gap since the last visit floor((t - last) / u - 1/2), i.e. each visit
   whose window (half an interval either side) has closed. Anchoring on the visits that happened,
   rather than on day 1, keeps a trial whose visits drift a day or two from losing count.
"""

from __future__ import annotations

import numpy as np

from core.history.events import EventIndex, EventKeys


def consecutive_gaps(visits: EventKeys) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gaps in days between consecutive attended visits of a patient (same-day repeats left out), with the
    study day and the calendar day number of the later visit."""
    same_patient = visits.codes[1:] == visits.codes[:-1]
    gaps = np.diff(visits.days)
    keep = same_patient & (gaps > 0)
    return gaps[keep], visits.days[1:][keep], visits.calendar[1:][keep]


def usual_interval(gaps: np.ndarray, gap_ends: np.ndarray, until: int) -> float | None:
    """Median of the gaps that end on or before ``until``; None when there is none yet."""
    known = gaps[gap_ends <= until]
    return float(np.median(known)) if len(known) else None


def missed_by_interval(index: EventIndex, codes: np.ndarray, days: np.ndarray, interval: float) -> np.ndarray:
    """Source 3: missed visits expected every ``interval`` days, anchored on the visits that took place."""
    visits = index.visits
    first = np.ones(len(visits.days), dtype=bool)
    first[1:] = visits.codes[1:] != visits.codes[:-1]
    previous = np.where(first, 1, np.roll(visits.days, 1))  # day 1 (enrolment) anchors the first gap
    closed = np.maximum(np.floor((visits.days - previous) / interval + 0.5) - 1, 0)
    running = np.concatenate(([0.0], np.cumsum(closed)))
    start = visits.upto(codes, np.zeros_like(days), index.span)
    end = visits.upto(codes, days, index.span)
    last = np.where(end > start, visits.days[np.maximum(end - 1, 0)], 1)
    open_gap = np.maximum(np.floor((days - last) / interval - 0.5), 0)
    return running[end] - running[start] + open_gap


def window_ends(planned: np.ndarray, interval: float | None) -> np.ndarray:
    """Source 2: the end of each planned day's window (midpoint to the next; the last, half an interval past it)."""
    planned = np.asarray(planned, dtype=np.float64)
    if len(planned) == 0:
        return planned
    tail = interval or (planned[-1] - planned[-2] if len(planned) > 1 else 28.0)
    return np.concatenate(((planned[:-1] + planned[1:]) / 2, [planned[-1] + tail / 2]))


def missed_by_schedule(
    index: EventIndex, codes: np.ndarray, days: np.ndarray, planned: tuple[int, ...], interval: float | None
) -> np.ndarray:
    """Source 2: planned visits whose window ended by each patient's day with no attended visit in it."""
    ends = window_ends(np.asarray(planned), interval)
    visits = index.visits
    window = np.searchsorted(ends, visits.days, side="right")  # window k: [ends[k-1], ends[k])
    inside = window < len(ends)
    width = len(ends) + 1
    attended_windows = np.unique(visits.codes[inside] * width + window[inside])  # sorted, each window once
    closed = np.searchsorted(ends, days, side="right")  # windows that ended on or before the day
    base = codes * width
    attended = np.searchsorted(attended_windows, base + closed) - np.searchsorted(attended_windows, base)
    return (closed - attended).astype(np.float64)


def missed_visits(
    index: EventIndex,
    codes: np.ndarray,
    days: np.ndarray,
    *,
    listed: bool,
    planned: tuple[int, ...],
    interval: float | None,
) -> np.ndarray:
    """Scheduled visits missed by each patient's day, from the best source the history has (NaN: unknown)."""
    if listed:
        return index.missed.count(codes, np.ones_like(days), days, index.span).astype(np.float64)
    if planned:
        return missed_by_schedule(index, codes, days, planned, interval)
    if interval:
        return missed_by_interval(index, codes, days, interval)
    return np.full(len(codes), np.nan)
