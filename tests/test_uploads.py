"""Documents of a consultation are checked by their content before the public gets them: PDFs
with JavaScript, automatic or dangerous actions, embedded files, XFA forms or multimedia,
encrypted or unreadable PDFs, DOCX files that unpack to too much, that are not Word documents,
carry macros or fetch content from other servers are refused at the file field; plain PDFs
(also with ordinary links) and DOCX files are published."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from consult.consultations.models import ConsultationDocument
from consult.core.enums import ConsultationStatus
from consult.core.models import utcnow
from consult.extensions import db
from tests.pages import field_error, find, form_values, parse, text

SAVE_AGAIN = "Zapisz go ponownie bez nich (np. „Drukuj do PDF”)."
SCRIPTS = f"Plik PDF zawiera JavaScript lub automatyczne akcje – takich plików nie publikujemy. {SAVE_AGAIN}"
ACTIONS = ("Plik PDF zawiera akcje, które uruchamiają programy, otwierają inne pliki lub wysyłają dane "
           f"formularza – takich plików nie publikujemy. {SAVE_AGAIN}")
EMBEDDED = f"Plik PDF zawiera osadzone pliki lub załączniki – takich plików nie publikujemy. {SAVE_AGAIN}"
XFA = f"Plik PDF zawiera formularz XFA lub treści multimedialne – takich plików nie publikujemy. {SAVE_AGAIN}"
ENCRYPTED = ("Plik PDF jest zaszyfrowany lub chroniony hasłem, więc nie można go sprawdzić. "
             "Zapisz go ponownie bez hasła i bez ograniczeń.")
PDF_UNREADABLE = ("Pliku PDF nie da się odczytać – może być uszkodzony. "
                  "Zapisz go ponownie (np. „Drukuj do PDF”) i dodaj jeszcze raz.")
PDF_TOO_COMPLEX = ("Plik PDF jest zbyt złożony, by go sprawdzić. "
                   "Zapisz go ponownie (np. „Drukuj do PDF”) lub podziel na mniejsze części.")
SAVE_AS_DOCX = "Zapisz go ponownie w Wordzie lub LibreOffice jako „Dokument programu Word (.docx)”."
NOT_WORD = ("Plik nie jest dokumentem Worda: jego opis zawartości nie wskazuje dokumentu tekstowego. "
            f"{SAVE_AS_DOCX}")
DOCX_DAMAGED = ("Plik DOCX jest uszkodzony: brakuje jego treści (word/document.xml) albo nie jest ona "
                f"poprawnym dokumentem Worda. {SAVE_AS_DOCX}")
DOCX_UNREADABLE = f"Pliku DOCX nie da się odczytać – może być uszkodzony. {SAVE_AS_DOCX}"
MACROS = ("Plik zawiera makra – takich plików nie publikujemy. "
          "Zapisz go ponownie jako „Dokument programu Word (.docx)” (bez makr).")
REMOTE = ("Plik DOCX pobiera treść z innego serwera (szablon, obiekt lub obraz połączony) – takich plików "
          "nie publikujemy. Usuń te połączenia i dodaj plik jeszcze raz.")


def too_large(mb: int) -> str:
    return (f"Plik DOCX po rozpakowaniu zajmuje ponad {mb} MB – takich plików nie publikujemy. "
            "Zmniejsz go (np. kompresując obrazy) i dodaj jeszcze raz.")


def too_many_parts(count: int) -> str:
    return f"Plik DOCX składa się ze zbyt wielu części (ponad {count}), by go sprawdzić. {SAVE_AS_DOCX}"


@pytest.fixture
def consultation(make, facilitator):
    return make.consultation(title="Konsultacje programu współpracy", status=ConsultationStatus.OPEN,
                             submissions_open_at=utcnow() - timedelta(days=1),
                             submissions_close_at=utcnow() + timedelta(days=13),
                             facilitators=[facilitator])


def upload(client, consultation, name: str, content: bytes, title: str = "Projekt programu"):
    return client.submit(f"/consultations/{consultation.id}/documents",
                         {"title": title, "file": (io.BytesIO(content), name)},
                         content_type="multipart/form-data")


def public_documents(client, consultation) -> list[str]:
    """What the public page lists as the consultation's documents."""
    page = client.get(f"/public/{consultation.slug}").get_data(as_text=True)
    section = parse(page).select_one("section[aria-labelledby=public-documents-heading]")
    return [text(li) for li in section.select("li")] if section is not None else []


