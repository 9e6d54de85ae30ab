"""The consultation report's table of remarks as CSV (issue 15, finding 13): every text cell
is quoted, so that no separator in an organisation's text can start a new cell — neither the
comma of the comma-separated file nor the semicolon on which Excel in a Polish locale
splits — and a second, semicolon-separated file is offered for Polish Excel, as a draft and
in every published version. A cell that would start a formula keeps its leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from consult.core.enums import ConsultationStatus
from consult.core.models import utcnow
from consult.extensions import db
from tests.pages import find, parse, text

REMARK = "Uwaga;=1+1;=HYPERLINK(A1)"
ORGANISATION = "Fundacja „Kultura; Razem”, Kraków"
WORDING = "=SUM(A1:A9);-1"  # a formula first: it gets the apostrophe
JUSTIFICATION = 'Tak, bo "tak";\n=2+2'  # a quote, both separators and a new line
COLUMNS = 10  # Lp., numer uwagi, organizacja, część, uwaga, brzmienie, uzasadnienie, stanowisko…
REMARK_COLUMN = 4


@pytest.fixture
def consultation(make):
    from consult.remarks import intake

    consultation = make.consultation(
        title="Konsultacje programu współpracy", status=ConsultationStatus.OPEN,
        submissions_open_at=utcnow() - timedelta(days=1), submissions_close_at=utcnow() + timedelta(days=7))
    intake.submit(consultation, {
        "organisation": ORGANISATION, "legal_form": "foundation", "krs": "0000123456",
        "address": "Kraków", "contact_person": "Anna Nowak", "email": "anna@example.org", "phone": None,
        "remarks": [{"target": "general", "remark": REMARK, "document_ref": None,
                     "proposed_wording": WORDING, "justification": JUSTIFICATION}]})
    db.session.commit()
    return consultation


def outside_quotes(content: str) -> str:
    """What a spreadsheet reads as separators and cell starts: the text outside every quoted
    stretch (each doubled quote inside a cell closes and reopens one, so it drops out)."""
    return "".join(re.split(r'"[^"]*"', content))


def check(body: bytes, delimiter: str) -> None:
    """The file as a spreadsheet with this separator reads it: one cell per column, the
    organisation's texts whole (a formula guarded); and every cell quoted, so that a
    spreadsheet splitting on the other separator cannot cut a text cell either."""
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, and no "sep=" line after it
    content = body.decode("utf-8-sig")
    assert not content.startswith("sep=")
    rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
    assert [len(row) for row in rows] == [COLUMNS, COLUMNS], rows
    assert rows[0][:3] == ["Lp.", "Numer uwagi", "Organizacja zgłaszająca"]
    row = rows[1]
    assert row[2] == ORGANISATION
    assert row[REMARK_COLUMN] == REMARK
    assert row[REMARK_COLUMN + 1] == "'" + WORDING
    assert row[REMARK_COLUMN + 2] == JUSTIFICATION
    # Every cell quoted: outside the quotes, nothing but the separators and the line ends.
    assert outside_quotes(content).split("\r\n") == [delimiter * (COLUMNS - 1)] * 2 + [""]


def test_a_semicolon_in_a_remark_cannot_start_a_cell_of_the_comma_file(consultation, official_client):
    """The file as it always was (``report.csv``): Excel in a Polish locale splits it on ";",
    so a text cell holding one must be quoted (or "=1+1" would become a cell of its own)."""
    response = official_client.get(f"/consultations/{consultation.id}/report.csv")
    assert response.status_code == 200
    check(response.data, ",")


def test_the_draft_downloads_keep_every_cell_whole_with_commas_and_with_semicolons(
        consultation, official_client, client):
    page = official_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    links = {text(a): a["href"] for a in find(page, "#report-documents .actions").select("a")}
    comma = official_client.get(links["Roboczy CSV (przecinki)"])
    semicolon = official_client.get(links["Roboczy CSV dla Excela (średniki)"])
    for response, delimiter in ((comma, ","), (semicolon, ";")):
        assert response.status_code == 200, response.status_code
        assert response.content_type == "text/csv; charset=utf-8"
        assert response.headers["Cache-Control"] == "no-store"
        check(response.data, delimiter)
    assert links["Roboczy CSV dla Excela (średniki)"] == f"/consultations/{consultation.id}/report-excel.csv"
    assert re.search(r'filename="raport-z-konsultacji-[\w-]+\.csv"', comma.headers["Content-Disposition"])
    assert re.search(r'filename="raport-z-konsultacji-[\w-]+-excel\.csv"',
                     semicolon.headers["Content-Disposition"])
    # Drafts are for staff only.
    assert client.get(links["Roboczy CSV dla Excela (średniki)"]).status_code == 302
    assert client.get(f"/consultations/{consultation.id}/report/latest-excel.csv").status_code == 404


def test_a_published_version_holds_both_files_and_the_stable_links_serve_them(
        app, consultation, official_client, client):
    from consult.core import runners

    assert official_client.submit(f"/consultations/{consultation.id}/report/publish",
                                  {"confirm": "yes"}).status_code == 303  # remarks may still come
    runners.drain(app)
    db.session.expire_all()
    page = parse(official_client.get(f"/consultations/{consultation.id}").get_data(as_text=True))
    table = find(page, "#report-documents table.versions")
    assert [text(th) for th in table.select("thead th")] == [
        "Wersja", "Opublikowano", "PDF", "DOCX", "CSV (przecinki)", "CSV dla Excela (średniki)"]
    downloads = {text(a): a["href"] for a in table.select("tbody a[download]")}
    comma = official_client.get(downloads["CSV (przecinki), wersja 1"])
    semicolon = official_client.get(downloads["CSV dla Excela (średniki), wersja 1"])
    for response, delimiter in ((comma, ","), (semicolon, ";")):
        assert response.status_code == 200 and response.content_type == "text/csv; charset=utf-8"
        check(response.data, delimiter)
    assert re.search(r'filename="raport-z-konsultacji-[\w-]+-v1\.csv"', comma.headers["Content-Disposition"])
    assert re.search(r'filename="raport-z-konsultacji-[\w-]+-v1-excel\.csv"',
                     semicolon.headers["Content-Disposition"])

    # The stable links of the latest version, for anyone once the consultation is public.
    [permanent] = [p for p in find(page, "#report-documents").select("p")
                   if text(p).startswith("Stałe odnośniki do najnowszej wersji")]
    stable = {text(a): a["href"] for a in permanent.select("a")}
    assert list(stable) == ["PDF", "DOCX", "CSV (przecinki)", "CSV dla Excela (średniki)"]
    assert stable["CSV dla Excela (średniki)"] == f"/consultations/{consultation.id}/report/latest-excel.csv"
    assert client.get(stable["CSV (przecinki)"]).data == comma.data
    latest = client.get(stable["CSV dla Excela (średniki)"])
    assert latest.status_code == 200 and latest.data == semicolon.data
    assert latest.headers["Content-Location"] == downloads["CSV dla Excela (średniki), wersja 1"]

    # The public page offers both, named for what they are.
    public = client.get(f"/public/{consultation.slug}").get_data(as_text=True)
    section = find(public, "section[aria-labelledby=public-report-heading]")
    offered = {text(a): a["href"] for a in section.select("a[download]")}
    assert client.get(offered["Zestawienie uwag (CSV, przecinki)"]).data == comma.data
    assert client.get(offered["Zestawienie uwag (CSV dla Excela, średniki)"]).data == semicolon.data
    # And the documents area names both stable links.
    documents = official_client.get("/documents/").get_data(as_text=True)
    assert f'href="/consultations/{consultation.id}/report/latest-excel.csv"' in documents
