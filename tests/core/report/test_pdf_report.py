"""The week's report as PDF: its text (pypdf) holds the decision and the call list; a page rendered to a picture
(pypdfium2) is a page of print, in black and white, not a blank one."""

from __future__ import annotations

import io

import numpy as np
import pytest
from pypdf import PdfReader

from core.report.pdf_page import report_pdf
from tests.core.report.conftest import CAPACITY


@pytest.fixture(scope="module")
def demo_pdf(demo_report) -> bytes:
    return report_pdf(demo_report)


@pytest.fixture(scope="module")
def cdisc_pdf(cdisc_report) -> bytes:
    return report_pdf(cdisc_report)


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_text_holds_the_threshold_and_the_call_list(demo_pdf, demo_report, demo_cohort):
    text = _text(demo_pdf)
    assert "Decision threshold" in text and "0.40" in text
    assert f"{CAPACITY} patients flagged" in text and f"{CAPACITY} patients" in text
    for patient in demo_report.call_list["Patient"]:
        assert patient in text
    assert demo_cohort.sha256[:40] in text.replace("\n", "")
    assert "patient identifiers in its call-list section only" in text.replace("\n", " ")
    reader = PdfReader(io.BytesIO(demo_pdf))
    assert reader.metadata is not None and reader.metadata.author == "Ana Lopez"


def test_a_labelled_snapshot_prints_its_evaluation(cdisc_pdf, cdisc_report):
    text = _text(cdisc_pdf).replace("\n", " ")
    auc = cdisc_report.evaluation.metrics["roc_auc"]["value"]
    assert f"ROC AUC {auc:.3f}" in text and "Calibration slope" in text
    assert len(PdfReader(io.BytesIO(cdisc_pdf)).pages) >= 3  # the figures on a page of their own


def _rendered(data: bytes, page: int, path) -> np.ndarray:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    image = document[page % len(document)].render(scale=1.3).to_pil()
    image.save(path)  # kept in the test's folder, to look at when a test fails
    return np.asarray(image.convert("RGB"), dtype=float)


@pytest.mark.parametrize("which,page", [("demo", 0), ("cdisc", -1)])  # the first page; the figures (last)
def test_a_rendered_page_is_print_not_blank_and_black_and_white(which, page, demo_pdf, cdisc_pdf, tmp_path):
    pixels = _rendered(demo_pdf if which == "demo" else cdisc_pdf, page, tmp_path / f"{which}_{page}.png")
    ink = (pixels.mean(axis=2) < 200).mean()
    assert 0.01 < ink < 0.5  # text or figures, neither an empty page nor a black one
    colour = np.abs(pixels - pixels.mean(axis=2, keepdims=True)).max(axis=2)
    assert (colour > 30).mean() < 0.001  # greys only: it prints the same on a black-and-white printer
    rows_with_ink = ((pixels.mean(axis=2) < 200).mean(axis=1) > 0).mean()
    assert rows_with_ink > 0.3  # spread down the page, not one line
