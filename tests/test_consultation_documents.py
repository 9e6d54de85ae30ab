"""Documents of a consultation (the draft programme, its annexes): the consultation's
editors add PDF and DOCX files, the public downloads them from the consultation's public page,
editors hide and restore them. What a file's content may hold is checked in
tests/test_uploads.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.extensions import db
from tests.pages import field_error, find, form_values, text
from tests.test_remarks import consultation, moderator  # noqa: F401 - fixtures


def a_docx() -> bytes:
    import io

    from docx import Document

    document = Document()
    document.add_paragraph("Projekt programu współpracy")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
             b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
             b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
             b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n")  # a real one-page PDF


def upload(client, consultation, name: str, content: bytes, title: str = "Projekt programu"):
    import io

    return client.submit(f"/consultations/{consultation.id}/documents",
                         {"title": title, "file": (io.BytesIO(content), name)},
                         content_type="multipart/form-data")


def test_editors_add_documents_that_the_public_downloads(consultation, moderator, facilitator_client, client):
    assert upload(facilitator_client, consultation, "Projekt WPW 2027.pdf", PDF_BYTES).status_code == 303
    assert upload(facilitator_client, consultation, "zalacznik.docx", a_docx(), "Załącznik nr 1").status_code == 303
    page = client.get(f"/public/{consultation.slug}").get_data(as_text=True)
    section = find(page, "section[aria-labelledby=public-documents-heading]")
    assert [text(li) for li in section.select("li")][0].startswith("Projekt programu (PDF, ")
    links = [a["href"] for a in section.select("a[download]")]
    assert links[0].endswith("/projekt-wpw-2027.pdf") and links[1].endswith("/zalacznik.docx")
    pdf = client.get(links[0])
    assert pdf.status_code == 200 and pdf.data == PDF_BYTES and pdf.content_type == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="projekt-wpw-2027.pdf"'
    assert client.get(links[0], headers={"If-None-Match": pdf.headers["ETag"]}).status_code == 304
    docx = client.get(links[1])
    assert docx.content_type.startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")

    detail = facilitator_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    remove = find(detail, "#documents form.inline")
    assert facilitator_client.submit(remove["action"]).status_code == 303
    assert "Projekt programu" not in client.get(f"/public/{consultation.slug}").get_data(as_text=True)
    assert client.get(links[0]).status_code == 404
    from consult.consultations.models import ConsultationDocument

    assert db.session.scalar(sa.select(sa.func.count(ConsultationDocument.id))) == 2  # kept, hidden
    detail = facilitator_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    restore = find(detail, "details.hidden-documents form")
    assert "Projekt programu" in text(find(detail, "details.hidden-documents"))
    assert facilitator_client.submit(restore["action"]).status_code == 303
    assert client.get(links[0]).data == PDF_BYTES  # back on the public page


@pytest.mark.parametrize("name, content, message", [
    ("program.pdf", b"MZ\x90\x00 not a pdf", "Można dodać tylko pliki PDF i DOCX (sprawdzane po zawartości)."),
    ("program.docx", PDF_BYTES, "Można dodać tylko pliki PDF i DOCX (sprawdzane po zawartości)."),
    ("program.exe", PDF_BYTES, "Można dodać tylko pliki PDF i DOCX (sprawdzane po zawartości)."),
    ("program.docx", b"PK\x03\x04 broken zip", "Można dodać tylko pliki PDF i DOCX (sprawdzane po zawartości)."),
    ("program.pdf", b"", "Plik jest pusty."),
])
def test_only_real_pdf_and_docx_files_are_accepted(consultation, moderator, facilitator_client, name, content, message):
    response = upload(facilitator_client, consultation, name, content)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "file") == f"Błąd: {message}"
    assert form_values(find(page, "#documents form"))["title"] == "Projekt programu"
    assert find(page, "details.add-document").has_attr("open")


def test_too_large_documents_are_refused(app, consultation, moderator, facilitator_client):
    app.config["DOCUMENT_MAX_BYTES"] = 1_000_000
    response = upload(facilitator_client, consultation, "big.pdf", PDF_BYTES + b"0" * 1_000_001)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "file") == "Błąd: Plik jest większy niż 1 MB."
    app.config["MAX_CONTENT_LENGTH"] = 2_000
    huge = upload(facilitator_client, consultation, "huge.pdf", PDF_BYTES + b"0" * 3_000)
    assert huge.status_code == 413


def test_only_editors_add_documents(consultation, moderator, official_client, client, login_as, make):
    assert upload(official_client, consultation, "a.pdf", PDF_BYTES).status_code == 403
    assert upload(login_as(make.user(email="obcy@example.org")), consultation, "a.pdf", PDF_BYTES).status_code == 403
    assert upload(client, consultation, "a.pdf", PDF_BYTES).status_code == 302
