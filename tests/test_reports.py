"""The meeting summary as HTML preview and as tagged PDF (WeasyPrint, PDF/UA-1)."""

from __future__ import annotations

import io
import json

import pytest
from flask import current_app
from pypdf import PdfReader

from consult.extensions import db
from consult.reports import publications, rendering
from consult.reports.catalogue import SUMMARY
from consult.reports.pdf import BASE_URL, RefusedResource, static_only_fetcher
from tests.conftest import DEMO_FILE

DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as a reader gets it: lines joined, words hyphenated by layout rejoined."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = text.replace("\u2010\n", "").replace("\u00ad\n", "")
    return " ".join(text.split())


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def demo(make):
    return make.demo_meeting()


def render(meeting) -> bytes:
    with current_app.test_request_context():
        return rendering.render_pdf(SUMMARY.html(meeting, for_pdf=True)).content


def test_demo_pdf_has_every_entry_in_order_with_its_number(demo):
    demo.show_kinds = False  # the exact 2018 look
    db.session.commit()
    text = pdf_text(render(demo))
    position = 0
    for part in DEMO["parts"]:
        for section in part["sections"]:
            for number, entry in enumerate(section["entries"], start=1):
                found = text.find(f"{number}. {squash(entry['text'])}", position)
                assert found >= 0, f"entry {number} missing or out of order: {entry['text'][:50]}"
                position = found
                for child in entry.get("children", []):
                    found = text.find(squash(child["text"]), position)
                    assert found >= 0, f"sub-point missing or out of order: {child['text'][:50]}"
                    position = found
    assert "Opracowanie: Ewa Chromniak" in text[position:]


def test_demo_pdf_metadata_lines_and_polish_letters(demo):
    text = pdf_text(render(demo))
    for line in ("Podsumowanie spotkania konsultacyjnego",
                 "dla organizacji pozarządowych działających w obszarze kultury i sztuki",
                 "25 maja 2018 r.", "Cel spotkania: zebranie doświadczeń",
                 "Liczba uczestników: 10", "Prowadzenie: Ewa Chromniak", "Przebieg spotkania:",
                 "1. Informacja o działaniach związanych z opracowaniem WPW",
                 "1. Płaszczyzna – Tworzenie polityk publicznych",
                 "I.1.1 Stwarzanie dogodnych warunków",
                 "III.2 Współdziałanie na rzecz wzmacniania marki Miasta Literatury"):
        assert line in text, line
    for word in ("pozarządowych", "doświadczeń", "Płaszczyzna", "więcej", "różnych", "Kraków",
                 "Łączenie" if "Łączenie" in text else "łączenie", "Współdziałanie", "zrozumieniu"):
        assert word in text, word  # Polish letters survive into the text layer
    assert "mocna strona" in text and "słaba strona" in text  # kinds shown by default
    assert "1 / 3" in text or "1 / 4" in text  # page numbers "n / N"


