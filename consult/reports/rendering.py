"""One set of templates for the browser preview and the PDF of summary documents.

The HTML is made here, in the consultation's language; consult.reports.pdf turns it into a
tagged PDF (PDF/UA-1) with a fetcher limited to the app's static files — inside a web
request for a small draft (:func:`renders_inline`, by the HTML's size), else in a
background job whose renderer runs in a child process with a time and memory limit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from consult.consultations.models import Consultation
from consult.core.i18n import document_language
from consult.reports import pdf
from consult.reports.pdf import Progress, RenderedPdf, RenderLimitError  # noqa: F401 - for callers

# Documents ------------------------------------------------------------------------------
# A document is written in the language its consultation is held in (Consultation.language),
# whatever language the interface of the person who renders it shows. Only the preview's
# navigation bar follows the interface (it is rendered apart, and marked with its language).
# Each kind of document (consult.reports.kinds) makes its HTML with document().

FILE_NAMES = {
    "pl": {"summary": "podsumowanie", "meeting": "spotkanie", "report": "raport-z-konsultacji",
           "compilation": "podsumowania-spotkan", "consultation": "konsultacje", "draft": "wersja-robocza"},
    "en": {"summary": "summary", "meeting": "meeting", "report": "consultation-report",
           "compilation": "meeting-summaries", "consultation": "consultation", "draft": "draft"},
}
# How a document's file name (and the address of a draft or the latest version) ends, by
# format. "excel-csv" is the table of remarks separated by semicolons, for Excel in a locale
# whose list separator is ";" (Polish); "csv", separated by commas, suits everything else.
FILE_ENDINGS = {"pdf": ".pdf", "docx": ".docx", "odt": ".odt", "csv": ".csv", "excel-csv": "-excel.csv"}
MEDIA_TYPES = {"pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "odt": "application/vnd.oasis.opendocument.text",
               "csv": "text/csv; charset=utf-8", "excel-csv": "text/csv; charset=utf-8"}

Nav = Callable[[], tuple[str, str, str]]
"""The preview's way back (address, label) and its draft PDF's address."""


def document(template: str, consultation: Consultation, *, for_pdf: bool, nav: Nav, draft: bool = True,
             **context) -> str:
    """Render a document in its consultation's language; the preview (not the PDF) gets its
    navigation bar in the reader's interface language. A ``draft`` (everything but the
    version being published) says so on every page."""
    preview_nav = None
    if not for_pdf:
        back_url, back_label, pdf_url = nav()
        preview_nav = Markup(render_template("reports/_preview_nav.html", back_url=back_url,
                                             back_label=back_label, pdf_url=pdf_url))
    language = document_language(consultation)
    with force_locale(language):
        return render_template(template, consultation=consultation, for_pdf=for_pdf,
                               document_language=language, preview_nav=preview_nav, draft=draft,
                               **context)


def file_name(consultation: Consultation, word: str, name: str, version: int | None,
              fmt: str = "pdf") -> str:
    """"<the kind's word>-<name>-v<version><ending>" — or, without a version (a draft),
    "…-wersja-robocza<ending>" — the words in the document's language."""
    words = FILE_NAMES[document_language(consultation)]
    suffix = f"-v{version}" if version else f"-{words['draft']}"
    return f"{words[word]}-{name}{suffix}{FILE_ENDINGS[fmt]}"


def source_sha256(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


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