def assert_refused(facilitator_client, client, consultation, name: str, content: bytes, message: str):
    started = time.monotonic()
    response = upload(facilitator_client, consultation, name, content)
    assert time.monotonic() - started < 20
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "file") == f"Błąd: {message}"
    assert form_values(find(page, "#documents form"))["title"] == "Projekt programu"  # kept
    assert not public_documents(client, consultation)
    assert db.session.scalar(sa.select(sa.func.count(ConsultationDocument.id))) == 0


def assert_published(facilitator_client, client, consultation, name: str, content: bytes):
    response = upload(facilitator_client, consultation, name, content)
    assert response.status_code == 303, field_error(response.get_data(as_text=True), "file")
    listed = public_documents(client, consultation)
    assert len(listed) == 1 and listed[0].startswith("Projekt programu (")
    page = client.get(f"/public/{consultation.slug}").get_data(as_text=True)
    link = find(page, "section[aria-labelledby=public-documents-heading] a[download]")["href"]
    assert client.get(link).data == content


# PDF files -------------------------------------------------------------------------------------


def pdf(build=None) -> bytes:
    """A real one-page PDF written by pypdf; ``build(writer, page)`` adds to it."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    if build is not None:
        build(writer, page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def weasyprint_pdf(**options) -> bytes:
    from weasyprint import HTML

    html = ("<html lang=pl><title>Projekt</title><h1 id=start>Projekt programu</h1>"
            "<p>Zob. <a href='https://www.krakow.pl/'>krakow.pl</a>, "
            "<a href='mailto:kultura@um.krakow.pl'>napisz</a> i <a href='#start'>początek</a>.</p>")
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", **options)


def action(kind: str, **entries) -> DictionaryObject:
    result = DictionaryObject({NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)})
    result.update({NameObject(f"/{key}"): value for key, value in entries.items()})
    return result


def link(rect=(50, 50, 200, 80), **entries) -> DictionaryObject:
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect)})
    annotation.update({NameObject(f"/{key}"): value for key, value in entries.items()})
    return annotation


def catalog_entry(key: str, value):
    return lambda writer, page: writer.root_object.__setitem__(NameObject(key), value)


def annotation(value):
    return lambda writer, page: writer.add_annotation(0, value)


def js_open_action_in_object_stream() -> bytes:
    """A JavaScript /OpenAction kept in a compressed object stream (the way WeasyPrint writes
    its objects): the words never appear in the file's bytes."""
    import pydyf

    document = pydyf.PDF()
    page = pydyf.Dictionary({"Type": "/Page", "Parent": document.pages.reference,
                             "MediaBox": pydyf.Array([0, 0, 595, 842])})
    document.add_object(page)
    document.pages["Kids"].append(page.reference)
    document.pages["Count"] += 1
    script = pydyf.Dictionary({"Type": "/Action", "S": "/JavaScript", "JS": pydyf.String("app.alert(1)")})
    document.add_object(script)
    document.catalog["OpenAction"] = script.reference
    out = io.BytesIO()
    document.write(out, compress=True)
    content = out.getvalue()
    assert b"JavaScript" not in content and b"OpenAction" not in content
    return content


def raw_pdf(*bodies: bytes) -> bytes:
    """A PDF of the given object bodies (object 1 is the catalog), with a correct xref table."""
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, start)


def embedded_file(writer, page):
    writer.add_attachment("wniosek.exe", b"MZ\x90\x00 payload")


