"""No heavy rendering inside a web request (issue 15, finding 4): a draft is made in the
request only when its HTML is small, whatever makes a document large; jobs render in a
child process with a time and memory limit and fail with a clear message; one submission's
text is capped at its field."""

from __future__ import annotations

import re
import resource

import pytest
import sqlalchemy as sa

from consult.core.enums import JobStatus
from consult.extensions import db
from consult.remarks.models import Submission
from consult.reports import pdf
from consult.reports.models import RenderJob
from tests.pages import error_summary, field_error, find, form_values, text
from tests.test_publications import demo, publish, publish_location_job  # noqa: F401
from tests.test_remarks import consultation, form_url, received, valid  # noqa: F401

LONG = "Długa uwaga o finansowaniu kultury. " * 280  # about 10,000 characters


def is_pdf(response) -> bool:
    return response.content_type == "application/pdf" and response.data.startswith(b"%PDF")


def is_prepare_page(response) -> bool:
    return (response.status_code == 200 and response.content_type.startswith("text/html")
            and "powstaje w tle" in text(find(response.get_data(as_text=True), "main")))


def answered_long_remarks(consultation, official, count: int) -> None:
    """``count`` submissions of one long remark (some 10,000 characters) each, accepted and
    answered: in the report's table."""
    from consult.remarks import moderation as remark_moderation
    from consult.remarks import stances

    for n in range(count):
        submission, _token = received(consultation, f"Organizacja {n}", remarks=(LONG,))
        remark_moderation.accept(submission.remarks[0], official)
        stances.set_stance(submission.remarks[0], official, "accepted", None, None)
    stances.publish_stances(consultation, official)
    db.session.commit()


# Inline or job: by the size of the HTML --------------------------------------------------


def test_a_report_of_a_few_long_remarks_is_prepared_in_the_background(consultation, official,
                                                                       official_client):
    answered_long_remarks(consultation, official, 8)  # a count that used to render inline
    response = official_client.get(f"/consultations/{consultation.id}/report.pdf")
    assert is_prepare_page(response), (response.content_type, len(response.data))
    assert db.session.scalar(sa.select(sa.func.count(RenderJob.id))) == 0  # nothing started yet


def test_a_meeting_of_many_long_sections_without_entries_is_prepared_in_the_background(make, official_client):
    meeting = make.meeting(title="Spotkanie konsultacyjne dla organizacji")
    for n in range(150):
        make.section(meeting, heading=f"Część {n}", topic=f"Temat {n}: " + "bardzo długi opis " * 30)
    response = official_client.get(f"/meetings/{meeting.id}/summary.pdf")
    assert is_prepare_page(response)


def test_a_meeting_of_few_long_entries_is_prepared_in_the_background(make, official_client):
    meeting = make.meeting()
    section = make.section(meeting, topic="Lokale")
    for _ in range(30):
        make.entry(section, "Wniosek o lokale dla organizacji. " * 150)  # 5,000 characters
    assert is_prepare_page(official_client.get(f"/meetings/{meeting.id}/summary.pdf"))
    assert is_prepare_page(official_client.get(f"/consultations/{meeting.consultation_id}/summaries.pdf"))


def test_the_limit_is_a_setting(make, official_client, app):
    meeting = make.meeting()
    section = make.section(meeting, topic="Lokale")
    make.entry(section, "Wniosek o lokale dla organizacji. " * 150)
    assert is_pdf(official_client.get(f"/meetings/{meeting.id}/summary.pdf"))
    app.config["RENDER_INLINE_MAX_KB"] = 4
    assert is_prepare_page(official_client.get(f"/meetings/{meeting.id}/summary.pdf"))


def test_a_draft_that_fails_in_the_request_is_offered_as_a_job(demo, official_client, monkeypatch):
    from consult.reports import rendering

    def broken(html, progress=None):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    response = official_client.get(f"/meetings/{demo.id}/summary.pdf")
    assert is_prepare_page(response)
    assert "Nie udało się od razu przygotować pliku PDF" in text(find(response.get_data(as_text=True), "main"))


