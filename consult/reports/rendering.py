"""One set of templates for the browser preview and the PDF of summary documents.

The PDF is made by WeasyPrint as PDF/UA-1 (tagged: structure tree, language, title), with
a URL fetcher that serves only the app's own static files: ``file://``, other hosts and
``data:`` URLs — whatever user text or a template mistake might point at — are refused.

Rendering can report its progress: WeasyPrint logs each step, and each page it lays out,
to the ``weasyprint.progress`` logger; :func:`render_pdf` passes those of its own thread to
a callback (background jobs store them for the page that waits).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from slugify import slugify
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from consult.consultations.models import Consultation
from consult.core.formatting import long_date
from consult.core.i18n import document_language
from consult.meetings.models import Meeting
from consult.meetings.services import summary_tree

# Resources of the PDF resolve against this made-up origin; nothing is fetched from it:
# StaticOnlyFetcher answers from the static folder on disk.
BASE_URL = "https://consult.invalid/"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


class RefusedResource(ValueError):
    """A resource outside the app's static files (WeasyPrint skips it and goes on)."""


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, static_folder: str | Path):
        super().__init__(allowed_protocols=["https"], allow_redirects=False)
        self.static = Path(static_folder).resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith("/static/"):
            raise RefusedResource(f"refused: {url[:200]}")
        path = (self.static / unquote(parts.path[len("/static/"):])).resolve()
        if not path.is_relative_to(self.static) or not path.is_file():
            raise RefusedResource(f"refused: {url[:200]}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


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
    from consult.postulates.services import report_data

    with force_locale(document_language(consultation)):
        data = report_data(consultation)
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


# Rendering with progress ----------------------------------------------------------------

Progress = Callable[[str, int], None]
"""Called with a step ("html", "css", "layout", "pdf", "metadata") and a page number."""

_STEPS = {"1": "html", "2": "css", "3": "css", "4": "structure", "5": "layout", "6": "pdf",
          "7": "metadata"}
_STEP_RE = re.compile(r"Step (\d) - .*?(?:Page (\d+))?(?: \(up-to-date\))?$")


class _ProgressHandler(logging.Handler):
    """Passes WeasyPrint's progress messages to the callback registered for their thread."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.callbacks: dict[int, Progress] = {}

    def emit(self, record: logging.LogRecord) -> None:
        callback = self.callbacks.get(record.thread)
        if callback is None:
            return
        match = _STEP_RE.match(record.getMessage())
        if match:
            step = _STEPS.get(match.group(1), "layout")
            try:
                callback(step, int(match.group(2) or 0))
            except Exception:  # a progress report must never break the rendering
                logging.getLogger(__name__).exception("progress callback failed")


_handler = _ProgressHandler()
_progress_logger = logging.getLogger("weasyprint.progress")
_progress_logger.addHandler(_handler)
_progress_logger.setLevel(logging.INFO)
_progress_logger.propagate = False  # progress is ours to show; keep it out of the app log


@dataclass
class RenderedPdf:
    content: bytes
    pages: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def render_pdf(html: str, progress: Progress | None = None) -> RenderedPdf:
    """HTML of a document → tagged PDF bytes, reporting progress to ``progress``."""
    fetcher = StaticOnlyFetcher(current_app.static_folder)
    thread = threading.get_ident()
    if progress is not None:
        _handler.callbacks[thread] = progress
    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(**PDF_OPTIONS)
        return RenderedPdf(document.write_pdf(**PDF_OPTIONS), len(document.pages))
    finally:
        _handler.callbacks.pop(thread, None)


def estimate_pages(html: str) -> int:
    """Roughly how many A4 pages the document will have (for the progress bar only).

    Calibrated on the 2018 demo and generated meetings: about 5,000 characters of this
    HTML make one page.
    """
    return max(1, round(len(html) / 5000))
