"""Trial histories (events: enrolment, visits, adverse events, disposition) and their landmark snapshots.

Read a history as three tables (``three_tables.read_three_tables``) or as CDISC SDTM
(``sdtm.read_sdtm``) into one model (``model.TrialHistory``, with a row-level report), then cut it
into cohort snapshots (``landmarks.landmark_snapshots``, ``landmarks.snapshot_as_of``).
"""