def file_attachment_annotation(writer, page):
    stream = DecodedStreamObject()
    stream.set_data(b"payload")
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    writer.add_annotation(0, DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FileAttachment"),
        NameObject("/Rect"): ArrayObject(NumberObject(v) for v in (10, 10, 30, 30)),
        NameObject("/FS"): DictionaryObject({NameObject("/Type"): NameObject("/Filespec"),
                                             NameObject("/F"): TextStringObject("dane.txt"),
                                             NameObject("/EF"): DictionaryObject({
                                                 NameObject("/F"): writer._add_object(stream)})})}))


def xfa_form(writer, page):
    xdp = DecodedStreamObject()
    xdp.set_data(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><template/></xdp:xdp>")
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): writer._add_object(xdp)})


def rich_media(writer, page):
    writer.add_annotation(0, DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/RichMedia"),
        NameObject("/Rect"): ArrayObject(NumberObject(v) for v in (10, 10, 300, 300)),
        NameObject("/RichMediaContent"): DictionaryObject()}))


def page_open_action(writer, page):
    page[NameObject("/AA")] = DictionaryObject({
        NameObject("/O"): action("/URI", URI=TextStringObject("https://example.org/track"))})


def document_javascript(writer, page):
    from pypdf.actions import JavaScript

    writer.add_open_action(JavaScript("app.alert('Witaj')"))


def encrypted(writer, page):
    writer.encrypt("tajne", algorithm="RC4-128")


def owner_password_only(writer, page):
    writer.encrypt("", owner_password="tajne", algorithm="RC4-128")


def goto_then_uri(writer, page):
    writer.root_object[NameObject("/OpenAction")] = action(
        "/GoTo", D=ArrayObject([page.indirect_reference, NameObject("/Fit")]),
        Next=ArrayObject([action("/URI", URI=TextStringObject("https://example.org/"))]))


