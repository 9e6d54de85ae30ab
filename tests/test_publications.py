"""Published versions of summaries: background jobs (in-process and RQ), immutability,
versioning, downloads with ETag/304, the officials' documents area and the public page."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app
from pypdf import PdfReader

from consult.core import runners
from consult.core.enums import ConsultationStatus, JobStatus, Role
from consult.core.models import Revision, utcnow
from consult.extensions import db
from consult.reports import jobs, pdf, publications, rendering
from consult.reports.catalogue import SUMMARY
from consult.reports.models import ImmutablePublication, Publication, RenderJob
from tests.pages import find, table_row, text
from tests.test_reports import pdf_text

ROOT = Path(__file__).resolve().parent.parent
FILE_V1 = "podsumowanie-2018-05-25-dla-organizacji-pozarzadowych-dzialajacych-w-obszarze-kultury-i-sztuki-v1.pdf"
FIRST_CONCLUSION = "Kluczowa jest wzajemna otwartość obu stron"


@pytest.fixture
def demo(make, facilitator):
    meeting = make.demo_meeting()
    meeting.consultation.facilitators.append(facilitator)
    db.session.commit()
    return meeting


def publish(client, meeting) -> RenderJob:
    """Publish as a facilitator does: "I understand" ticked, the button, then the job page once
    the job ran."""
    response = client.submit(f"/meetings/{meeting.id}/summary/publish", {"confirm": "yes"})
    assert response.status_code == 303, response.get_data(as_text=True)
    match = re.fullmatch(r"/jobs/(\d+)", response.location)
    assert match, response.location
    runners.drain(current_app)
    db.session.expire_all()
    return db.session.get(RenderJob, int(match.group(1)))


def published(meeting) -> list[Publication]:
    db.session.expire_all()
    return publications.versions(SUMMARY.series(meeting))


def stored_bytes(publication: Publication) -> bytes:
    return db.session.scalar(sa.select(Publication.content).where(Publication.id == publication.id))


def download_url(publication: Publication) -> str:
    return f"/documents/{publication.id}/{publication.file_name}"


def first_entry(meeting):
    return meeting.parts[1].sections[0].entries[0]


# Publishing --------------------------------------------------------------------------------


def test_publishing_stores_version_1_with_bytes_checksum_who_and_when(demo, facilitator_client, facilitator):
    before = utcnow()
    job = publish(facilitator_client, demo)
    assert job.status == JobStatus.DONE and job.runner == "inprocess"
    [v1] = published(demo)
    content = stored_bytes(v1)
    assert content.startswith(b"%PDF-") and v1.size == len(content)
    assert v1.sha256 == hashlib.sha256(content).hexdigest()
    assert (v1.version, v1.file_name) == (1, FILE_V1)
    assert v1.published_by_id == facilitator.id and v1.published_by_name == "Fela Facilitator"
    assert before - timedelta(seconds=1) <= v1.published_at <= utcnow()
    assert v1.pages == len(PdfReader(io.BytesIO(content)).pages)
    assert FIRST_CONCLUSION in pdf_text(content)
    revision = db.session.scalars(sa.select(Revision).where(
        Revision.object_type == "publication", Revision.object_id == v1.id)).one()
    assert revision.action == "publish" and revision.user_id == facilitator.id
    assert revision.after["sha256"] == v1.sha256

    page = facilitator_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert text(find(page, "#job-status")) == "Gotowe: opublikowano wersję 1."
    link = find(page, f'a[href="{download_url(v1)}"]')
    assert "Pobierz wersję 1" in text(link)


def test_later_edits_leave_a_version_as_it_was_and_publishing_again_makes_version_2(
        demo, facilitator_client):
    publish(facilitator_client, demo)
    [v1] = published(demo)
    v1_bytes = stored_bytes(v1)
    meeting_page = facilitator_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "Zmiany:" not in text(find(meeting_page, "#meeting-documents"))

    entry = first_entry(demo)
    entry.text = "Wniosek zmieniony po opublikowaniu"
    db.session.commit()

    response = facilitator_client.get(download_url(v1))
    assert response.data == v1_bytes  # the stored bytes, not a new rendering
    assert "Wniosek zmieniony" not in pdf_text(response.data)
    section = text(find(facilitator_client.get(f"/meetings/{demo.id}").get_data(as_text=True),
                        "#meeting-documents"))
    assert "Zmiany: podsumowanie różni się od opublikowanej wersji 1." in section
    assert "Opublikuj podsumowanie jako wersję 2" in section

    publish(facilitator_client, demo)
    v2, v1_again = published(demo)
    assert (v2.version, v1_again.version) == (2, 1)
    assert v2.file_name == FILE_V1.replace("-v1.pdf", "-v2.pdf")
    assert "Wniosek zmieniony po opublikowaniu" in pdf_text(facilitator_client.get(download_url(v2)).data)
    old = facilitator_client.get(download_url(v1))
    assert old.status_code == 200 and old.data == v1_bytes
    assert FIRST_CONCLUSION in pdf_text(old.data)

    page = facilitator_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    rows = find(page, "#meeting-documents table.versions").select("tbody tr")
    assert [text(row.td) for row in rows] == ["2 najnowsza", "1"]
    assert "Zmiany:" not in text(find(page, "#meeting-documents"))


def test_a_published_version_cannot_be_changed_or_deleted(demo, facilitator_client):
    publish(facilitator_client, demo)
    [v1] = published(demo)
    v1.title = "Inny tytuł"
    with pytest.raises(ImmutablePublication):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(ImmutablePublication):
        db.session.delete(db.session.get(Publication, v1.id))
        db.session.flush()
    db.session.rollback()
    assert stored_bytes(v1).startswith(b"%PDF-") and published(demo)[0].title != "Inny tytuł"


def test_only_the_consultations_editors_publish(demo, client, official_client, login_as, make):
    other = login_as(make.user(Role.FACILITATOR))
    assert other.submit(f"/meetings/{demo.id}/summary/publish").status_code == 403
    assert official_client.submit(f"/meetings/{demo.id}/summary/publish").status_code == 403
    anonymous = client.post(f"/meetings/{demo.id}/summary/publish")
    assert anonymous.status_code in (302, 400)
    assert client.submit(f"/meetings/{demo.id}/summary/publish").status_code == 302  # to login
    assert db.session.scalar(sa.select(sa.func.count(RenderJob.id))) == 0
    page = official_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "Opublikuj podsumowanie" not in page  # no button for those who may not


def test_publishing_without_csrf_token_is_refused(demo, facilitator_client):
    response = facilitator_client.post(f"/meetings/{demo.id}/summary/publish")
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(RenderJob.id))) == 0


def test_a_failed_rendering_publishes_nothing_and_offers_to_try_again(demo, facilitator_client, monkeypatch):
    def broken(html, progress=None):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(rendering, "render_job_pdf", broken)
    job = publish(facilitator_client, demo)
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert published(demo) == []
    page = facilitator_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert text(find(page, "#job-status")).startswith("Nie udało się utworzyć dokumentu.")
    assert "layout exploded" not in page
    form = find(page, "#job-progress form")
    assert form["action"] == f"/meetings/{demo.id}/summary/publish"
    assert "Spróbuj ponownie" in text(form)


# Progress --------------------------------------------------------------------------------


def test_rendering_reports_its_steps_and_every_page(demo):
    seen: list[tuple[str, int]] = []
    with current_app.test_request_context():
        html = SUMMARY.html(demo, for_pdf=True)
    pdf = rendering.render_pdf(html, lambda step, page=0: seen.append((step, page)))
    steps = [step for step, _ in seen]
    assert steps.index("html") < steps.index("layout") < steps.index("pdf")
    assert sorted({page for step, page in seen if step == "layout" and page}) == \
        list(range(1, pdf.pages + 1))


def test_a_finished_job_records_its_progress(demo, facilitator_client):
    job = publish(facilitator_client, demo)
    assert (job.step, job.progress) == ("done", 100)
    assert job.page == job.publication.pages and job.pages_estimate >= 1
    assert job.started_at <= job.heartbeat_at and job.finished_at >= job.started_at


def running_job(meeting, **values) -> RenderJob:
    job = RenderJob(document="summary", publishes=True, consultation=meeting.consultation, meeting=meeting,
                    runner="rq", status=JobStatus.RUNNING, step="layout", page=3,
                    pages_estimate=10, progress=32, started_at=utcnow(), heartbeat_at=utcnow())
    for name, value in values.items():
        setattr(job, name, value)
    db.session.add(job)
    db.session.commit()
    return job


def test_the_job_page_shows_progress_and_polls_it(demo, facilitator_client):
    job = running_job(demo)
    page = facilitator_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    status = find(page, "#job-status")
    assert status["role"] == "status" and text(status) == "Tworzenie dokumentu…"
    progress = find(page, "#job-progress")
    assert progress["data-hx-trigger"] == "every 1s"
    assert progress["data-hx-get"] == f"/jobs/{job.id}?shown=running"
    assert find(progress, "progress")["value"] == "32"
    assert find(progress, "label[for=job-bar]")
    assert "składanie strony 3 z około 10" in text(progress)

    facilitator_client.environ_base["HTTP_HX_REQUEST"] = "true"
    fragment = facilitator_client.get(f"/jobs/{job.id}?shown=running").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="job-progress"')
    assert "data-hx-swap-oob" not in fragment  # nothing new to announce

    job.status, job.step, job.progress, job.finished_at = JobStatus.FAILED, "layout", 40, utcnow()
    db.session.commit()
    fragment = facilitator_client.get(f"/jobs/{job.id}?shown=running").get_data(as_text=True)
    announced = find(fragment, "#job-status")
    assert announced["data-hx-swap-oob"] == "innerHTML"
    assert text(announced).startswith("Nie udało się utworzyć dokumentu.")
    assert "data-hx-trigger" not in fragment  # finished: polling stops


def test_a_job_whose_worker_died_is_shown_interrupted_and_can_be_restarted(demo, facilitator_client):
    old = utcnow() - timedelta(minutes=10)
    job = running_job(demo, started_at=old, heartbeat_at=old)
    assert jobs.is_stalled(job)
    page = facilitator_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert text(find(page, "#job-status")).startswith("Przerwano:")
    assert "data-hx-trigger" not in str(find(page, "#job-progress"))
    form = find(page, "#job-progress form")  # sent as the browser sends it, with its fields
    fields = {i["name"]: i["value"] for i in form.select("input[type=hidden]") if i["name"] != "csrf_token"}
    assert fields == {"confirm": "yes"}  # confirmed when it was first asked for
    response = facilitator_client.submit(form["action"], fields)
    new_job = publish_location_job(response)
    assert new_job.id != job.id
    [v1] = published(demo)
    assert v1.version == 1


def publish_location_job(response) -> RenderJob:
    assert response.status_code == 303
    runners.drain(current_app)
    db.session.expire_all()
    return db.session.get(RenderJob, int(response.location.rsplit("/", 1)[1]))


def test_a_double_click_queues_one_job(demo, facilitator, app):
    waiting = jobs.queue_job(SUMMARY, demo, facilitator, publishes=True, runner="rq")
    again = jobs.start_job(SUMMARY, demo, facilitator, publishes=True)
    assert again.id == waiting.id
    assert db.session.scalar(sa.select(sa.func.count(RenderJob.id))) == 1


def test_other_users_jobs_are_not_shown_to_anonymous(demo, client, facilitator_client):
    job = publish(facilitator_client, demo)
    assert client.get(f"/jobs/{job.id}").status_code == 302
    assert client.get(f"/jobs/{job.id}/result").status_code == 302


# Large documents: prepared in the background ----------------------------------------------


def test_a_large_draft_is_prepared_in_the_background(demo, official_client, app):
    app.config["RENDER_INLINE_MAX_KB"] = 5  # the demo summary's HTML is some 11 KB
    page = official_client.get(f"/meetings/{demo.id}/summary.pdf")
    assert page.content_type.startswith("text/html")
    html = page.get_data(as_text=True)
    assert re.search(r"Ten dokument ma około \d+ stron: jego PDF powstaje w tle", text(find(html, "main")))
    form = find(html, "main form")
    response = official_client.submit(form["action"])
    job = publish_location_job(response)
    assert (job.document, job.publishes, job.status) == ("summary", False, JobStatus.DONE)
    assert job.publication_id is None and published(demo) == []  # a draft publishes nothing
    job_page = official_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert text(find(job_page, "#job-status")) == "Gotowe: roboczy PDF jest gotowy do pobrania."
    result = official_client.get(find(job_page, "#job-progress a[download]")["href"])
    assert result.status_code == 200 and result.content_type == "application/pdf"
    assert FIRST_CONCLUSION in pdf_text(result.data)
    assert 'filename="podsumowanie-2018-05-25-dla-organizacji' in result.headers["Content-Disposition"]
    assert "-v1" not in result.headers["Content-Disposition"]


def test_a_small_draft_renders_in_the_request(demo, official_client):
    response = official_client.get(f"/meetings/{demo.id}/summary.pdf")
    assert response.content_type == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert db.session.scalar(sa.select(sa.func.count(RenderJob.id))) == 0


# The RQ runner ------------------------------------------------------------------------------

def test_with_redis_a_worker_process_publishes(demo, facilitator_client, app, redis_url):
    app.config["REDIS_URL"] = redis_url
    response = facilitator_client.submit(f"/meetings/{demo.id}/summary/publish", {"confirm": "yes"})
    job_id = int(response.location.rsplit("/", 1)[1])
    job = db.session.get(RenderJob, job_id)
    assert (job.runner, job.status) == ("rq", JobStatus.QUEUED)
    assert runners.queue(app).count == 1
    page = facilitator_client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert text(find(page, "#job-status")) == "Czeka na wolny proces tworzący dokumenty."

    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": redis_url, "SECRET_KEY": "worker-test"}
    worker = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "consult", "worker", "--burst"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert worker.returncode == 0, worker.stderr[-3000:]

    db.session.expire_all()
    job = db.session.get(RenderJob, job_id)
    assert job.status == JobStatus.DONE, job.error
    assert (job.step, job.progress) == ("done", 100) and job.page >= 1
    [v1] = published(demo)
    assert FIRST_CONCLUSION in pdf_text(facilitator_client.get(download_url(v1)).data)
    assert runners.queue(app).count == 0


def test_when_redis_is_down_the_web_process_renders(demo, facilitator_client, app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    job = publish(facilitator_client, demo)
    assert (job.runner, job.status) == ("inprocess", JobStatus.DONE)
    assert [p.version for p in published(demo)] == [1]


def test_the_worker_command_needs_redis(runner, app):
    app.config["REDIS_URL"] = None
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


# Downloads ---------------------------------------------------------------------------------


def test_downloads_carry_the_checksum_as_etag_and_answer_304(demo, facilitator_client, official_client):
    publish(facilitator_client, demo)
    [v1] = published(demo)
    response = official_client.get(download_url(v1))
    assert response.status_code == 200 and response.content_type == "application/pdf"
    assert response.headers["ETag"] == f'"{v1.sha256}"'
    assert response.headers["Content-Disposition"] == f'attachment; filename="{FILE_V1}"'
    assert "immutable" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]  # the demo consultation is a draft
    assert hashlib.sha256(response.data).hexdigest() == v1.sha256

    again = official_client.get(download_url(v1), headers={"If-None-Match": f'"{v1.sha256}"'})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == f'"{v1.sha256}"'
    other = official_client.get(download_url(v1), headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data == response.data

    moved = official_client.get(f"/documents/{v1.id}/old-name.pdf")
    assert moved.status_code == 308 and moved.location == download_url(v1)
    assert official_client.get("/documents/999999/x.pdf").status_code == 404


def test_a_draft_consultations_file_name_is_not_told_to_strangers(demo, facilitator_client, client):
    publish(facilitator_client, demo)  # the demo consultation is a draft
    [v1] = published(demo)
    response = client.get(f"/documents/{v1.id}/x")
    assert response.status_code == 404
    assert "Location" not in response.headers
    assert v1.file_name not in response.get_data(as_text=True)
    assert client.get(f"/documents/{v1.id}/{v1.file_name}").status_code == 404
    assert facilitator_client.get(f"/documents/{v1.id}/x").status_code == 308  # staff: found


def test_the_latest_link_follows_new_versions(demo, facilitator_client, official_client):
    latest = f"/meetings/{demo.id}/summary/latest.pdf"
    assert official_client.get(latest).status_code == 404  # nothing published yet
    publish(facilitator_client, demo)
    [v1] = published(demo)
    first = official_client.get(latest)
    assert first.status_code == 200 and first.headers["ETag"] == f'"{v1.sha256}"'
    assert "no-cache" in first.headers["Cache-Control"]
    assert first.headers["Content-Location"] == download_url(v1)
    unchanged = official_client.get(latest, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304

    first_entry(demo).text = "Nowa treść wniosku"
    db.session.commit()
    publish(facilitator_client, demo)
    v2 = published(demo)[0]
    changed = official_client.get(latest, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] == f'"{v2.sha256}"'
    assert "Nowa treść wniosku" in pdf_text(changed.data)
    page = facilitator_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert find(page, f'#meeting-documents a[href="{latest}"]')


def test_downloads_never_render(demo, facilitator_client, official_client, monkeypatch):
    publish(facilitator_client, demo)
    [v1] = published(demo)

    def no_rendering(*args, **kwargs):
        raise AssertionError("a download rendered the document")

    monkeypatch.setattr(rendering, "render_pdf", no_rendering)
    monkeypatch.setattr(rendering, "render_job_pdf", no_rendering)
    assert official_client.get(download_url(v1)).status_code == 200
    assert official_client.get(f"/meetings/{demo.id}/summary/latest.pdf").status_code == 200


# The officials' documents area and the public page ----------------------------------------


def test_the_documents_area_lists_consultations_meetings_and_versions(demo, facilitator_client, official_client):
    publish(facilitator_client, demo)
    publish(facilitator_client, demo)
    v2, v1 = published(demo)
    page = official_client.get("/documents/").get_data(as_text=True)
    consultation = find(page, f"section[aria-labelledby=consultation-{demo.consultation_id}]")
    assert demo.consultation.title in text(find(consultation, "h2"))
    row = table_row(consultation, demo.title)
    assert row[1] == "25 maja 2018 r."
    assert row[2].startswith("wersja 2 (") and "kB" in row[2]
    assert row[3].startswith("wersja 1 (")
    assert find(consultation, f'a[href="{download_url(v2)}"]')
    response = official_client.get(find(consultation, f'a[href="{download_url(v1)}"]')["href"])
    assert response.status_code == 200 and response.data == stored_bytes(v1)
    assert table_row(consultation, "Podsumowania wszystkich spotkań")[2] == "jeszcze nieopublikowane"
    nav = find(official_client.get("/", follow_redirects=True).get_data(as_text=True), "nav")
    assert find(nav, 'a[href="/documents/"]')


def test_the_documents_area_is_for_staff(client):
    response = client.get("/documents/")
    assert response.status_code == 302 and "/login" in response.location


def test_the_public_page_gives_anonymous_visitors_the_published_summary(demo, facilitator_client, client):
    demo.consultation.status = ConsultationStatus.CLOSED
    db.session.commit()
    publish(facilitator_client, demo)
    [v1] = published(demo)

    index = client.get("/public/").get_data(as_text=True)
    link = find(index, f'main a[href="/public/{demo.consultation.slug}"]')
    page = client.get(link["href"]).get_data(as_text=True)
    assert find(page, "h1").get_text() == demo.consultation.title
    download = find(page, f'a[href="{download_url(v1)}"]')
    assert text(download) == "Podsumowanie spotkania (PDF)"
    response = client.get(download["href"])
    assert response.status_code == 200 and response.data == stored_bytes(v1)
    assert "public" in response.headers["Cache-Control"]
    latest = client.get(f"/meetings/{demo.id}/summary/latest.pdf")
    assert latest.status_code == 200 and latest.data == response.data
    # Anonymous visitors see published versions only: no preview, no draft, no publishing.
    assert client.get(f"/meetings/{demo.id}/summary").status_code == 302
    assert client.get(f"/meetings/{demo.id}/summary.pdf").status_code == 302
    assert client.get("/").location.endswith("/public/")


def test_a_draft_consultation_is_not_public(demo, facilitator_client, client, official_client):
    assert demo.consultation.status == ConsultationStatus.DRAFT
    publish(facilitator_client, demo)
    [v1] = published(demo)
    assert demo.consultation.slug not in client.get("/public/").get_data(as_text=True)
    assert client.get(f"/public/{demo.consultation.slug}").status_code == 404
    assert client.get(download_url(v1)).status_code == 404
    assert client.get(f"/meetings/{demo.id}/summary/latest.pdf").status_code == 404
    staff_view = official_client.get(f"/public/{demo.consultation.slug}").get_data(as_text=True)
    assert "Niepubliczne:" in text(find(staff_view, "main"))
    assert client.get("/public/no-such-consultation").status_code == 404


# The consultation's compilation -------------------------------------------------------------


def toc_entries(page_text: str) -> list[tuple[str, int]]:
    """(title, page number) of each line of a table of contents with dot leaders."""
    entries, pending = [], ""
    for line in page_text.split("Spis treści", 1)[1].splitlines():
        match = re.fullmatch(r"(.+?)\s*\.{4,}\s*(\d+)\s*", line)
        if match:  # a title wrapped over lines ends on the line with the leaders
            entries.append((f"{pending} {match.group(1)}".strip(), int(match.group(2))))
            pending = ""
        else:
            pending = f"{pending} {line}".strip()
    return entries


def flat(page_text: str) -> str:
    return " ".join(page_text.replace("\u2010\n", "").split())


def test_the_compilation_has_a_cover_and_contents_with_page_numbers(demo, make, facilitator_client):
    second = make.meeting(demo.consultation, title="Spotkanie konsultacyjne dla organizacji seniorów",
                          date=demo.date + timedelta(days=7), prepared_by="Jan Nowak")
    make.entry(make.section(second, heading="Pomysły", topic="Kultura dla seniorów"),
               "Więcej zajęć popołudniowych w domach kultury")
    response = facilitator_client.submit(f"/consultations/{demo.consultation_id}/summaries/publish",
                                         {"confirm": "yes"})
    job = publish_location_job(response)
    assert job.status == JobStatus.DONE, job.error
    publication = job.publication
    assert publication.file_name == "podsumowania-spotkan-konsultacje-zalozen-wieloletniego-" \
        "programu-wspolpracy-gminy-miejskiej-krakow-z-v1.pdf"
    reader = PdfReader(io.BytesIO(stored_bytes(publication)))
    pages = [page.extract_text() for page in reader.pages]

    cover = flat(pages[0])
    assert "Podsumowania spotkań konsultacyjnych" in cover
    assert "Spotkania: 2" in cover and "Opracowanie: Ewa Chromniak, Jan Nowak" in cover
    assert "Spis treści" in pages[1]
    contents = toc_entries(pages[1])
    meetings = [(title, number) for title, number in contents if title[:2] in ("1.", "2.")]
    assert [title for title, _ in meetings] == [
        "1. Spotkanie konsultacyjne dla organizacji pozarządowych działających w obszarze kultury "
        "i sztuki, 25 maja 2018 r.",
        "2. Spotkanie konsultacyjne dla organizacji seniorów, 1 czerwca 2018 r."]
    for title, number in contents:  # every entry leads to the page where its heading is
        heading = title.split(", ")[0].removeprefix("1. ").removeprefix("2. ")
        heading = heading.removeprefix("Spotkanie konsultacyjne ")
        page_text = flat(pages[number - 1]).lower()
        assert heading.lower()[:60] in page_text, (title, number)
    assert meetings[1][1] > meetings[0][1]
    assert "Więcej zajęć popołudniowych w domach kultury" in flat(pages[meetings[1][1] - 1])
    assert reader.trailer["/Root"]["/Lang"] == "pl"
    assert reader.metadata.title.startswith("Podsumowania spotkań konsultacyjnych")


def test_the_compilation_preview_and_documents(demo, official_client):
    page = official_client.get(f"/consultations/{demo.consultation_id}/summaries").get_data(as_text=True)
    toc = find(page, "nav.doc-toc")
    assert find(toc, f'a[href="#meeting-{demo.id}"]')
    assert find(page, f"article.doc-meeting #meeting-{demo.id}")
    detail = official_client.get(f"/consultations/{demo.consultation_id}").get_data(as_text=True)
    section = find(detail, "#compilation-documents")
    assert "Nie opublikowano jeszcze żadnej wersji." in text(section)
    assert section.find("form") is None  # officials do not publish


# Long words --------------------------------------------------------------------------------


def test_long_words_wrap_inside_the_page(make):
    from weasyprint import HTML

    meeting = make.meeting()
    section = make.section(meeting, topic="Adresy")
    long_word = "https://bip.krakow.pl/" + "bardzo-dlugi-adres-bez-spacji-" * 12
    make.entry(section, f"Zobacz {long_word} oraz Konstantynopolitańczykowianeczka" * 2)
    with current_app.test_request_context():
        html = SUMMARY.html(meeting, for_pdf=True)
    document = HTML(string=html, base_url=pdf.BASE_URL,
                    url_fetcher=pdf.static_only_fetcher(current_app.static_folder)).render()

    def boxes(box):
        yield box
        for child in getattr(box, "children", []):
            yield from boxes(child)

    for page in document.pages:
        page_box = page._page_box
        right = page_box.margin_width() - page_box.margin_right
        for box in boxes(page_box):
            if hasattr(box, "text") and box.text.strip():
                assert box.position_x + box.width <= right + 0.5, f"overflows: {box.text[:40]}"
    text_layer = pdf_text(rendering.render_pdf(html).content)
    assert "bardzo-dlugi-adres" in text_layer
