"""One set of templates for the browser preview and the PDF of summary documents.

The HTML is made here, in the consultation's language; consult.reports.pdf turns it into a
tagged PDF (PDF/UA-1) with a fetcher limited to the app's static files — inside a web
request for a small draft (:func:`renders_inline`, by the HTML's size), else in a
background job whose renderer runs in a child process with a time and memory limit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from slugify import slugify

from consult.consultations.models import Consultation
from consult.core.formatting import long_date
from consult.core.i18n import document_language
from consult.meetings.models import Meeting
from consult.meetings.services import summary_tree
from consult.reports import pdf
from consult.reports.pdf import Progress, RenderedPdf, RenderLimitError  # noqa: F401 - for callers

# Documents ------------------------------------------------------------------------------
# A document is written in the language its consultation is held in (Consultation.language),
# whatever language the interface of the person who renders it shows. Only the preview's
# navigation bar follows the interface (it is rendered apart, and marked with its language).

# "Summary of the consultation meeting" + the audience part of the meeting's title.
AUDIENCE_PREFIXES = {"pl": "spotkanie konsultacyjne ", "en": "consultation meeting "}
FILE_NAMES = {
    "pl": {"summary": "podsumowanie", "meeting": "spotkanie", "report": "raport-z-konsultacji",
           "compilation": "podsumowania-spotkan", "consultation": "konsultacje"},
    "en": {"summary": "summary", "meeting": "meeting", "report": "consultation-report",
           "compilation": "meeting-summaries", "consultation": "consultation"},
}
# How a document's file name (and the address of a draft or the latest version) ends, by
# format. "excel-csv" is the table of remarks separated by semicolons, for Excel in a locale
# whose list separator is ";" (Polish); "csv", separated by commas, suits everything else.
FILE_ENDINGS = {"pdf": ".pdf", "docx": ".docx", "csv": ".csv", "excel-csv": "-excel.csv"}
REPORT_EXPORTS = ("docx", "csv", "excel-csv")  # the report's files besides its PDF


def audience(meeting: Meeting) -> str:
    """"dla organizacji …" of "Spotkanie konsultacyjne dla organizacji …" (else the title)."""
    prefix = AUDIENCE_PREFIXES[document_language(meeting.consultation)]
    if meeting.title.lower().startswith(prefix):
        return meeting.title[len(prefix):]
    return meeting.title


def summary_title(meeting: Meeting) -> str:
    language = document_language(meeting.consultation)
    with force_locale(language):
        heading = _("Summary of the consultation meeting")
    return f"{heading} {audience(meeting)} – {long_date(meeting.date, language)}"


def compilation_title(consultation: Consultation) -> str:
    with force_locale(document_language(consultation)):
        return f"{_('Summaries of the consultation meetings')} – {consultation.title}"


def report_title(consultation: Consultation) -> str:
    with force_locale(document_language(consultation)):
        return f"{_('Consultation report')} – {consultation.title}"


Nav = Callable[[], tuple[str, str, str]]
"""The preview's way back (address, label) and its draft PDF's address."""


def _document(template: str, consultation: Consultation, *, for_pdf: bool, nav: Nav, **context) -> str:
    """Render a document in its consultation's language; the preview (not the PDF) gets its
    navigation bar in the reader's interface language."""
    preview_nav = None
    if not for_pdf:
        back_url, back_label, pdf_url = nav()
        preview_nav = Markup(render_template("reports/_preview_nav.html", back_url=back_url,
                                             back_label=back_label, pdf_url=pdf_url))
    language = document_language(consultation)
    with force_locale(language):
        return render_template(template, consultation=consultation, for_pdf=for_pdf,
                               document_language=language, preview_nav=preview_nav, **context)


def summary_html(meeting: Meeting, *, for_pdf: bool, tree=None) -> str:
    """``tree``: the meeting's summary tree when the caller has built it already."""
    return _document(
        "reports/summary.html", meeting.consultation, for_pdf=for_pdf,
        nav=lambda: (url_for("meetings.detail", meeting_id=meeting.id), _("Back to the meeting"),
                     url_for("reports.pdf", meeting_id=meeting.id)),
        meeting=meeting,
        tree=summary_tree(meeting) if tree is None else tree,
        title=summary_title(meeting), meeting_audience=audience)


def compilation_html(consultation: Consultation, *, for_pdf: bool, today: date | None = None) -> str:
    """Every meeting of the consultation, with a cover and a table of contents."""
    from consult.core.models import utcnow

    meetings = list(consultation.meetings)
    return _document(
        "reports/compilation.html", consultation, for_pdf=for_pdf,
        nav=lambda: (url_for("consultations.detail", consultation_id=consultation.id,
                             _anchor="compilation-documents"), _("Back to the consultation"),
                     url_for("reports.compilation_pdf", consultation_id=consultation.id)),
        meetings=[(m, summary_tree(m)) for m in meetings],
        title=compilation_title(consultation),
        authors=sorted({m.prepared_by for m in meetings if m.prepared_by}),
        today=today or utcnow().date(), meeting_audience=audience)