def test_demo_pdf_is_tagged_pdf_ua(demo):
    reader = PdfReader(io.BytesIO(render(demo)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "pl"
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title.startswith("Podsumowanie spotkania konsultacyjnego")
    assert reader.metadata.author == "Ewa Chromniak"
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in metadata
    structure = repr(root["/StructTreeRoot"].get_object())
    content = reader.pages[0].get_contents().get_data()
    assert b"BDC" in content  # marked content
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type3":
                continue  # drawn glyphs, nothing to embed
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), "fonts embedded"
    assert structure


def test_user_text_is_text_in_pdf_and_html(make, admin_client):
    meeting = make.meeting(prepared_by="<b>Ewa</b>")
    section = make.section(meeting, topic="Temat <i>kursywą</i>")
    make.entry(section, "<script>alert('x')</script> zostaje tekstem")
    make.entry(section, '<img src="file:///etc/passwd"> też')
    text = pdf_text(render(meeting))
    assert "<script>alert('x')</script> zostaje tekstem" in text
    assert '<img src="file:///etc/passwd"> też' in text
    assert "root:x:0:0" not in text
    page = admin_client.get(f"/meetings/{meeting.id}/summary").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page and "<script>alert" not in page
    assert "Opracowanie: &lt;b&gt;Ewa&lt;/b&gt;" in page


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "https://example.org/static/css/summary.css",
    "http://consult.invalid/static/css/summary.css",
    "data:text/css,body{}",
    BASE_URL + "static/../consult/config.py",
    BASE_URL + "static/%2e%2e/consult/config.py",
    BASE_URL + "instance/secret_key",
    BASE_URL + "static/css/no-such-file.css",
])
def test_the_pdf_fetches_nothing_but_static_files(app, url):
    fetcher = static_only_fetcher(app.static_folder)
    with pytest.raises(RefusedResource):
        fetcher.fetch(url)
    response = fetcher.fetch(BASE_URL + "static/css/summary.css")
    assert response.headers["Content-Type"] == "text/css"


def test_kinds_can_be_switched_off_for_the_exact_2018_look(demo, admin_client):
    page = admin_client.get(f"/meetings/{demo.id}/summary").get_data(as_text=True)
    assert 'class="doc-kind"' in page
    demo.show_kinds = False
    db.session.commit()
    page = admin_client.get(f"/meetings/{demo.id}/summary").get_data(as_text=True)
    assert 'class="doc-kind"' not in page
    assert "Kluczowa jest wzajemna otwartość" in page


def test_preview_and_draft_pdf_for_staff_only(demo, official_client, client):
    response = official_client.get(f"/meetings/{demo.id}/summary.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert ('filename="podsumowanie-2018-05-25-dla-organizacji-pozarzadowych-dzialajacych-w-obszarze-'
            'kultury-i-sztuki-wersja-robocza.pdf"') in response.headers["Content-Disposition"]
    assert client.get(f"/meetings/{demo.id}/summary").status_code == 302
    assert client.get(f"/meetings/{demo.id}/summary.pdf").status_code == 302
    assert official_client.get("/meetings/999999/summary.pdf").status_code == 404


def test_cli_report_render(demo, runner, tmp_path):
    pdf, html = tmp_path / "summary.pdf", tmp_path / "summary.html"
    result = runner.invoke(args=["report", "render", str(demo.id), "-o", str(pdf), "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert "Płaszczyzna – Tworzenie polityk publicznych" in pdf_text(pdf.read_bytes())
    assert '<html lang="pl">' in html.read_text(encoding="utf-8")
    missing = runner.invoke(args=["report", "render", "4242", "-o", str(pdf)])
    assert missing.exit_code != 0 and "4242" in missing.output


def test_cli_report_compile_and_publish(demo, runner, tmp_path, make):
    from consult.core.enums import Role

    pdf = tmp_path / "all.pdf"
    result = runner.invoke(args=["report", "compile", str(demo.consultation_id), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    text = pdf_text(pdf.read_bytes())
    assert "Podsumowania spotkań konsultacyjnych" in text and "Spis treści" in text
    assert "Kluczowa jest wzajemna otwartość obu stron" in text

    editor = make.user(Role.FACILITATOR, email="ewa@example.org")
    demo.consultation.facilitators.append(editor)
    db.session.commit()
    refused = runner.invoke(args=["report", "publish", str(demo.id), "--as", "nobody@example.org"])
    assert refused.exit_code != 0 and "may not publish" in refused.output
    for version in (1, 2):
        result = runner.invoke(args=["report", "publish", str(demo.id), "--as", "ewa@example.org"])
        assert result.exit_code == 0, result.output
        assert f"published version {version}: podsumowanie-2018-05-25-" in result.output
    db.session.expire_all()
    assert [p.version for p in publications.versions(SUMMARY.series(demo))] == [2, 1]
