"""Reading published documents: the versions of a series, the panel of a subject's documents,
and the bytes of a version to download (kept in this process's memory once served).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

import cachetools
import sqlalchemy as sa
from flask import current_app

from consult.consultations.models import Consultation
from consult.core.enums import ConsultationStatus
from consult.core.models import parse_id
from consult.extensions import db
from consult.reports.kinds import DocumentKind
from consult.reports.models import Publication


def versions(series: str) -> list[Publication]:
    """Every version of a series, newest first (without their bytes)."""
    return list(db.session.scalars(
        sa.select(Publication).where(Publication.series == series)
        .order_by(Publication.version.desc())))


def latest(series: str) -> Publication | None:
    return db.session.scalars(
        sa.select(Publication).where(Publication.series == series)
        .order_by(Publication.version.desc()).limit(1)).first()


@dataclass(frozen=True)
class PublishedFile:
    """A published version as its download needs it (a version never changes), and whether
    its consultation is public now (that may change)."""

    id: int
    file_name: str
    media_type: str
    sha256: str
    published_at: datetime
    public: bool

    def content(self) -> bytes:
        """The bytes: from this process's memory once it has served them, by their sha256
        (the same sha256 is the same bytes, whatever the database holds), up to
        PUBLICATION_CACHE_MB per process, the least recently used going first."""
        cache = _content_cache()
        with _contents_lock:
            content = cache.get(self.sha256)
        if content is None:
            content = db.session.scalar(sa.select(Publication.content).where(Publication.id == self.id))
            if len(content) <= cache.maxsize:
                with _contents_lock:
                    cache[self.sha256] = content
        return content


_contents: cachetools.LRUCache | None = None
_contents_lock = threading.Lock()

_DOWNLOAD = (sa.select(Publication.id, Publication.file_name, Publication.media_type,
                       Publication.sha256, Publication.published_at,
                       (Consultation.status != ConsultationStatus.DRAFT).label("public"))
             .join(Consultation, Consultation.id == Publication.consultation_id))


def _content_cache() -> cachetools.LRUCache:
    global _contents
    if _contents is None:
        size = int(current_app.config["PUBLICATION_CACHE_MB"]) * 1_000_000
        _contents = cachetools.LRUCache(maxsize=max(size, 1), getsizeof=len)
    return _contents


def _published(query) -> PublishedFile | None:
    row = db.session.execute(query).first()
    return PublishedFile(**row._mapping) if row is not None else None


def published_file(publication_id: int) -> PublishedFile | None:
    """A published version to download: one small query (no bytes; they are read only when
    sent, see :meth:`PublishedFile.content`)."""
    if parse_id(publication_id) is None:
        return None
    return _published(_DOWNLOAD.where(Publication.id == publication_id))


def latest_file(series: str) -> PublishedFile | None:
    """The newest version of a series, as :func:`published_file` gives it."""
    return _published(_DOWNLOAD.where(Publication.series == series)
                      .order_by(Publication.version.desc()).limit(1))


def consultation_publications(consultation_ids: list[int] | None = None) -> list[Publication]:
    """Publications of these consultations (all when None), without bytes, in one query."""
    query = sa.select(Publication).order_by(Publication.series, Publication.version.desc())
    if consultation_ids is not None:
        query = query.where(Publication.consultation_id.in_(consultation_ids))
    return list(db.session.scalars(query))


@dataclass
class Documents:
    """What a subject's page shows about one kind of its documents: the published versions
    by format (the kind's formats, in order; newest first), and whether the document as it
    would be rendered now differs from the latest version."""

    kind: DocumentKind
    subject: object
    by_format: dict[str, list[Publication]]
    changed: bool = False
    notice: str = ""  # what publishing asks to confirm (DocumentKind.publish_notice)
    refusal: str | None = None  # why it cannot be published now (DocumentKind.publish_refusal)

    @property
    def versions(self) -> list[Publication]:
        """The PDF's versions (every format is published with it, under its number)."""
        return self.by_format["pdf"]

    @property
    def latest(self) -> Publication | None:
        return self.versions[0] if self.versions else None

    @property
    def next_version(self) -> int:
        return self.latest.version + 1 if self.latest else 1


def documents(kind: DocumentKind, subject, **known) -> Documents:
    """The panel of ``kind`` for ``subject``; ``known``: what the page has built already
    (e.g. the meeting's summary tree), passed to :meth:`DocumentKind.changed_since`."""
    series = {kind.series(subject, fmt): fmt for fmt in kind.formats}
    found: dict[str, list[Publication]] = {fmt: [] for fmt in kind.formats}
    for publication in db.session.scalars(  # every format in one query, newest first
            sa.select(Publication).where(Publication.series.in_(series))
            .order_by(Publication.version.desc())):
        found[series[publication.series]].append(publication)
    latest = found["pdf"][0] if found["pdf"] else None
    return Documents(kind, subject, found, kind.changed_since(subject, latest, **known),
                     kind.publish_notice(subject), kind.publish_refusal(subject))


class Shelf:
    """Publications of some consultations read at once (no bytes), found by kind and subject:
    the download area and the public page list many series without a query each."""

    def __init__(self, consultation_ids: list[int] | None = None):
        self._series: dict[str, list[Publication]] = {}
        for publication in consultation_publications(consultation_ids):
            self._series.setdefault(publication.series, []).append(publication)

    def versions(self, kind: DocumentKind, subject, fmt: str = "pdf") -> list[Publication]:
        """Newest first."""
        return self._series.get(kind.series(subject, fmt), [])

    def latest(self, kind: DocumentKind, subject, fmt: str = "pdf") -> Publication | None:
        found = self.versions(kind, subject, fmt)
        return found[0] if found else None
