"""Publishing a summary in Chromium: the button, the progress page updated live, the
download; then an anonymous visitor downloads it from the consultation's public page."""

from __future__ import annotations

import io
import threading

import pytest

from consult.core.enums import ConsultationStatus, Role
from consult.extensions import db
from consult.reports import rendering

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed",
                    exc_type=ImportError)
from playwright.sync_api import expect  # noqa: E402
from pypdf import PdfReader  # noqa: E402

FILE_V1 = "podsumowanie-2018-05-25-dla-organizacji-pozarzadowych-dzialajacych-w-obszarze-kultury-i-sztuki-v1.pdf"


@pytest.fixture
def meeting(make):
    return make.demo_meeting()


@pytest.fixture
def slow_rendering(monkeypatch):
    """Rendering waits until the test lets it go, so the page is seen while it works."""
    release = threading.Event()
    render = rendering.render_job_pdf

    def held(html, progress=None):
        if progress is not None:
            progress("layout", 1)
        release.wait(timeout=30)
        return render(html, progress)

    monkeypatch.setattr(rendering, "render_job_pdf", held)
    yield release
    release.set()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_a_facilitator_publishes_and_the_public_downloads(make, meeting, logged_in, new_context,
                                                          slow_rendering):
    facilitator = make.user(Role.FACILITATOR, email="ewa@example.org", name="Ewa")
    meeting.consultation.facilitators.append(facilitator)
    meeting.consultation.status = ConsultationStatus.OPEN
    db.session.commit()

    page = logged_in(facilitator)
    page.goto(f"/meetings/{meeting.id}")
    documents = page.locator("#meeting-documents")
    expect(documents).to_contain_text("Nie opublikowano jeszcze żadnej wersji podsumowania.")
    documents.get_by_label("Rozumiem, opublikuj teraz").check()
    documents.get_by_role("button", name="Opublikuj podsumowanie jako wersję 1").click()

    status = page.get_by_role("status")
    expect(status).to_have_text("Tworzenie dokumentu…")
    expect(page.get_by_label("Postęp")).to_be_visible()
    slow_rendering.set()
    expect(status).to_have_text("Gotowe: opublikowano wersję 1.")  # updated in place by htmx
    link = page.get_by_role("link", name="Pobierz wersję 1")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == FILE_V1
    data = open(download.value.path(), "rb").read()
    assert "Kluczowa jest wzajemna otwartość obu stron" in pdf_text(data)

    page.get_by_role("link", name="Wróć do: Spotkanie konsultacyjne").click()
    expect(page.locator("#meeting-documents table.versions tbody tr")).to_have_count(1)

    visitor = new_context().new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name=meeting.consultation.title).click()
    with visitor.expect_download() as public_download:
        visitor.get_by_role("link", name="Podsumowanie spotkania (PDF)").click()
    assert public_download.value.suggested_filename == FILE_V1
    assert open(public_download.value.path(), "rb").read() == data