HOSTILE_PDFS = {
    "javascript open action": (
        lambda: pdf(catalog_entry("/OpenAction", action("/JavaScript", JS=TextStringObject("app.alert(1)")))),
        SCRIPTS),
    "javascript open action in an object stream": (js_open_action_in_object_stream, SCRIPTS),
    "document javascript": (lambda: pdf(document_javascript), SCRIPTS),
    "javascript: link": (
        lambda: pdf(annotation(link(A=action("/URI", URI=TextStringObject("javascript:app.alert(1)"))))), SCRIPTS),
    "open action that opens a web page": (
        lambda: pdf(catalog_entry("/OpenAction", action("/URI", URI=TextStringObject("https://example.org/")))),
        SCRIPTS),
    "go-to open action followed by a web page": (lambda: pdf(goto_then_uri), SCRIPTS),
    "page open action (/AA)": (lambda: pdf(page_open_action), SCRIPTS),
    "launch link": (lambda: pdf(annotation(link(A=action("/Launch", F=TextStringObject("cmd.exe"))))), ACTIONS),
    "submit form": (
        lambda: pdf(annotation(link(A=action("/SubmitForm", F=TextStringObject("https://example.org/"))))), ACTIONS),
    "link to another file": (
        lambda: pdf(annotation(link(A=action("/GoToR", F=TextStringObject("\\\\host\\share\\a.pdf"),
                                             D=ArrayObject([NumberObject(0), NameObject("/Fit")]))))), ACTIONS),
    "javascript written with #-escapes": (
        lambda: raw_pdf(b"<</Type/Catalog/Pages 2 0 R/Open#41ction 3 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>",
                        b"<</S/J#61vaScript/J#53(app.alert(1))>>"), SCRIPTS),
    "action type kept in an object of its own": (
        lambda: raw_pdf(b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
                        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Annots[<</Subtype/Link/Rect[0 0 9 9]"
                        b"/A<</S 4 0 R/F(cmd.exe)>>>>]>>", b"/Launch"), ACTIONS),
    "embedded file": (lambda: pdf(embedded_file), EMBEDDED),
    "file attachment annotation": (lambda: pdf(file_attachment_annotation), EMBEDDED),
    "xfa form": (lambda: pdf(xfa_form), XFA),
    "rich media": (lambda: pdf(rich_media), XFA),
    "encrypted": (lambda: pdf(encrypted), ENCRYPTED),
    "owner password only": (lambda: pdf(owner_password_only), ENCRYPTED),
    "not a pdf inside": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, PDF_UNREADABLE),
    "no catalog": (lambda: b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", PDF_UNREADABLE),
    "arrays nested 100,000 deep": (lambda: raw_pdf(b"<</Type/Catalog/Pages 2 0 R/Deep " + b"[" * 100_000
                                                   + b"]" * 100_000 + b">>", b"<</Type/Pages/Kids[]/Count 0>>"),
                                   PDF_UNREADABLE),
}


@pytest.mark.parametrize("build, message", HOSTILE_PDFS.values(), ids=HOSTILE_PDFS.keys())
def test_pdfs_with_scripts_actions_or_embedded_files_are_refused(consultation, facilitator_client, client,
                                                                  build, message):
    assert_refused(facilitator_client, client, consultation, "program.pdf", build(), message)


def ordinary_links(writer, page):
    writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://www.krakow.pl/"))
    writer.add_annotation(0, Link(rect=(50, 100, 200, 130), target_page_index=0))
    writer.add_annotation(0, link(rect=(50, 150, 200, 180), A=action(
        "/GoTo", D=ArrayObject([page.indirect_reference, NameObject("/Fit")]))))


def open_at_destination(writer, page):
    writer.root_object[NameObject("/OpenAction")] = ArrayObject([page.indirect_reference, NameObject("/Fit")])


def open_with_goto(writer, page):
    writer.root_object[NameObject("/OpenAction")] = action(
        "/GoTo", D=ArrayObject([page.indirect_reference, NameObject("/XYZ"), NumberObject(0),
                                NumberObject(842), NumberObject(0)]))


PLAIN_PDFS = {
    "weasyprint, tagged, with links": weasyprint_pdf,
    "weasyprint, uncompressed": lambda: weasyprint_pdf(uncompressed_pdf=True),
    "pypdf, with link annotations": lambda: pdf(ordinary_links),
    "opens at a destination": lambda: pdf(open_at_destination),
    "opens with a go-to action": lambda: pdf(open_with_goto),
    "cycles between objects": lambda: raw_pdf(b"<</Type/Catalog/Pages 2 0 R/Self 1 0 R>>",
                                              b"<</Type/Pages/Kids[3 0 R]/Count 1/Up 1 0 R>>",
                                              b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Me 3 0 R>>"),
}


@pytest.mark.parametrize("build", PLAIN_PDFS.values(), ids=PLAIN_PDFS.keys())
def test_plain_pdfs_are_published(consultation, facilitator_client, client, build):
    assert_published(facilitator_client, client, consultation, "program.pdf", build())


def test_a_pdf_too_complex_to_check_is_refused(consultation, facilitator_client, client, monkeypatch):
    from consult.consultations import uploads

    content = weasyprint_pdf()
    monkeypatch.setattr(uploads, "PDF_MAX_OBJECTS", 20)
    assert_refused(facilitator_client, client, consultation, "program.pdf", content, PDF_TOO_COMPLEX)
    monkeypatch.setattr(uploads, "PDF_MAX_OBJECTS", 100_000)
    assert_published(facilitator_client, client, consultation, "program.pdf", content)


# DOCX files ------------------------------------------------------------------------------------


def docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("Projekt programu współpracy", 1)
    document.add_paragraph("Treść projektu.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rezip(content: bytes, replace: dict[str, bytes | None] | None = None,
          add: dict[str, bytes] | None = None) -> bytes:
    """The same package with members replaced (None removes one) and added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = replace.get(info.filename, source.read(info.filename))
            if data is not None:
                target.writestr(info.filename, data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def content_types(content: bytes, edit) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return edit(archive.read("[Content_Types].xml"))


def with_zeros(content: bytes, name: str, size: int) -> bytes:
    """The package with a member of ``size`` zero bytes (it compresses about 1000 : 1)."""
    out = io.BytesIO(content)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive, archive.open(name, "w") as member:
        chunk = bytes(1 << 20)
        for _ in range(size >> 20):
            member.write(chunk)
    return out.getvalue()


def central_record(data: bytes, name: str) -> int:
    """Where the central directory record of ``name`` starts."""
    position = 0
    while True:
        record = data.index(b"PK\x01\x02", position)
        name_length = struct.unpack_from("<H", data, record + 28)[0]
        if data[record + 46:record + 46 + name_length] == name.encode():
            return record
        position = record + 4


def understated(content: bytes, name: str, declared: int) -> bytes:
    """The package with the unpacked size of ``name`` written as ``declared`` in its local and
    central headers (the compressed data unchanged): a bomb that lies about its size."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        local = archive.getinfo(name).header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    struct.pack_into("<L", data, local + 22, declared)
    struct.pack_into("<L", data, central_record(bytes(data), name) + 24, declared)
    return bytes(data)


def many_parts(count: int) -> bytes:
    return rezip(docx(), add={f"customXml/item{n}.xml": b"<a/>" for n in range(100, 100 + count)})


NOT_XML = b"this is not XML <w:document"
MACRO_TYPES = (b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>')
EXTERNAL_TEMPLATE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'attachedTemplate" Target="http://example.org/szablon.dotm" TargetMode="External"/></Relationships>')


def external_template() -> bytes:
    return rezip(docx(), add={"word/_rels/settings.xml.rels": EXTERNAL_TEMPLATE})


def linked_object() -> bytes:
    """The way CVE-2022-30190 ("Follina") fetched its payload: an OLE object linked to a URL."""
    with zipfile.ZipFile(io.BytesIO(docx())) as archive:
        rels = archive.read("word/_rels/document.xml.rels")
    rels = rels.replace(b"</Relationships>", (
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/oleObject" Target="mhtml:http://example.org/x.html!x-usc:http://example.org/x.html"'
        b' TargetMode="External"/></Relationships>'))
    return rezip(docx(), replace={"word/_rels/document.xml.rels": rels})


def doctype_in_document() -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx())) as archive:
        document = archive.read("word/document.xml")
    head, _sep, rest = document.partition(b"?>")
    doctype = b'?><!DOCTYPE w:document SYSTEM "http://example.org/x.dtd">'
    return rezip(docx(), replace={"word/document.xml": head + doctype + rest})


