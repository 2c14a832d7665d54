"""The column guide and the template: built from the contract, and the template is itself a valid file."""

from __future__ import annotations

import io

from core.reading.contract import CONTRACT
from core.reading.headers import map_columns
from core.reading.template import GUIDE_COLUMNS, column_guide, template_frame
from core.reading.validation import load_cohort
from tests.core.reading.files import accounted


def test_the_template_has_one_column_per_field_headed_by_its_name_and_one_example_row():
    template = template_frame(CONTRACT)
    assert template.columns.tolist() == list(CONTRACT.names)
    assert len(template) == 1
    for spec in CONTRACT:
        assert template.loc[0, spec.name] == ("" if spec.example is None else spec.example)


def test_the_template_saved_as_csv_is_read_back_as_one_valid_patient():
    buffer = io.StringIO()
    template_frame(CONTRACT).to_csv(buffer, index=False)
    result = accounted(load_cohort(buffer.getvalue().encode(), "template.csv", CONTRACT))
    assert result.problems.empty and len(result.valid) == 1
    assert result.valid.loc[0, "patient_id"] == CONTRACT["patient_id"].example


def test_the_guide_describes_every_field_in_contract_order():
    guide = column_guide(CONTRACT)
    assert guide.columns.tolist() == GUIDE_COLUMNS
    assert guide["column"].tolist() == list(CONTRACT.names)
    rows = guide.set_index("column")
    for spec in CONTRACT:
        assert rows.loc[spec.name, "meaning"] == spec.help
        assert spec.valid_values() in rows.loc[spec.name, "valid values"]
        assert rows.loc[spec.name, "required"] == ("yes" if spec.required else "no")
    assert rows.loc["age", "may be blank"] == "yes" and rows.loc["patient_id", "may be blank"] == "no"
    assert rows.loc["days_in_trial", "may be blank"] == "no" and rows.loc["dropout", "may be blank"] == "yes"


def test_every_other_header_the_guide_lists_is_one_the_reader_accepts_for_that_field():
    for column, others in column_guide(CONTRACT)[["column", "other accepted headers"]].itertuples(index=False):
        spellings = [s.strip() for s in others.split(",") if s.strip()]
        assert spellings, column
        assert column not in spellings
        for spelling in spellings:
            assert map_columns([spelling], CONTRACT) == {column: spelling}
