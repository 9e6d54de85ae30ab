"""One set of templates for the browser preview and the PDF of a meeting summary.

The PDF is made by WeasyPrint as PDF/UA-1 (tagged: structure tree, language, title), with
a URL fetcher that serves only the app's own static files: ``file://``, other hosts and
``data:`` URLs — whatever user text or a template mistake might point at — are refused.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from consult.meetings.models import Meeting
from consult.meetings.services import summary_tree

# Resources of the PDF resolve against this made-up origin; nothing is fetched from it:
# StaticOnlyFetcher answers from the static folder on disk.
BASE_URL = "https://consult.invalid/"


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


def summary_html(meeting: Meeting, *, for_pdf: bool) -> str:
    """Always in Polish: summaries stay in the language the consultation is held in."""
    with force_locale("pl"):
        return render_template(
            "reports/summary.html",
            meeting=meeting,
            consultation=meeting.consultation,
            tree=summary_tree(meeting),
            show_kinds=meeting.show_kinds,
            for_pdf=for_pdf,
        )


def render_pdf(html: str) -> bytes:
    """HTML of a summary → tagged PDF bytes."""
    fetcher = StaticOnlyFetcher(current_app.static_folder)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1")


def summary_pdf(meeting: Meeting) -> bytes:
    return render_pdf(summary_html(meeting, for_pdf=True))


def file_name(meeting: Meeting, suffix: str = "pdf") -> str:
    from slugify import slugify

    audience = slugify(meeting.title, max_length=60, word_boundary=True) or "spotkanie"
    return f"podsumowanie-{meeting.date.isoformat()}-{audience}.{suffix}"
