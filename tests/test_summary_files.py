"""The meeting summary as DOCX and ODT: files a city can edit, opened with the libraries a
city's own tools would use (python-docx, odfpy), holding every entry in the PDF's order."""

import io
import zipfile

import docx
import pytest
from flask import url_for
from odf import teletype
from odf import text as odf_text
from odf.namespaces import TEXTNS
from odf.opendocument import load

from consult.core.enums import EntryKind
from consult.core.labels import plane_heading, priority_label
from consult.extensions import db
from consult.meetings.services import summary_tree
from consult.reports import jobs, publications
from consult.reports.summaries import SUMMARY


def expected_lines(meeting):
    """Every entry and sub-point of the summary in reading order, as the PDF numbers them."""
    lines = []

    def points(nodes):
        for node in nodes:
            lines.append(node.entry.text)
            points(node.children)

    for part in summary_tree(meeting):
        for section in part.sections:
            for node in section.entries:
                lines.append(f"{node.number}. {node.entry.text}")
                points(node.children)
    return lines


def docx_paragraphs(content: bytes):
    return [(p.style.name, p.text) for p in docx.Document(io.BytesIO(content)).paragraphs]


def odt_paragraphs(content: bytes):
    """(outline level or None, text) of every heading and paragraph, in document order."""
    document = load(io.BytesIO(content))
    out = []

    def walk(node):
        for child in node.childNodes:
            if child.qname == (TEXTNS, "h"):
                out.append((int(child.getAttribute("outlinelevel")), teletype.extractText(child)))
            elif child.qname == (TEXTNS, "p"):
                out.append((None, teletype.extractText(child)))
            elif getattr(child, "childNodes", None):
                walk(child)

    walk(document.text)
    return out, document


@pytest.fixture
def meeting(make):
    found = make.demo_meeting()
    found.show_kinds = False  # as the 2018 summary: no kinds (test_kinds_… shows them)
    db.session.commit()
    return found


def test_docx_has_the_pdf_structure_and_every_entry_in_order(app, meeting):
    with app.test_request_context():
        content = SUMMARY.export(meeting, "docx", None)
    paragraphs = docx_paragraphs(content)
    headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
    assert headings[0] == ("Heading 1", "Podsumowanie spotkania konsultacyjnego dla organizacji pozarządowych "
                                        "działających w obszarze kultury i sztuki")
    assert ("Heading 2", "Przebieg spotkania:") in headings
    assert ("Heading 3", plane_heading(meeting.consultation.planes[0]).replace("Plane", "Płaszczyzna")) in headings
    i11 = next(p for p in meeting.consultation.priorities if p.code == "I.1.1")
    assert ("Heading 3", priority_label(i11)) in headings
    texts = [text for style, text in paragraphs if not style.startswith("Heading")]
    assert "25 maja 2018 r." in texts
    assert "Liczba uczestników: 10" in texts
    assert "Podsumowania nie uzgadniano z uczestnikami." in texts
    # every entry and sub-point, in the summary's order
    expected = expected_lines(meeting)
    body = [text for text in texts if text in expected]
    assert body == expected
    assert len(expected) > 20
    sub_points = [style for style, text in paragraphs if style.startswith("List Bullet")]
    assert sub_points, "sub-points are bulleted lists"
    properties = docx.Document(io.BytesIO(content)).core_properties
    assert properties.language == "pl-PL"
    assert properties.title.startswith("Podsumowanie spotkania konsultacyjnego")


def test_odt_has_the_pdf_structure_and_every_entry_in_order(app, meeting):
    with app.test_request_context():
        content = SUMMARY.export(meeting, "odt", None)
    assert content[:2] == b"PK"
    paragraphs, document = odt_paragraphs(content)
    assert paragraphs[0] == (1, "Podsumowanie spotkania konsultacyjnego dla organizacji pozarządowych "
                                "działających w obszarze kultury i sztuki")
    assert (2, "Przebieg spotkania:") in paragraphs
    levels = {level for level, _ in paragraphs if level}
    assert levels == {1, 2, 3}
    expected = expected_lines(meeting)
    assert [text for _, text in paragraphs if text in expected] == expected
    # sub-points sit in lists (bulleted), within the entry's list when nested
    assert document.text.getElementsByType(odf_text.List)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        meta = archive.read("meta.xml").decode()
    assert "<dc:language>pl-PL</dc:language>" in meta
    assert "<dc:title>Podsumowanie spotkania konsultacyjnego" in meta


def test_kinds_and_control_characters(app, make):
    consultation = make.consultation("Konsultacje z rodzajami")
    meeting = make.meeting(consultation, show_kinds=True)
    section = make.section(meeting, "Część", topic="Temat")
    make.entry(section, "Mocna\x0b strona z \x01 sterującym", kind=EntryKind.STRENGTH)
    with app.test_request_context():
        for fmt in ("docx", "odt"):
            content = SUMMARY.export(meeting, fmt, None)
            lines = ([text for _s, text in docx_paragraphs(content)] if fmt == "docx"
                     else [text for _l, text in odt_paragraphs(content)[0]])
            assert "1. mocna strona Mocna strona z  sterującym" in lines, fmt


def test_publishing_makes_the_pdf_docx_and_odt_under_one_number(app, meeting, facilitator, client):
    job = jobs.render_now(SUMMARY, meeting, facilitator, publishes=True, runner="test")
    assert job.status.value == "done"
    for fmt in SUMMARY.formats:
        published = publications.latest(SUMMARY.series(meeting, fmt))
        assert published is not None and published.version == 1, fmt
        assert published.file_name.endswith(f".{fmt}")
    odt = publications.latest_file(SUMMARY.series(meeting, "odt"))
    assert odt.media_type == "application/vnd.oasis.opendocument.text"
    paragraphs, _document = odt_paragraphs(odt.content())
    assert [t for _, t in paragraphs if t in expected_lines(meeting)] == expected_lines(meeting)


def test_public_page_offers_the_editable_files(app, meeting, facilitator, client):
    from consult.core.enums import ConsultationStatus

    meeting.consultation.status = ConsultationStatus.OPEN
    db.session.commit()
    jobs.render_now(SUMMARY, meeting, facilitator, publishes=True, runner="test")
    page = client.get(f"/public/{meeting.consultation.slug}").get_data(as_text=True)
    assert "Do edycji:" in page
    docx_pub = publications.latest(SUMMARY.series(meeting, "docx"))
    link = f"/documents/{docx_pub.id}/{docx_pub.file_name}"
    assert link in page
    response = client.get(link)
    assert response.status_code == 200
    assert docx_paragraphs(response.data)[0][1].startswith("Podsumowanie spotkania")


def test_staff_download_drafts_in_both_formats(app, meeting, facilitator_client):
    with app.test_request_context():
        urls = {fmt: url_for("reports.draft_file", kind="summary", subject_id=meeting.id, fmt=fmt)
                for fmt in ("docx", "odt")}
    for fmt, url in urls.items():
        response = facilitator_client.get(url)
        assert response.status_code == 200, fmt
        assert f".{fmt}" in response.headers["Content-Disposition"]
        assert response.data[:2] == b"PK"
    page = facilitator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Roboczy ODT" in page and "Roboczy DOCX" in page
