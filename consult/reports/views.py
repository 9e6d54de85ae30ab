"""Documents of every kind (consult.reports.kinds): previews, drafts, publishing (as
background jobs), downloads, the documents area.

Downloads of published versions serve the stored bytes (never a new rendering), with the
sha256 as ETag; a request carrying it gets 304 without the bytes being read.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from consult.consultations.models import Consultation
from consult.core.permissions import can_download, can_view_consultation
from consult.core.views import file_response, file_with_etag, get_or_404
from consult.extensions import db, htmx
from consult.reports import catalogue, jobs, publications, rendering
from consult.reports.kinds import DocumentKind
from consult.reports.models import RenderJob

bp = Blueprint("reports", __name__)
log = logging.getLogger(__name__)


def _subject(kind: DocumentKind, subject_id: int, publish: bool = False):
    """The document's subject, for a reader (every staff member) or one who may publish it."""
    subject = get_or_404(kind.subject, subject_id)
    consultation = kind.consultation(subject)
    allowed = kind.may_publish if publish else can_view_consultation
    if not allowed(current_user, consultation):
        abort(403)
    return subject


def _to_job(job: RenderJob):
    return redirect(url_for(".job", job_id=job.id), 303)


# Every kind of document has the same endpoints, at addresses under its path: the preview
# (path), a draft PDF (path.pdf) and its other formats (path.docx …), a draft or the next
# version prepared as a job (path/draft, path/publish), and a stable link to the latest
# version in each format (path/latest.pdf …). The rules are made from the registry below.


@login_required
def preview(kind: str, subject_id: int):
    """The document as it will print, in the browser."""
    document = catalogue.get(kind)
    return document.html(_subject(document, subject_id), for_pdf=False)


@login_required
def draft_pdf(kind: str, subject_id: int, fmt: str = "pdf"):
    """A draft PDF of the document as it is now: small ones are rendered in the request (by
    the size of their HTML, whatever the document); for a large one — or one that fails here —
    a page that starts it as a background job, whose renderer has its own time and memory
    limits."""
    document = catalogue.get(kind)
    subject = _subject(document, subject_id)
    html = document.html(subject, for_pdf=True)
    failed = False
    if rendering.renders_inline(html):
        try:
            body = rendering.render_pdf(html).content
        except Exception:  # noqa: BLE001 - the job will render it again, within its limits
            log.exception("the draft %s could not be rendered in the request", document.file_name(subject))
            failed = True
        else:
            return file_response(body, document.file_name(subject), rendering.MEDIA_TYPES["pdf"],
                                 **{"Cache-Control": "no-store"})
    return render_template("reports/prepare.html", subject=document.subject_title(subject),
                           consultation=document.consultation(subject), failed=failed,
                           pages=rendering.estimate_pages(html),
                           action=document.url("draft", subject), back=document.back_url(subject))


@login_required
def draft_file(kind: str, subject_id: int, fmt: str):
    """A draft in another format of the document (the report's table as DOCX or CSV,
    separated by commas or, for Excel in a Polish locale, by semicolons): made in the request
    unless it is large. The address ends as the file name does (rendering.FILE_ENDINGS)."""
    document = catalogue.get(kind)
    subject = _subject(document, subject_id)
    data = document.data(subject)
    if not document.exports_inline(data):
        return render_template(
            "reports/prepare.html", subject=document.subject_title(subject),
            consultation=document.consultation(subject), failed=False,
            file_format=fmt, format_label=document.format_label(fmt),
            action=document.url("draft", subject, fmt=fmt), back=document.back_url(subject))
    body = document.export(subject, fmt, data)
    return file_response(body, document.file_name(subject, fmt=fmt), rendering.MEDIA_TYPES[fmt],
                         **{"Cache-Control": "no-store"})


@login_required
def draft(kind: str, subject_id: int):
    """A draft prepared in the background: its PDF, or (``?fmt=``) another of its formats
    when that is too large to be made in the request."""
    document = catalogue.get(kind)
    fmt = request.args.get("fmt", "pdf")
    if fmt not in document.formats:
        abort(404)
    return _to_job(jobs.start_job(document, _subject(document, subject_id), current_user,
                                  file_format=fmt))


@login_required
def publish(kind: str, subject_id: int):
    """The next version, in every format of the document, prepared in the background."""
    document = catalogue.get(kind)
    subject = _subject(document, subject_id, publish=True)
    refusal = document.publish_refusal(subject)
    if refusal:
        flash(refusal, "error")
        return redirect(document.back_url(subject), 303)
    if request.values.get("confirm") != "yes":
        # The checkbox is required in the form: only a client that skips it gets here.
        flash(_("Nothing was published: confirm first (%(warning)s)",
                warning=document.publish_notice(subject)), "error")
        return redirect(document.back_url(subject), 303)
    return _to_job(jobs.start_job(document, subject, current_user, publishes=True))


def latest(kind: str, subject_id: int, fmt: str = "pdf"):
    """A stable link to the newest published version."""
    document = catalogue.get(kind)
    subject = get_or_404(document.subject, subject_id)
    return _send(publications.latest_file(document.series(subject, fmt)),
                 document.consultation(subject).is_public, latest=True)