# Jobs render in a child process with limits ---------------------------------------------


def job_page_status(client, job) -> str:
    return text(find(client.get(f"/jobs/{job.id}").get_data(as_text=True), "#job-status"))


def lengthen(meeting, entries: int = 500) -> None:
    """Some 40 more pages: seconds of rendering and hundreds of MB on any machine."""
    from consult.meetings.models import Entry

    section = meeting.parts[1].sections[0]
    db.session.execute(sa.insert(Entry), [
        {"section_id": section.id, "kind": "idea", "position": 100 + n,
         "text": f"Wniosek {n}: " + "więcej lokali dla organizacji pozarządowych. " * 8} for n in range(entries)])
    db.session.commit()


def test_a_job_that_takes_too_long_stops_with_a_clear_message(demo, facilitator_client, app):
    lengthen(demo)
    app.config["RENDER_TIMEOUT_SECONDS"] = 1
    own_memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    job = publish(facilitator_client, demo)
    assert (job.status, job.error) == (JobStatus.FAILED, "time")
    assert job_page_status(facilitator_client, job) == (
        "Dokument jest zbyt obszerny: nie dało się go utworzyć w ciągu 1 s – tyle najdłużej może "
        "trwać tworzenie dokumentu. Niczego nie opublikowano. Skróć go albo poproś administratora "
        "o wydłużenie tego czasu.")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < own_memory + 50_000  # KiB


def test_a_job_that_needs_too_much_memory_stops_with_a_clear_message(demo, facilitator_client, app):
    lengthen(demo)
    app.config["RENDER_MEMORY_MB"] = 100
    job = publish(facilitator_client, demo)
    assert (job.status, job.error) == (JobStatus.FAILED, "memory")
    assert job_page_status(facilitator_client, job).startswith(
        "Dokument jest zbyt obszerny: jego utworzenie wymaga więcej niż 100 MB pamięci")
    # With room enough, the same job publishes.
    app.config["RENDER_MEMORY_MB"] = 1536
    again = publish(facilitator_client, demo)
    assert again.status == JobStatus.DONE and again.publication.pages >= 2


def test_the_child_renderer_reports_progress_and_pages(app):
    html = "<html lang=pl><head><title>t</title></head><body>" + "<p>Akapit zażółć</p>" * 400 + "</body></html>"
    seen = []
    rendered = pdf.render_in_child(html, app.static_folder, lambda step, page: seen.append((step, page)),
                                   timeout=120, memory_mb=1536)
    assert rendered.content.startswith(b"%PDF") and rendered.pages >= 2
    assert [step for step, _ in seen][:1] == ["html"]
    assert {page for step, page in seen if step == "layout" and page} == set(range(1, rendered.pages + 1))


def test_a_renderer_that_crashes_once_gets_one_more_try_and_twice_is_reported(app, monkeypatch):
    """A crash of native code once in a while (seen on a loaded machine) does not fail the
    job; crashing again is the memory limit, as the job page then says."""
    real, calls = pdf._render_in_child, []

    def crashes(times):
        def render(*args, **kwargs):
            calls.append(1)
            if len(calls) <= times:
                raise pdf._Crashed(11)
            return real(*args, **kwargs)
        return render

    html = "<html lang=pl><head><title>t</title></head><body><p>Akapit</p></body></html>"
    monkeypatch.setattr(pdf, "_render_in_child", crashes(1))
    assert pdf.render_in_child(html, app.static_folder, timeout=120, memory_mb=1536).content.startswith(b"%PDF")
    assert len(calls) == 2
    calls.clear()
    monkeypatch.setattr(pdf, "_render_in_child", crashes(2))
    with pytest.raises(pdf.RenderLimitError) as stopped:
        pdf.render_in_child(html, app.static_folder, timeout=120, memory_mb=1536)
    assert stopped.value.reason == "memory" and len(calls) == 2


