"""The consultation report as DOCX (python-docx) and CSV, from the same data as its PDF.

Both are made in the consultation's language, like the PDF (the caller sets the locale).
The CSV is UTF-8 with a byte-order mark (spreadsheet programs then read Polish letters right);
cells that a spreadsheet would take for a formula (=, +, -, @, a tab or CR first) get a leading
apostrophe, so that an NGO's text can never run as one. Every cell is quoted, so that no
separator in the text can start a new cell, whichever separator the spreadsheet splits on.
It comes separated by commas and, for Excel in a locale whose list separator is ";" (Polish),
by semicolons; neither has a "sep=" line, which would make Excel ignore the byte-order mark.
"""

from __future__ import annotations

import csv
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt
from flask_babel import get_locale
from flask_babel import gettext as _

from consult.core.formatting import local_datetime, long_date, spreadsheet_safe, xml_safe
from consult.core.i18n import LANGUAGE_TAGS
from consult.reports.report_data import ReportData

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"
# The table of remarks as CSV, by format: separated by commas, and by semicolons for Excel
# in a Polish locale (which splits a CSV file on its list separator, ";").
CSV_DELIMITERS = {"csv": ",", "excel-csv": ";"}


def columns() -> list[str]:
    return [_("No."), _("Remark number"), _("Submitting organisation"), _("Part concerned"),
            _("Remark"), _("Proposed wording"), _("Justification"), _("Stance"),
            _("Reasoning of the stance"), _("Resulting change in the document")]


def _cells(row) -> list[str]:
    return [xml_safe(value) for value in (
        row.lp, row.number, row.organisation, row.part, row.remark, row.proposed_wording,
        row.justification, row.stance, row.reasoning, row.change)]


def report_csv(data: ReportData, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(columns())
    for row in data.rows:
        writer.writerow([spreadsheet_safe(c) for c in _cells(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_docx(data: ReportData, title: str, as_of) -> bytes:
    consultation = data.consultation
    document = Document()
    document.core_properties.title = title
    document.core_properties.language = LANGUAGE_TAGS.get(str(get_locale()), "pl-PL")
    document.core_properties.author = consultation.organizer or ""
    style = document.styles["Normal"]
    style.font.name, style.font.size = "DejaVu Sans", Pt(10)

    document.add_heading(_("Consultation report"), level=0)
    document.add_paragraph(xml_safe(consultation.title))
    document.add_paragraph(f"{_('As of')}: {long_date(as_of)}")

    document.add_heading(_("How the consultation ran"), level=1)
    if consultation.organizer:
        document.add_paragraph(f"{_('Organizer')}: {consultation.organizer}")
    document.add_paragraph(f"{_('Forms of consultation')}: "
                           f"{', '.join(data.forms) if data.forms else _('none recorded')}")
    if data.online_window:
        opened, closed = data.online_window
        document.add_paragraph(f"{_('Remarks were received online')}: {local_datetime(opened, 'd MMMM y')} – "
                               f"{local_datetime(closed, 'd MMMM y') if closed else _('still open')}")
    if data.meetings:
        document.add_paragraph(_("Consultation meetings") + ":")
        for meeting in data.meetings:
            line = f"{long_date(meeting.date)} – {meeting.title}"
            if meeting.participant_count is not None:
                line += f" ({_('participants')}: {meeting.participant_count})"
            document.add_paragraph(line, style="List Bullet")
    document.add_paragraph(f"{_('Remarks received')}: {data.received} ({_('submissions')}: "
                           f"{data.submissions}, {_('organisations')}: {data.organisations})")

    document.add_heading(_("Remarks by how they were handled"), level=1)
    counts = document.add_table(rows=1, cols=2, style="Table Grid")
    counts.rows[0].cells[0].text, counts.rows[0].cells[1].text = _("Handling"), _("Remarks")
    for label, number in data.counts:
        cells = counts.add_row().cells
        cells[0].text, cells[1].text = label, str(number)

    section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.5))
    document.add_heading(_("Table of remarks"), level=1)
    table = document.add_table(rows=1, cols=len(columns()), style="Table Grid")
    for cell, heading in zip(table.rows[0].cells, columns(), strict=True):
        cell.text = heading
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for row in data.rows:
        for cell, value in zip(table.add_row().cells, _cells(row), strict=True):
            cell.text = value

    document.add_heading(_("Prepared and approved"), level=1)
    document.add_paragraph(f"{_('Report prepared by')}: {', '.join(data.prepared_by) or '—'}")
    approved = (f"{data.approved_by}, {long_date(data.approved_on)}" if data.approved_by
                else _("not yet: this is a draft, not the published report"))
    document.add_paragraph(f"{_('Report approved by')}: {approved}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
