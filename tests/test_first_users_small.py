"""Smaller things the first users hit (issue 17, point 12): priorities indented by the
ancestors a list holds, a consultation's address keeping its year, `make run`'s last line
saying what it is, and the demo's version 1 looking like the 2018 summary."""

from __future__ import annotations

import re

import sqlalchemy as sa

from consult.extensions import db
from tests.pages import find
from tests.test_reports import pdf_text


def test_priorities_are_indented_by_the_ancestors_on_the_list(make, admin_client):
    consultation = make.consultation()
    for code in ("I.1", "I.1.1", "I.3", "I.3.1", "I.5.1", "III.1.3", "III.2"):
        make.priority(consultation, code, f"Priorytet {code}")
    page = admin_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    items = find(page, "ul.priorities").select("li")
    levels = {item.select_one(".code").get_text(strip=True): item["class"][0] for item in items}
    assert levels == {"I.1": "depth-0", "I.1.1": "depth-1", "I.3": "depth-0", "I.3.1": "depth-1",
                      "I.5.1": "depth-0", "III.1.3": "depth-0", "III.2": "depth-0"}


def test_a_long_title_keeps_its_year_in_the_address(app):
    from consult.consultations.services import unique_slug

    with app.app_context():
        slug = unique_slug("Konsultacje projektu Programu Współpracy Gminy Miejskiej Kraków "
                           "z organizacjami pozarządowymi na 2027 rok")
    assert slug.endswith("-na-2027-rok") and len(slug) <= 120


def test_the_demo_publishes_the_2018_look_and_says_what_its_last_line_is(app, runner, client):
    from consult.core import runners
    from consult.meetings.models import Meeting
    from consult.reports.models import Publication

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"Id of the demo meeting: \d+", last)
    runners.drain(app)
    db.session.expire_all()
    meeting = db.session.get(Meeting, int(last.rsplit(" ", 1)[1]))
    assert meeting.show_kinds is False
    publication = db.session.scalars(sa.select(Publication).where(Publication.media_type == "application/pdf")).one()
    text = pdf_text(client.get(f"/documents/{publication.id}/{publication.file_name}").data)
    assert "1. Kluczowa jest wzajemna otwartość" in text  # no kind marker before the point
    assert "WERSJA ROBOCZA" not in text


def test_the_documents_area_lists_the_documents_consulted(official_client, facilitator_client, facilitator, make):
    from tests.pages import text
    from tests.test_consultation_documents import PDF_BYTES, upload

    consultation = make.consultation(facilitators=[facilitator])
    assert upload(facilitator_client, consultation, "projekt.pdf", PDF_BYTES,
                  title="Projekt programu").status_code == 303
    page = official_client.get("/documents/").get_data(as_text=True)
    [row] = find(page, f"#consultation-{consultation.id}").find_parent("section").select("tr.consulted-document")
    assert text(row.th) == "Dokument konsultacji: Projekt programu"
    link = row.select_one("a[download]")
    assert official_client.get(link["href"]).data == PDF_BYTES


def test_dates_and_times_have_one_format(app, board, editor):
    from datetime import UTC, datetime

    from flask_babel import force_locale

    from consult.core.formatting import local_datetime
    from tests.pages import text
    from tests.test_capture_views import add_form, hx

    with app.test_request_context(), force_locale("pl"):
        assert local_datetime(datetime(2026, 12, 1, 7, 0, tzinfo=UTC)) == "1 grudnia 2026, 08:00"
    hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Wpis z historią"))
    from consult.meetings.models import Entry

    entry = db.session.scalars(sa.select(Entry).where(Entry.text == "Wpis z historią")).one()
    history = text(editor.get(f"{board.url}/entries/{entry.id}/history").get_data(as_text=True))
    assert re.search(r"\d{1,2} (stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|"
                     r"października|listopada|grudnia) \d{4}, \d\d:\d\d —", history), history[:300]
