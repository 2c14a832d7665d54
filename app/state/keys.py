"""The keys this session's values live under in ``st.session_state`` (never a widget's, unless said so).

Kept apart from the functions that read and write them, so every module of ``app.state`` can name them
without importing the package itself.
"""

from __future__ import annotations

# Keys of the session's own values (never a widget's).
SETTINGS = "resolved_settings"
THRESHOLD = "settings_threshold"
INTERVENTION_COST = "settings_intervention_cost"
DROPOUT_COST = "settings_dropout_cost"
EFFECTIVENESS = "settings_effectiveness"
CAPACITY = "settings_capacity"  # None = no limit
PLAN = "settings_plan"  # core.decisions.policy.SINGLE or TIERED
COSTS_CONFIRMED = "settings_costs_confirmed"  # the user set or accepted the costs (not the example figures)
COHORT = "cohort"  # core.scoring.cohort.ScoredCohort or absent
COHORT_ERROR = "cohort_load_error"  # why the last file asked for could not be used
TRIAL_NAME = "trial_name"  # the trial a weekly list belongs to, as the user names it on the Cohort page
OPEN_TRIAL = "cohort_open_trial"  # the trial of the week on screen (kept in the address)
TRIAL_REQUEST = "cohort_trial_request"  # a trial the switcher asked to open, until it is opened
REOPENED = "cohort_reopened"  # (file SHA-256, trial, day) of a week reopened from the store
REOPEN_TRIED = "cohort_reopen_tried"  # this session looked for the last week once
THRESHOLD_CHOSEN = "settings_threshold_chosen"  # the user moved the threshold in this session
THRESHOLD_START = "cohort_threshold_start"  # file SHA-256 of the cohort the cost-optimal threshold was set for
FILTER_KEYS = (  # the Cohort page's filters: never carried from one cohort to another
    "filter_bands",
    "filter_sites",
    "filter_arms",
    "filter_phases",
    "filter_probability",
    "filter_flagged",
    "filter_not_contacted",
)
LAST_UPLOAD = "cohort_last_upload"  # file id of the uploader's file already loaded (or refused)
DATE_QUESTION = "cohort_date_question"  # (file SHA-256, the question) when a file's dates read both ways
DATE_ORDER = "cohort_date_order"  # (file SHA-256, day first?) the user's answer to that question
HISTORY = "history"  # app.records.LoadedHistory: a trial history's files, how to read them, what was read
HISTORY_COLUMNS = "history_columns"  # trial name -> its column matching (app.records.Columns)
EVALUATION_CACHE = "threshold_data_cache"  # (key, EvaluationData) of the Thresholds page's cohort source
PATIENT_PREFILL = "patient_prefill"  # contract fields to open the Patient page with
PATIENT_RESULT = "patient_result"  # the last assessed patient (validated one-row frame)
PATIENT_AUDIT_PENDING = "patient_audit_pending"  # record the assessment once, when it is shown
FORM_START = "form_start"  # form prefix -> (widget key generation, the values its widgets start from)

# The settings kept in the page's address (session-state key -> address name).
IN_URL = {
    THRESHOLD: "threshold",
    INTERVENTION_COST: "contact_cost",
    DROPOUT_COST: "dropout_cost",
    EFFECTIVENESS: "effectiveness",
    CAPACITY: "capacity",
    PLAN: "plan",
    COSTS_CONFIRMED: "costs_set",
}

# Widget keys other modules need to name.
ASSESS_BUTTON = "assess"

# Model versions and training.
MODEL_SEEN = "model_seen"  # the model version this session last ran with
TRAINING = "training_result"  # app.views.train's last finished (or refused, or stopped) training
REPLAY = (
    "trial_replay"  # app.views.replay's last replay of the trial on the Train page: (trial, share, result or refusal)
)
OVERTAKING = "trial_overtaking"  # app.views.overtaking's last comparison on the Train page: (trial, moments or why)
TRAINING_RUNNING = "training_running"  # set while a training runs: still set on the next run if it was stopped
