"""The consultation report (a document kind): how the consultation ran, the remarks by how
they were handled, and the table of remarks — PDF, DOCX and CSV from one reading of the record.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.consultations.models import Consultation
from consult.core.access import STANCES
from consult.core.formatting import local_datetime, site_zone
from consult.core.i18n import document_language
from consult.core.models import utcnow
from consult.core.permissions import can_decide_stances
from consult.reports import exports, rendering
from consult.reports.kinds import KINDS, DocumentKind, consultation_file_name, register
from consult.reports.report_data import ReportData, report_data


@register
class ConsultationReport(DocumentKind):
    key = "report"
    position = 30
    subject = Consultation
    path = "/consultations/<int:subject_id>/report"
    anchor = "report-documents"
    formats = ("pdf", "docx", "csv", "excel-csv")  # "excel-csv": semicolons, for Polish Excel
    label = _l("consultation report")
    heading = _l("Consultation report")
    description = _l("How the consultation ran, the remarks by how they were handled, and the table "
                     "of remarks with the published stances (organisations' names only).")
    versions_caption = _l("Published versions of the report")
    publish_button = _l("Publish the report as version %(n)d")
    publish_hint = _l("PDF, DOCX and both CSV files are published together; every version stays "
                      "downloadable.")
    draft_job = _l("Draft PDF of the consultation report")
    publish_job = _l("Publishing the consultation report")
    publishers = STANCES
    may_publish = staticmethod(can_decide_stances)

    def title(self, consultation: Consultation) -> str:
        with force_locale(document_language(consultation)):
            return f"{_('Consultation report')} – {consultation.title}"

    def data(self, consultation: Consultation) -> ReportData:
        """The report's data in the consultation's language (its labels, too)."""
        with force_locale(document_language(consultation)):
            return report_data(consultation)

    def html(self, consultation: Consultation, *, for_pdf: bool, data: ReportData | None = None,
             draft: bool = True, today: date | None = None) -> str:
        """Published stances only."""
        return rendering.document(
            "reports/report.html", consultation, for_pdf=for_pdf,
            nav=lambda: (self.back_url(consultation), _("Back to the consultation"),
                         self.url("draft_pdf", consultation)),
            draft=draft, data=data or self.data(consultation), title=self.title(consultation),
            today=today or utcnow().date())

    def file_stem(self, consultation: Consultation) -> tuple[str, str]:
        return "report", consultation_file_name(consultation)

    def export(self, consultation: Consultation, fmt: str, data: ReportData | None,
               today: date | None = None) -> bytes:
        """The table of remarks as DOCX or CSV (commas, or semicolons for Excel)."""
        data = data or self.data(consultation)
        with force_locale(document_language(consultation)):
            if fmt in exports.CSV_DELIMITERS:
                return exports.report_csv(data, exports.CSV_DELIMITERS[fmt])
            return exports.report_docx(data, self.title(consultation), today or utcnow().date())

    def files(self, consultation: Consultation, publisher=None) -> tuple[str, dict[str, bytes]]:
        """The published report names who approved it (the official publishing it) and when."""
        data = self.data(consultation)
        data.approved_by = getattr(publisher, "name", None)
        data.approved_on = utcnow().astimezone(site_zone()).date()
        html = self.html(consultation, for_pdf=True, data=data, draft=False, today=data.approved_on)
        return html, {fmt: self.export(consultation, fmt, data, data.approved_on)
                      for fmt in self.formats if fmt != "pdf"}

    def job_label(self, publishes: bool, file_format: str = "pdf") -> str:
        if file_format != "pdf":  # a draft of the table of remarks, too large for its request
            return _("Draft of the table of remarks (%(format)s)", format=self.format_label(file_format))
        return super().job_label(publishes, file_format)

    def publish_warning(self, consultation: Consultation) -> str | None:
        if not consultation.accepts_submissions():
            return None
        close = consultation.submissions_close_at
        if close is None:
            return _("Remarks may still be sent: a report published now leaves out any remark that "
                     "comes later.")
        return _("Remarks may still be sent until %(date)s: a report published now leaves out any "
                 "remark that comes later.", date=local_datetime(close, "d MMMM y, HH:mm"))

    def exports_inline(self, data: ReportData) -> bool:
        """By the size of the table's text (RENDER_INLINE_MAX_KB × 32: python-docx writes some
        2 MB of text a second)."""
        size = sum(len(str(value or "")) for row in data.rows for value in vars(row).values())
        return size <= current_app.config["RENDER_INLINE_MAX_KB"] * 1024 * 32


REPORT = KINDS[ConsultationReport.key]
