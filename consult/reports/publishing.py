"""Publishing: rendered files become the next version of their series, never changed again."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from consult.auth.models import User
from consult.core.models import record_revision, utcnow
from consult.extensions import db
from consult.reports.kinds import DocumentKind
from consult.reports.models import Publication
from consult.reports.rendering import MEDIA_TYPES


def publish(kind: DocumentKind, subject, files: dict[str, tuple[bytes, int | None]],
            source_sha256: str, user: User | None) -> Publication:
    """Store the rendered files as the next version of their series (flushed, not committed);
    returns the PDF's publication. ``files`` maps a format to (bytes, pages).

    Two publications at the same moment cannot take the same number: the unique (series,
    version) constraint refuses the second, which retries with the next.
    """
    title = kind.title(subject)
    for attempt in range(5):
        version = (db.session.scalar(
            sa.select(sa.func.max(Publication.version)).where(Publication.series == kind.series(subject)))
            or 0) + 1
        made = [Publication(
            series=kind.series(subject, fmt), version=version, kind=kind.key,
            **kind.columns(subject), title=title,
            file_name=kind.file_name(subject, version, fmt), media_type=MEDIA_TYPES[fmt],
            content=content, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
            pages=pages, source_sha256=source_sha256, published_at=utcnow(),
            published_by_id=getattr(user, "id", None), published_by_name=getattr(user, "name", None))
            for fmt, (content, pages) in files.items()]
        try:
            with db.session.begin_nested():
                db.session.add_all(made)
        except IntegrityError:
            if attempt == 4:
                raise
            continue
        for publication in made:
            record_revision(publication, "publish", user, None, {
                "series": publication.series, "version": version, "sha256": publication.sha256,
                "size": publication.size, "file_name": publication.file_name})
        return made[0]
    raise AssertionError("unreachable")
