"""Nothing unchangeable is published by accident, and a draft never passes for the published
version (issue 17, point 10): every kind asks to confirm (without JavaScript too), an empty
meeting is not published, and drafts say so in their file name and on every page."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from pypdf import PdfReader

from consult.extensions import db
from consult.reports.models import Publication, RenderJob
from tests.pages import find, parse, text
from tests.test_publications import demo, publish  # noqa: F401

NOTICE = "Opublikowanej wersji nie można zmienić ani usunąć."


def jobs() -> int:
    return db.session.scalar(sa.select(sa.func.count(RenderJob.id)))


def test_every_kind_asks_to_confirm_and_is_refused_without_it(demo, facilitator_client):
    pages = {f"/meetings/{demo.id}": ("#meeting-documents", f"/meetings/{demo.id}/summary/publish"),
             f"/consultations/{demo.consultation_id}": ("#compilation-documents",
                                                        f"/consultations/{demo.consultation_id}/summaries/publish")}
    for page_url, (panel, action) in pages.items():
        form = find(facilitator_client.get(page_url).get_data(as_text=True), f"{panel} form.publish-form")
        assert form["action"] == action and NOTICE in text(form)
        box = form.select_one("input[type=checkbox][name=confirm]")
        assert box.has_attr("required") and text(box.find_parent("label")) == "Rozumiem, opublikuj teraz"
        refused = facilitator_client.submit(action)  # a client that did not tick it
        assert refused.status_code == 303 and refused.location.endswith(panel)
        flashes = text(find(facilitator_client.get(refused.location).get_data(as_text=True), ".flashes"))
        assert f"Niczego nie opublikowano: najpierw potwierdź ({NOTICE})" in flashes
    assert jobs() == 0


def test_an_empty_meeting_is_not_published(make, facilitator, facilitator_client):
    meeting = make.meeting(make.consultation(facilitators=[facilitator]), title="Spotkanie bez wpisów")
    make.section(meeting, heading="Pomysły", topic="Nowe pomysły")
    page = parse(facilitator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    panel = page.select_one("#meeting-documents")
    assert panel.select("form.publish-form") == []  # nor the compilation of nothing:
    assert "nie zanotowano jeszcze niczego: nie ma czego publikować" in text(panel.select_one(".publish-refusal"))
    consultation_page = parse(facilitator_client.get(
        f"/consultations/{meeting.consultation_id}").get_data(as_text=True))
    assert consultation_page.select("#compilation-documents form.publish-form") == []
    refused = facilitator_client.submit(f"/meetings/{meeting.id}/summary/publish", {"confirm": "yes"})
    assert refused.status_code == 303 and jobs() == 0


def test_a_draft_says_so_in_its_name_and_on_every_page(demo, facilitator_client, official_client):
    draft = official_client.get(f"/meetings/{demo.id}/summary.pdf")
    assert re.search(r'filename="podsumowanie-2018-05-25-[\w-]+-wersja-robocza\.pdf"',
                     draft.headers["Content-Disposition"])
    pages = PdfReader(io.BytesIO(draft.data)).pages
    assert len(pages) >= 2
    assert all("WERSJA ROBOCZA" in page.extract_text() for page in pages)
    preview = official_client.get(f"/meetings/{demo.id}/summary").get_data(as_text=True)
    assert text(find(preview, ".draft-mark")) == "Wersja robocza"

    job = publish(facilitator_client, demo)
    published = facilitator_client.get(f"/documents/{job.publication_id}/{job.publication.file_name}")
    assert job.publication.file_name.endswith("-v1.pdf")
    assert not any("WERSJA ROBOCZA" in page.extract_text() for page in PdfReader(io.BytesIO(published.data)).pages)
    assert db.session.scalar(sa.select(sa.func.count(Publication.id))) == 3  # one version: PDF, DOCX, ODT