def _rules() -> None:
    for document in catalogue.KINDS.values():
        path, defaults = document.path, {"kind": document.key}
        bp.add_url_rule(path, "preview", preview, defaults=defaults)
        bp.add_url_rule(f"{path}/draft", "draft", draft, defaults=defaults,
                        methods=["POST"])
        bp.add_url_rule(f"{path}/publish", "publish", publish, defaults=defaults,
                        methods=["POST"])
        for fmt in document.formats:
            ending, values = rendering.FILE_ENDINGS[fmt], {**defaults, "fmt": fmt}
            if fmt == "pdf":
                bp.add_url_rule(f"{path}{ending}", "draft_pdf", draft_pdf,
                                defaults=values)
            else:
                bp.add_url_rule(f"{path}{ending}", "draft_file", draft_file,
                                defaults=values)
            bp.add_url_rule(f"{path}/latest{ending}", "latest", latest, defaults=values)


_rules()


# Jobs ----------------------------------------------------------------------------------------


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    """The page that waits for a rendering; htmx polls its progress fragment."""
    job = get_or_404(RenderJob, job_id)
    if not can_view_consultation(current_user, job.consultation):
        abort(403)
    document = catalogue.get(job.document)
    context = {"job": job, "stalled": jobs.is_stalled(job), "links": _job_links(document, job),
               "title": document.job_label(job.publishes, job.file_format),
               "format_label": document.format_label(job.file_format)}
    if htmx:
        # The announced status line is sent (out of band) only when it changes.
        announce = request.args.get("shown") != job.status.value
        return render_template("reports/_job_progress.html", announce=announce, **context)
    return render_template("reports/job.html", **context)


def _job_links(document: DocumentKind, job: RenderJob) -> dict[str, str]:
    """Where the job's page leads: its subject, and the form that starts it again."""
    subject = document.subject_of(job)
    if job.publishes:  # confirmed when it was first asked for (the form carries it again)
        retry = document.url("publish", subject)
    else:
        retry = document.url("draft", subject, **({"fmt": job.file_format} if job.file_format != "pdf" else {}))
    return {"subject": document.subject_title(subject), "back": document.back_url(subject), "retry": retry}


@bp.get("/jobs/<int:job_id>/result")
@login_required
def job_result(job_id: int):
    job = get_or_404(RenderJob, job_id)
    if not can_view_consultation(current_user, job.consultation):
        abort(403)
    if job.publication_id is not None:
        return redirect(url_for(".download", publication_id=job.publication_id,
                                file_name=job.publication.file_name), 303)
    body = db.session.scalar(sa.select(RenderJob.result).where(RenderJob.id == job.id))
    if body is None:
        flash(_("This draft is no longer kept. Prepare it again."), "info")
        return redirect(url_for(".job", job_id=job.id), 303)
    return file_response(body, job.result_name, rendering.MEDIA_TYPES[job.file_format],
                         **{"Cache-Control": "no-store"})


# Published versions --------------------------------------------------------------------------


@bp.get("/documents/")
@login_required
def documents():
    """Officials' download area: consultations → meetings → published versions."""
    consultations = db.session.scalars(
        sa.select(Consultation).order_by(Consultation.created_at.desc(), Consultation.id.desc())
        .options(selectinload(Consultation.meetings), selectinload(Consultation.documents))).all()
    return render_template("reports/documents.html", consultations=consultations,
                           shelf=publications.Shelf(), meeting_kinds=catalogue.of_meetings(),
                           consultation_kinds=catalogue.of_consultations())


@bp.get("/documents/<int:publication_id>/<file_name>")
def download(publication_id: int, file_name: str):
    # Officials fetch the same files often: one small query (may this visitor see it?), the
    # bytes from memory once this process has served them.
    stored = publications.published_file(publication_id)
    if stored is None or not can_download(current_user, stored.public):
        abort(404)  # not public yet: to anyone but staff it does not exist, nor its name
    if file_name != stored.file_name:
        return redirect(url_for(".download", publication_id=stored.id,
                                file_name=stored.file_name), 308)
    return _send(stored, stored.public)


def _send(stored: publications.PublishedFile | None, public: bool, latest: bool = False):
    """The stored bytes, with ETag = sha256; 304 when the client has them already."""
    if not can_download(current_user, public):
        # Not public yet: to anyone but staff it does not exist.
        abort(404)
    if stored is None:
        abort(404)
    if latest:  # the same address gets newer versions: ask every time (cheap with the ETag)
        cache = "no-cache"
    else:  # a version never changes
        cache = "max-age=31536000, immutable"
    cache = ("public, " if public else "private, ") + cache
    headers = {}
    if latest:
        headers["Content-Location"] = url_for(
            ".download", publication_id=stored.id, file_name=stored.file_name)
    response = file_with_etag(stored.sha256, stored.file_name, stored.media_type,
                              stored.content, cache_control=cache, **headers)
    response.last_modified = stored.published_at
    return response
