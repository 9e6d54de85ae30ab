"""Kinds of documents: what the app renders and publishes, each one object in one registry.

A kind says everything the rest of the area needs to know about its documents: what its
subject is (a meeting, a consultation), its series key, title, HTML and file names, the
formats it is published in, where its panel sits on the subject's page, and who may publish
it. Routes (:mod:`consult.reports.views`), jobs (:mod:`consult.reports.jobs`), the documents
panel (``reports/_documents.html``), the download area and the access matrix's check read
it from here; nothing else switches on the kind.

Adding a kind: a subclass of :class:`DocumentKind` registered with :func:`register` (its
module imported by :mod:`consult.reports.catalogue`), plus the template of its document.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from slugify import slugify

from consult.consultations.models import Consultation
from consult.core.access import EDITORS
from consult.core.i18n import document_language
from consult.core.permissions import can_publish
from consult.meetings.models import Meeting
from consult.reports import rendering

# What the pages call each format a document is published in, and the link to its draft.
FORMAT_LABELS = {"pdf": "PDF", "docx": "DOCX", "odt": "ODT", "csv": _l("CSV (commas)"),
                 "excel-csv": _l("CSV for Excel (semicolons)")}
DRAFT_LABELS = {"pdf": _l("Download draft PDF"), "docx": _l("Draft DOCX"), "odt": _l("Draft ODT"),
                "csv": _l("Draft CSV (commas)"), "excel-csv": _l("Draft CSV for Excel (semicolons)")}


class DocumentKind:
    """One kind of document. Subclasses set the class attributes and the methods that raise
    :class:`NotImplementedError`; the rest follows from them."""

    key: ClassVar[str]  # "summary": stored with its publications and jobs, and in its series
    subject: ClassVar[type]  # Meeting or Consultation: what one document is about
    path: ClassVar[str]  # its preview's address, e.g. "/meetings/<int:subject_id>/summary"
    anchor: ClassVar[str]  # the id of its panel on the subject's page
    formats: ClassVar[tuple[str, ...]] = ("pdf",)  # the PDF first; all are published together
    position: ClassVar[int] = 100  # where its panel and rows come among the kinds of a subject
    # Texts of its panel (reports/_documents.html), its jobs and its links.
    label: ClassVar[Any]  # "meeting summary"
    heading: ClassVar[Any]
    description: ClassVar[Any] = None
    preview_link: ClassVar[Any] = _l("Preview")
    versions_caption: ClassVar[Any] = _l("Published versions")
    not_published: ClassVar[Any] = _l("No version has been published yet.")
    changed_notice: ClassVar[Any] = None  # with %(n)d, the latest version (see changed_since)
    publish_button: ClassVar[Any]  # with %(n)d, the next version
    publish_hint: ClassVar[Any] = None
    draft_job: ClassVar[Any]
    publish_job: ClassVar[Any]
    # Who may publish it: the roles of consult.core.access (the matrix's check) and the rule
    # the views enforce (consult.core.permissions).
    publishers: ClassVar[frozenset[str]] = EDITORS
    may_publish: ClassVar[Callable[..., bool]] = staticmethod(can_publish)

    # What one document is about ------------------------------------------------------------

    @property
    def subject_name(self) -> str:
        """"meeting" or "consultation": the column of jobs and publications it is kept in."""
        return self.subject.__name__.lower()

    def consultation(self, subject) -> Consultation:
        return subject if isinstance(subject, Consultation) else subject.consultation

    def columns(self, subject) -> dict:
        """The columns of a job or a publication that name ``subject``."""
        meeting = subject if isinstance(subject, Meeting) else None
        return {"consultation_id": self.consultation(subject).id,
                "meeting_id": meeting.id if meeting is not None else None}

    def subject_of(self, row):
        """The subject of a job or a publication of this kind."""
        return getattr(row, self.subject_name)

    def subject_title(self, subject) -> str:
        return subject.title

    def series(self, subject: Any, fmt: str = "pdf") -> str:
        """Everything published about one subject in one format: "summary:meeting:12",
        "report:consultation:3:docx"."""
        base = f"{self.key}:{self.subject_name}:{getattr(subject, 'id', subject)}"
        return base if fmt == "pdf" else f"{base}:{fmt}"

    def back_url(self, subject) -> str:
        """The subject's page, at this kind's panel."""
        if isinstance(subject, Meeting):
            return url_for("pages.meeting", meeting_id=subject.id, _anchor=self.anchor)
        return url_for("pages.consultation", consultation_id=subject.id, _anchor=self.anchor)

    def url(self, action: str, subject, **values) -> str:
        """The address of one of its endpoints (:mod:`consult.reports.views`) for a subject."""
        return url_for(f"reports.{action}", kind=self.key, subject_id=subject.id, **values)

    # The document ----------------------------------------------------------------------------

    def title(self, subject) -> str:
        raise NotImplementedError

    def html(self, subject, *, for_pdf: bool, data: Any = None, draft: bool = True) -> str:
        """The document's HTML, in its consultation's language; ``data``: what the caller
        has read for it already (see :meth:`data`); ``draft``: marked as a draft on every
        page (all but the version being published)."""
        raise NotImplementedError

    def data(self, subject) -> Any:
        """What the document shows, read once for the HTML and the other formats (None:
        the HTML reads it itself)."""
        return None

    def file_stem(self, subject) -> tuple[str, str]:
        """(the word for the kind in FILE_NAMES, the subject's part of the file name)."""
        raise NotImplementedError

    def file_name(self, subject, version: int | None = None, fmt: str = "pdf") -> str:
        word, name = self.file_stem(subject)
        return rendering.file_name(self.consultation(subject), word, name, version, fmt)

    def export(self, subject, fmt: str, data: Any, today: date | None = None) -> bytes:
        """The document in one of its formats other than PDF."""
        raise NotImplementedError(f"{self.key} has no {fmt}")

    def exports_inline(self, data: Any) -> bool:
        """Whether a draft in a format other than PDF is made inside its request."""
        return True

    def files(self, subject, publisher=None) -> tuple[str, dict[str, bytes]]:
        """What publishing needs: the HTML of its PDF and its other formats, from one reading
        of the data; ``publisher``: the account publishing it (a kind that names who approved
        it reads it)."""
        data = self.data(subject)
        html = self.html(subject, for_pdf=True, data=data, draft=False)
        return html, {fmt: self.export(subject, fmt, data) for fmt in self.formats if fmt != "pdf"}

    def publish_warning(self, subject) -> str | None:
        """What the one who publishes must know besides that a published version cannot be
        changed (None: nothing). The panel asks to confirm both with a checkbox; the view
        refuses a publishing without it."""
        return None

    def publish_refusal(self, subject) -> str | None:
        """Why this document cannot be published now (None: it can)."""
        return None

    def publish_notice(self, subject) -> str:
        """What publishing asks to confirm: a published version is kept as it is, and what
        :meth:`publish_warning` adds."""
        notice = _("A published version cannot be changed or deleted.")
        warning = self.publish_warning(subject)
        return f"{notice} {warning}" if warning else notice

    def changed_since(self, subject, latest, **known) -> bool:
        """Whether the document as it would be rendered now differs from its latest version
        (the panel says so); kinds whose check would cost a full rendering say no."""
        return False

    @staticmethod
    def format_label(fmt: str) -> str:
        return str(FORMAT_LABELS[fmt])

    @staticmethod
    def draft_label(fmt: str) -> str:
        return str(DRAFT_LABELS[fmt])

    def job_label(self, publishes: bool, file_format: str = "pdf") -> str:
        """The title of a job's page."""
        return str(self.publish_job if publishes else self.draft_job)

    def __repr__(self) -> str:
        return f"<DocumentKind {self.key}>"


KINDS: dict[str, DocumentKind] = {}


def register(cls: type[DocumentKind]) -> type[DocumentKind]:
    """Class decorator: the kind's one instance joins the registry."""
    if cls.key in KINDS:
        raise ValueError(f"document kind {cls.key!r} is registered twice")
    KINDS[cls.key] = cls()
    return cls


def get(key: str) -> DocumentKind:
    """The kind stored as ``key`` (KeyError for a kind no longer known)."""
    return KINDS[key]


def of_meetings() -> list[DocumentKind]:
    """The kinds of documents about a meeting, in their order on its pages."""
    return sorted((kind for kind in KINDS.values() if kind.subject is Meeting), key=lambda k: k.position)


def of_consultations() -> list[DocumentKind]:
    """The kinds of documents about a consultation as a whole, in their order on its pages."""
    return sorted((kind for kind in KINDS.values() if kind.subject is Consultation),
                  key=lambda k: k.position)


# Helpers of the built-in kinds -------------------------------------------------------------


def consultation_file_name(consultation: Consultation) -> str:
    """The consultation's part of a file name: its slug (or title), else "konsultacje"."""
    name = slugify(consultation.slug or consultation.title, max_length=80, word_boundary=True)
    return name or rendering.FILE_NAMES[document_language(consultation)]["consultation"]