def entities_in_content_types() -> bytes:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Types>&b;</Types>')
    return rezip(docx(), replace={"[Content_Types].xml": laughs})


def docx_without_main_type() -> bytes:
    return rezip(docx(), replace={"[Content_Types].xml": content_types(docx(), lambda xml: xml.replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml"))})


def macro_enabled() -> bytes:
    with_macros = content_types(docx(), lambda xml: xml.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml").replace(b"</Types>", MACRO_TYPES + b"</Types>"))
    return rezip(docx(), replace={"[Content_Types].xml": with_macros},
                 add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 Attribute VB_Name = \"NewMacros\""})


def two_dummy_entries() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", b"dummy")
        archive.writestr("word/document.xml", b"dummy")
    return out.getvalue()


def encrypted_member() -> bytes:
    """word/document.xml flagged as encrypted (in both of its headers)."""
    content = bytearray(docx())
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        local = archive.getinfo("word/document.xml").header_offset
    for flags_at in (local + 6, central_record(bytes(content), "word/document.xml") + 8):
        struct.pack_into("<H", content, flags_at, struct.unpack_from("<H", content, flags_at)[0] | 1)
    return bytes(content)


HOSTILE_DOCX = {
    "unpacks to 200 MB": (lambda: with_zeros(docx(), "word/media/image1.png", 200 << 20), too_large(100)),
    "says 1 kB but unpacks to 120 MB": (
        lambda: understated(with_zeros(docx(), "word/media/image1.png", 120 << 20), "word/media/image1.png", 1000),
        too_large(100)),
    "says 1 kB but unpacks to 5 MB": (
        lambda: understated(with_zeros(docx(), "word/media/image1.png", 5 << 20), "word/media/image1.png", 1000),
        DOCX_UNREADABLE),
    "zip of two dummy entries": (two_dummy_entries, NOT_WORD),
    "a template, not a document": (docx_without_main_type, NOT_WORD),
    "no content types": (lambda: rezip(docx(), replace={"[Content_Types].xml": None}), None),
    "entities in the content types": (entities_in_content_types, NOT_WORD),
    "macros": (macro_enabled, MACROS),
    "macro part only": (lambda: rezip(docx(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), MACROS),
    "document.xml is not XML": (lambda: rezip(docx(), replace={"word/document.xml": NOT_XML}), DOCX_DAMAGED),
    "document.xml missing": (lambda: rezip(docx(), replace={"word/document.xml": None}), DOCX_DAMAGED),
    "document.xml is another XML": (lambda: rezip(docx(), replace={"word/document.xml": b"<html><body/></html>"}),
                                    DOCX_DAMAGED),
    "doctype in document.xml": (doctype_in_document, DOCX_DAMAGED),
    "template from another server": (external_template, REMOTE),
    "object linked to a URL": (linked_object, REMOTE),
    "too many parts": (lambda: many_parts(3000), too_many_parts(2000)),
    "encrypted member": (encrypted_member, DOCX_UNREADABLE),
}


@pytest.mark.parametrize("build, message", HOSTILE_DOCX.values(), ids=HOSTILE_DOCX.keys())
def test_docx_files_that_are_not_plain_word_documents_are_refused(consultation, facilitator_client, client,
                                                                    build, message):
    message = message or "Można dodać tylko pliki PDF i DOCX (sprawdzane po zawartości)."
    assert_refused(facilitator_client, client, consultation, "program.docx", build(), message)


def test_the_unpacked_size_limit_is_configurable(app, consultation, facilitator_client, client):
    content = with_zeros(docx(), "word/media/image1.png", 3 << 20)
    app.config["DOCUMENT_MAX_UNPACKED_BYTES"] = 2 << 20
    assert_refused(facilitator_client, client, consultation, "program.docx", content, too_large(2))
    app.config["DOCUMENT_MAX_UNPACKED_BYTES"] = 4 << 20
    assert_published(facilitator_client, client, consultation, "program.docx", content)


def test_the_unpacked_size_limit_comes_from_the_environment(tmp_path, monkeypatch):
    from consult.config import load_config

    assert load_config(tmp_path)["DOCUMENT_MAX_UNPACKED_BYTES"] == 100 * 1024 * 1024
    monkeypatch.setenv("DOCUMENT_MAX_UNPACKED_BYTES", "5000000")
    assert load_config(tmp_path)["DOCUMENT_MAX_UNPACKED_BYTES"] == 5_000_000


def hyperlinked_docx() -> bytes:
    """A document with a hyperlink and a template on the author's own disk (both stay)."""
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE

    document = Document()
    paragraph = document.add_paragraph("Zob. ")
    rel = document.part.relate_to("https://www.krakow.pl/", RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = paragraph._p.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hyperlink")
    hyperlink.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", rel)
    paragraph._p.append(hyperlink)
    document.part._settings_part.relate_to(
        "file:///C:/Users/urzednik/Szablony/Urzad.dotx",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate", is_external=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def stored(content: bytes) -> bytes:
    """The package with every member stored, not compressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


PLAIN_DOCX = {
    "python-docx": docx,
    "hyperlink and local template": hyperlinked_docx,
    "stored, not compressed": lambda: stored(docx()),
}


@pytest.mark.parametrize("build", PLAIN_DOCX.values(), ids=PLAIN_DOCX.keys())
def test_plain_docx_files_are_published(consultation, facilitator_client, client, build):
    assert_published(facilitator_client, client, consultation, "program.docx", build())
