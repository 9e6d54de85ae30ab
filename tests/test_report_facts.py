"""The consultation report states only what the record holds (issue 17, point 1): the forms
of consultation it names are the ones that took place — the online form only where it was
open, meetings only where one was held, with their dates and participants — in its PDF's HTML
and in its DOCX alike."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from docx import Document

from consult.core.enums import ConsultationStatus, Role
from consult.core.formatting import long_date, site_zone
from consult.core.models import utcnow
from consult.extensions import db
from consult.reports.models import Publication, RenderJob
from tests.pages import find, text
from tests.test_reports import pdf_text

ONLINE = "formularz konsultacyjny online"


def report_facts(client, consultation) -> str:
    """The report's "How the consultation ran" part, as its preview shows it."""
    page = client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    return text(find(page, "section[aria-labelledby=report-course]"))


def docx_text(client, consultation) -> str:
    response = client.get(f"/consultations/{consultation.id}/report.docx")
    assert response.status_code == 200
    return "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)


def window(days_ago: int, days_left: int) -> dict:
    return {"submissions_open_at": utcnow() - timedelta(days=days_ago),
            "submissions_close_at": utcnow() + timedelta(days=days_left)}


@pytest.mark.parametrize("where", [report_facts, docx_text])
def test_meetings_without_an_online_form_are_all_it_names(make, official_client, where):
    """The 2018 consultation: meetings, no online form."""
    consultation = make.consultation(status=ConsultationStatus.CLOSED)
    make.meeting(consultation, title="Spotkanie w Podgórzu", date=date(2018, 5, 25), participants=10)
    facts = where(official_client, consultation)
    assert "Formy konsultacji: 1 spotkanie konsultacyjne" in facts
    assert ONLINE not in facts and "online" not in facts
    assert "25 maja 2018 r. – Spotkanie w Podgórzu (uczestnicy: 10)" in facts


@pytest.mark.parametrize("where", [report_facts, docx_text])
def test_an_online_form_without_meetings_is_all_it_names(make, official_client, where):
    consultation = make.consultation(status=ConsultationStatus.OPEN, **window(10, -1))
    facts = where(official_client, consultation)
    assert f"Formy konsultacji: {ONLINE}" in facts
    assert "spotkan" not in facts.lower() and "spotkań" not in facts
    assert "Termin składania uwag online:" in facts and "nadal trwa" not in facts


@pytest.mark.parametrize("where", [report_facts, docx_text])
def test_both_forms_with_the_meetings_held_and_the_form_still_open(make, official_client, where):
    consultation = make.consultation(status=ConsultationStatus.OPEN, **window(3, 7))
    make.meeting(consultation, title="Pierwsze", date=utcnow().date() - timedelta(days=2), participants=12)
    make.meeting(consultation, title="Drugie", date=utcnow().date() - timedelta(days=1))
    make.meeting(consultation, title="Zaplanowane", date=utcnow().date() + timedelta(days=5))
    facts = where(official_client, consultation)
    assert f"Formy konsultacji: {ONLINE}, 2 spotkania konsultacyjne" in facts
    assert "Pierwsze (uczestnicy: 12)" in facts and "Drugie" in facts
    assert "Zaplanowane" not in facts  # not held (yet): not a form of this consultation
    assert "nadal trwa" in facts


@pytest.mark.parametrize("where", [report_facts, docx_text])
def test_with_neither_it_says_none_was_recorded(make, official_client, where):
    """No meeting held, a form that has not opened yet: nothing took place."""
    consultation = make.consultation(status=ConsultationStatus.OPEN, **window(-2, 20))
    make.meeting(consultation, title="Za tydzień", date=utcnow().date() + timedelta(days=7))
    facts = where(official_client, consultation)
    assert "Formy konsultacji: nie odnotowano żadnej" in facts
    assert ONLINE not in facts and "Za tydzień" not in facts and "Termin składania" not in facts


# Publishing while remarks may still come, and who prepared and approved it (point 2) -------


def publish_report(client, consultation, **form):
    from flask import current_app

    from consult.core import runners

    response = client.submit(f"/consultations/{consultation.id}/report/publish", form)
    runners.drain(current_app)
    db.session.expire_all()
    return response


def test_publishing_while_remarks_may_still_come_asks_first(make, official_client, official):
    consultation = make.consultation(status=ConsultationStatus.OPEN, **window(3, 7))
    page = official_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    form = find(page, "#report-documents form.publish-form")
    assert "Uwagi można jeszcze zgłaszać do" in text(form)
    assert "raport opublikowany teraz nie obejmie uwag, które wpłyną później" in text(form)
    checkbox = form.select_one("input[type=checkbox][name=confirm]")
    assert checkbox.has_attr("required")  # the browser asks, without JavaScript
    assert text(checkbox.find_parent("label")) == "Rozumiem, opublikuj teraz"

    refused = publish_report(official_client, consultation)  # a client that skipped it
    assert refused.status_code == 303 and refused.location.endswith("#report-documents")
    after = official_client.get(refused.location).get_data(as_text=True)
    assert "Niczego nie opublikowano: najpierw potwierdź" in text(find(after, ".flashes"))
    assert db.session.scalar(sa.select(sa.func.count(RenderJob.id))) == 0

    assert publish_report(official_client, consultation, confirm="yes").status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Publication.id)).where(
        Publication.kind == "report")) == 4  # PDF, DOCX and both CSV files


def test_a_closed_consultation_is_published_without_the_warning(make, official_client):
    consultation = make.consultation(status=ConsultationStatus.CLOSED, **window(30, -2))
    page = official_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    form = find(page, "#report-documents form.publish-form")
    assert "Uwagi można jeszcze zgłaszać" not in text(form)
    assert "Opublikowanej wersji nie można zmienić ani usunąć." in text(form)  # asked of every kind
    assert publish_report(official_client, consultation, confirm="yes").status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Publication.id))) == 4


def test_the_report_says_who_prepared_and_approved_it(make, official_client, official, client):
    from consult.remarks import moderation, stances
    from tests.test_remarks import received

    consultation = make.consultation(status=ConsultationStatus.OPEN, **window(3, 7))
    submission, _token = received(consultation)
    colleague = make.user(Role.OFFICIAL, name="Celina Kowalska")
    moderation.accept(submission.remarks[0], official)
    stances.set_stance(submission.remarks[0], colleague, "accepted", None, None)
    stances.publish_stances(consultation, colleague)
    db.session.commit()

    draft = report_facts_and_approval(official_client, consultation)
    assert "Sporządził(a): Celina Kowalska" in draft
    assert "Zatwierdził(a): jeszcze nie: to wersja robocza, nie opublikowany raport" in draft

    assert publish_report(official_client, consultation, confirm="yes").status_code == 303
    today = long_date(utcnow().astimezone(site_zone()).date(), "pl")
    pdf = pdf_text(client.get(f"/consultations/{consultation.id}/report/latest.pdf").data)
    assert "Sporządził(a): Celina Kowalska" in pdf
    assert f"Zatwierdził(a): Olek Official, {today}" in pdf
    docx = "\n".join(p.text for p in Document(io.BytesIO(
        client.get(f"/consultations/{consultation.id}/report/latest.docx").data)).paragraphs)
    assert "Sporządził(a): Celina Kowalska" in docx and f"Zatwierdził(a): Olek Official, {today}" in docx


def report_facts_and_approval(client, consultation) -> str:
    page = client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    return text(find(page, "section[aria-labelledby=report-approval]"))
