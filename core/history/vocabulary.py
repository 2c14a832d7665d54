"""How trial exports name each column of a history table: CTMS, EDC systems (REDCap, Medidata Rave,
OpenClinica), registries and spreadsheets, in snake_case or Title Case.

Case, spaces, "_" and punctuation do not matter, nor a note in brackets ("Age (years)"): see
``core.history.matching``. The history contract (``core.history.contracts``) gives each field its spellings
from here; a spelling belongs to one field of a table.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split("|") if word.strip())


ID_SPELLINGS = _words(
    "subject number|subject no|subject num|subject code|subject identifier|patient number|patient no|"
    "patient code|patient identifier|pt id|ptid|participant number|participant no|participant code|"
    "participant identifier|screening number|screening id|record id|record|study id|study subject id|"
    "case id|case number|randomisation number|randomization number|subject key|subjectkey"
)
SITE_SPELLINGS = _words(
    "siteid|site code|site id|site name|site number|study site|investigator site|centre number|"
    "center number|centre id|center id|centre code|center code|centre no|center no|centre name|"
    "center name|clinic|hospital|institution"
)
AGE_SPELLINGS = _words(
    "age at consent|age at informed consent|age at enrolment|age at enrollment|age at screening|"
    "age at randomisation|age at randomization|age at baseline|baseline age|age at entry|"
    "age at inclusion|age in years|age y|age yr|age_years|subject age|patient age"
)
ARM_SPELLINGS = _words(
    "arm|treatment_group|treatment arm|study arm|armcd|arm code|arm name|actual arm|actarm|planned arm|"
    "assigned arm|randomised arm|randomized arm|randomisation arm|randomization arm|randomised treatment|"
    "randomized treatment|randomisation group|randomization group|allocation|allocated arm|"
    "treatment allocation|allocated treatment|study group|treatment group|trt01p|trt01a|study drug|"
    "intervention|assigned treatment"
)
ENROLMENT_SPELLINGS = _words(
    "enrollment date|enrolment|enrollment|enrol date|enroll date|date enrolled|enrolled on|enrolled|"
    "date of enrolment|date of enrollment|enrolment datetime|enrollment datetime|randomisation date|"
    "randomization date|randomisation|randomization|randomised on|randomized on|date randomised|"
    "date randomized|date of randomisation|date of randomization|rand date|random date|randdt|"
    "randomisation dt|randomization dt|inclusion date|date of inclusion|included on|consent date|"
    "date of consent|informed consent date|date of informed consent|icf date|date consented|consented on|"
    "registration date|date of registration|registered on|start date|study start date|"
    "reference start date|rfstdtc|rfxstdtc|rficdtc|first dose date|date of first dose|"
    "treatment start date|day 1|baseline date|study entry date|entry date|date of entry"
)
STATUS_SPELLINGS = _words(
    "subject status|patient status|participant status|study status|trial status|disposition status|"
    "study disposition|final status|end of study status|eos status|completion status|enrolment status|"
    "enrollment status|current status|status at end of study|dsdecod|ds decod|subject disposition|"
    "patient disposition"
)
END_SPELLINGS = _words(
    "end date|ended on|date ended|end of study date|end of study|eos date|date of end of study|"
    "study end date|end of participation|date of discontinuation|discontinuation date|discontinued on|"
    "date discontinued|withdrawal date|date of withdrawal|withdrawn on|withdrew on|date withdrawn|"
    "completion date|date of completion|completed on|date completed|study completion date|"
    "last contact date|date of last contact|last contact|last contact on|exit date|date of exit|"
    "termination date|early termination date|date of early termination|off study date|date off study|"
    "disposition date|dsstdtc|end of treatment date|rfendtc"
)
VISIT_DATE_SPELLINGS = _words(
    "date of visit|visit dt|visitdate|visit date|actual visit date|visit start date|svstdtc|"
    "date of assessment|assessment date|encounter date|date seen|appointment date|visit on"
)
ATTENDED_SPELLINGS = _words(
    "attendance|visit status|visit done|visit attended|visit completed|attended yn|attended y n|"
    "visit occurred|occurred|visit performed|performed|attendance status|visit outcome"
)
ONSET_SPELLINGS = _words(
    "ae start date|ae start|ae onset date|ae onset|aestdtc|date of onset|onset of ae|event date|"
    "event start date|event onset date|ae date|start date|date of ae onset|date of ae|ae start dt|"
    "onset dt|start date of ae|date event started"
)
SERIOUS_SPELLINGS = _words(
    "aeser|sae|seriousness|serious yn|serious y n|is serious|serious event|serious ae|"
    "serious adverse event|ae serious|ae seriousness|sae yn|serious flag"
)
SEVERITY_SPELLINGS = _words(
    "aesev|ctcae grade|toxicity grade|aetoxgr|severity grade|severity/grade|severity intensity|"
    "ae severity|ae grade|ae intensity|max grade|maximum grade|worst grade|ctcae|grade severity|"
    "severity of ae"
)
SEX_SPELLINGS = _words("gender|sex|sex at birth|biological sex|sex code|gender code|sexcd")
REASON_SPELLINGS = _words(
    "reason for discontinuation|discontinuation reason|reason for withdrawal|withdrawal reason|"
    "reason for leaving|reason for early termination|early termination reason|primary reason|dsterm|"
    "reason for ending|eos reason|reason for end of study|reason discontinued|dropout reason|"
    "reason for dropout|termination reason|reason for termination|disposition reason"
)