def test_the_child_renderer_refuses_what_the_app_renderer_refuses(app, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TAJNE")
    html = (f'<html><body><p>x</p><img src="file://{secret}"><iframe src="file://{secret}"></iframe>'
            f'<link rel="stylesheet" href="file://{secret}"></body></html>')
    rendered = pdf.render_in_child(html, app.static_folder, None, timeout=60, memory_mb=1536)
    assert b"TAJNE" not in rendered.content


def test_a_document_nested_too_deeply_fails_as_a_job_error_not_a_crash(app):
    deep = "<html><body>" + "<ul><li>x" * 3000 + "</li></ul>" * 3000 + "</body></html>"
    with pytest.raises(pdf.RenderLimitError) as failed:
        pdf.render_in_child(deep, app.static_folder, None, timeout=120, memory_mb=1536)
    assert failed.value.reason in ("failed", "memory")


# One submission's text is capped -------------------------------------------------------------


def test_the_text_of_one_submission_is_capped_at_its_field(app, client, consultation):
    app.config["SUBMISSION_TEXT_MAX"] = 20_000
    data = valid(consultation, **{"remarks-0-remark": "a" * 9000, "remarks-0-proposed_wording": "",
                                  "remarks-0-justification": "b" * 9000,
                                  "remarks-1-target": "general", "remarks-1-remark": "c" * 9000,
                                  "remarks-1-document_ref": "", "remarks-1-proposed_wording": "",
                                  "remarks-1-justification": ""})
    response = client.submit(form_url(consultation), data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    message = re.sub(r"[\u00a0\u202f]", " ", field_error(page, "remarks-1-remark"))
    assert message == ("Błąd: Wszystkie uwagi jednego formularza mogą mieć razem najwyżej 20 000 znaków; "
                       "ten formularz ma ich 27 000. Skróć je albo wyślij część uwag w drugim formularzu.")
    assert "Uwaga 2" in error_summary(page)
    values = form_values(page)
    assert values["remarks-1-remark"] == "c" * 9000 and values["remarks-0-justification"] == "b" * 9000
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 0
    data["remarks-1-remark"] = "c" * 2000
    assert client.submit(form_url(consultation), data).status_code == 303


def test_a_large_table_of_remarks_as_docx_or_csv_is_prepared_in_the_background(
        consultation, official, official_client, app):
    answered_long_remarks(consultation, official, 4)
    url = f"/consultations/{consultation.id}/report.docx"
    assert official_client.get(url).content_type.startswith("application/vnd.openxml")  # small enough
    app.config["RENDER_INLINE_MAX_KB"] = 1  # 32 KB of text at most in the request
    for fmt, address, media in (("docx", "report.docx", "application/vnd.openxml"),
                                ("excel-csv", "report-excel.csv", "text/csv")):
        page = official_client.get(f"/consultations/{consultation.id}/{address}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Zestawienie uwag jest obszerne" in text(find(html, "main"))
        job = publish_location_job(official_client.submit(find(html, "main form")["action"]))
        assert (job.status, job.file_format) == (JobStatus.DONE, fmt)
        job_page = official_client.get(f"/jobs/{job.id}").get_data(as_text=True)
        assert text(find(job_page, "#job-status")) == "Gotowe: roboczy plik jest gotowy do pobrania."
        result = official_client.get(find(job_page, "#job-progress a[download]")["href"])
        assert result.content_type.startswith(media)
        assert "Długa uwaga o finansowaniu kultury." in (
            result.data.decode("utf-8-sig") if fmt == "excel-csv" else _docx_text(result.data))
    assert official_client.submit(f"/consultations/{consultation.id}/report/draft?fmt=exe").status_code == 404


def _docx_text(data: bytes) -> str:
    import io

    from docx import Document

    document = Document(io.BytesIO(data))
    return " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