def report_html(consultation: Consultation, *, for_pdf: bool, today: date | None = None,
                data=None) -> str:
    """The consultation report: how it ran, remarks by stance, the table of remarks."""
    from consult.core.models import utcnow
    from consult.postulates.services import report_data

    with force_locale(document_language(consultation)):  # the data's labels, too
        data = data or report_data(consultation)
    return _document(
        "reports/report.html", consultation, for_pdf=for_pdf,
        nav=lambda: (url_for("consultations.detail", consultation_id=consultation.id,
                             _anchor="report-documents"), _("Back to the consultation"),
                     url_for("reports.report_pdf", consultation_id=consultation.id)),
        data=data, title=report_title(consultation), today=today or utcnow().date())


def report_export(consultation: Consultation, fmt: str, today: date | None = None,
                  data=None) -> bytes:
    """The report as one of :data:`REPORT_EXPORTS` (its PDF is rendered from
    :func:`report_html`)."""
    from consult.core.models import utcnow
    from consult.postulates.services import report_data
    from consult.reports import exports

    with force_locale(document_language(consultation)):
        data = data or report_data(consultation)
        if fmt in exports.CSV_DELIMITERS:
            return exports.report_csv(data, exports.CSV_DELIMITERS[fmt])
        return exports.report_docx(data, report_title(consultation), today or utcnow().date())


def report_files(consultation: Consultation) -> tuple[str, dict[str, bytes]]:
    """What publishing the report needs — the HTML of its PDF, its DOCX and both CSV files —
    from one reading of the data."""
    data = report_table(consultation)
    return (report_html(consultation, for_pdf=True, data=data),
            {fmt: report_export(consultation, fmt, data=data) for fmt in REPORT_EXPORTS})


def source_sha256(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def _file_name(consultation: Consultation, kind: str, name: str, version: int | None,
               fmt: str = "pdf") -> str:
    words = FILE_NAMES[document_language(consultation)]
    suffix = f"-v{version}" if version else ""
    return f"{words[kind]}-{name}{suffix}{FILE_ENDINGS[fmt]}"


def summary_file_name(meeting: Meeting, version: int | None = None) -> str:
    name = slugify(audience(meeting), max_length=80, word_boundary=True)
    words = FILE_NAMES[document_language(meeting.consultation)]
    return _file_name(meeting.consultation, "summary",
                      f"{meeting.date.isoformat()}-{name or words['meeting']}", version)


def _consultation_name(consultation: Consultation) -> str:
    name = slugify(consultation.slug or consultation.title, max_length=80, word_boundary=True)
    return name or FILE_NAMES[document_language(consultation)]["consultation"]


def report_file_name(consultation: Consultation, version: int | None = None, fmt: str = "pdf") -> str:
    return _file_name(consultation, "report", _consultation_name(consultation), version, fmt)


def compilation_file_name(consultation: Consultation, version: int | None = None) -> str:
    return _file_name(consultation, "compilation", _consultation_name(consultation), version)


# Rendering ------------------------------------------------------------------------------
# consult.reports.pdf renders; here it gets the app's static folder and its limits.


def render_pdf(html: str, progress: Progress | None = None) -> RenderedPdf:
    """HTML of a document → tagged PDF bytes, in this process (a draft small enough to be
    made inside its request: see :func:`renders_inline`)."""
    return pdf.render(html, current_app.static_folder, progress)


def render_job_pdf(html: str, progress: Progress | None = None) -> RenderedPdf:
    """The same in a child process limited to RENDER_TIMEOUT_SECONDS and RENDER_MEMORY_MB
    (background jobs): a runaway document ends as :class:`RenderLimitError`, not as the
    worker that asked for it."""
    config = current_app.config
    return pdf.render_in_child(html, current_app.static_folder, progress,
                               timeout=float(config["RENDER_TIMEOUT_SECONDS"]),
                               memory_mb=int(config["RENDER_MEMORY_MB"]))


def report_table(consultation: Consultation):
    """The data of the report's table, in the consultation's language (what its DOCX and
    CSV are made of: read once, for the size check and the file)."""
    from consult.postulates.services import report_data

    with force_locale(document_language(consultation)):
        return report_data(consultation)


def exports_inline(data) -> bool:
    """Whether the report's table as DOCX or CSV is made inside its request: by the size of
    its text (RENDER_INLINE_MAX_KB × 32: python-docx writes some 2 MB of text a second)."""
    size = sum(len(str(value or "")) for row in data.rows for value in vars(row).values())
    return size <= current_app.config["RENDER_INLINE_MAX_KB"] * 1024 * 32


def renders_inline(html: str) -> bool:
    """Whether a draft of this HTML is made inside its web request (about a second), by its
    size — whatever made it large: entries, long remarks, many sections — for every kind of
    document; larger ones are prepared in a background job."""
    return len(html.encode("utf-8", "surrogatepass")) <= current_app.config["RENDER_INLINE_MAX_KB"] * 1024


def estimate_pages(html: str) -> int:
    """Roughly how many A4 pages the document will have (for the progress bar only).

    Calibrated on the 2018 demo and generated meetings: about 5,000 characters of this
    HTML make one page.
    """
    return max(1, round(len(html) / 5000))
