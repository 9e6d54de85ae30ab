"""Summary documents: previews, drafts, publishing (as background jobs), downloads.

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
from consult.core.enums import JobKind, PublicationKind
from consult.core.permissions import can_decide_stances, can_download, can_publish, can_view_consultation
from consult.core.views import file_response, file_with_etag, get_or_404
from consult.extensions import db, htmx
from consult.meetings.models import Meeting
from consult.reports import rendering, services
from consult.reports.models import Publication, RenderJob

bp = Blueprint("reports", __name__)
log = logging.getLogger(__name__)

PDF = "application/pdf"


def _meeting(meeting_id: int, publish: bool = False) -> Meeting:
    meeting = get_or_404(Meeting, meeting_id)
    allowed = can_publish if publish else can_view_consultation
    if not allowed(current_user, meeting.consultation):
        abort(403)
    return meeting


def _consultation(consultation_id: int, publish: bool = False) -> Consultation:
    consultation = get_or_404(Consultation, consultation_id)
    allowed = can_publish if publish else can_view_consultation
    if not allowed(current_user, consultation):
        abort(403)
    return consultation


def _to_job(job: RenderJob):
    return redirect(url_for(".job", job_id=job.id), 303)


# One meeting ----------------------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/summary")
@login_required
def preview(meeting_id: int):
    """The summary as it will print, in the browser."""
    return rendering.summary_html(_meeting(meeting_id), for_pdf=False)


@bp.get("/meetings/<int:meeting_id>/summary.pdf")
@login_required
def pdf(meeting_id: int):
    """A draft PDF of the summary as it is now; a large one is prepared in the background."""
    meeting = _meeting(meeting_id)
    return _draft_pdf(
        rendering.summary_html(meeting, for_pdf=True), meeting.title,
        url_for(".draft", meeting_id=meeting.id), url_for("meetings.detail", meeting_id=meeting.id),
        rendering.summary_file_name(meeting))


def _draft_pdf(html: str, title: str, draft_url: str, back_url: str, file_name: str):
    """Render a small draft now (by the size of its HTML, whatever the document); for a
    large one — or one that fails here — a page that starts it as a background job, whose
    renderer has its own time and memory limits."""
    failed = False
    if rendering.renders_inline(html):
        try:
            body = rendering.render_pdf(html).content
        except Exception:  # noqa: BLE001 - the job will render it again, within its limits
            log.exception("the draft %s could not be rendered in the request", file_name)
            failed = True
        else:
            return file_response(body, file_name, PDF, **{"Cache-Control": "no-store"})
    return render_template("reports/prepare.html", subject=title, failed=failed,
                           pages=rendering.estimate_pages(html), action=draft_url, back=back_url)


@bp.post("/meetings/<int:meeting_id>/summary/draft")
@login_required
def draft(meeting_id: int):
    meeting = _meeting(meeting_id)
    return _to_job(services.start_job(JobKind.DRAFT_SUMMARY, current_user, meeting=meeting))


@bp.post("/meetings/<int:meeting_id>/summary/publish")
@login_required
def publish(meeting_id: int):
    meeting = _meeting(meeting_id, publish=True)
    return _to_job(services.start_job(JobKind.PUBLISH_SUMMARY, current_user, meeting=meeting))


@bp.get("/meetings/<int:meeting_id>/summary/latest.pdf")
def latest_summary(meeting_id: int):
    """A stable link to the newest published version."""
    meeting = get_or_404(Meeting, meeting_id)
    return _latest(services.meeting_series(meeting), meeting.consultation)


# A consultation's compilation ----------------------------------------------------------------


@bp.get("/consultations/<int:consultation_id>/summaries")
@login_required
def compilation(consultation_id: int):
    return rendering.compilation_html(_consultation(consultation_id), for_pdf=False)


@bp.get("/consultations/<int:consultation_id>/summaries.pdf")
@login_required
def compilation_pdf(consultation_id: int):
    consultation = _consultation(consultation_id)
    return _draft_pdf(
        rendering.compilation_html(consultation, for_pdf=True), consultation.title,
        url_for(".compilation_draft", consultation_id=consultation.id),
        url_for("consultations.detail", consultation_id=consultation.id),
        rendering.compilation_file_name(consultation))


@bp.post("/consultations/<int:consultation_id>/summaries/draft")
@login_required
def compilation_draft(consultation_id: int):
    consultation = _consultation(consultation_id)
    return _to_job(services.start_job(JobKind.DRAFT_COMPILATION, current_user,
                                      consultation=consultation))


@bp.post("/consultations/<int:consultation_id>/summaries/publish")
@login_required
def compilation_publish(consultation_id: int):
    consultation = _consultation(consultation_id, publish=True)
    return _to_job(services.start_job(JobKind.PUBLISH_COMPILATION, current_user,
                                      consultation=consultation))


@bp.get("/consultations/<int:consultation_id>/summaries/latest.pdf")
def latest_compilation(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    return _latest(services.compilation_series(consultation), consultation)


# The consultation report -------------------------------------------------------------------


@bp.get("/consultations/<int:consultation_id>/report")
@login_required
def report(consultation_id: int):
    """The report as it would be published now (published stances only)."""
    return rendering.report_html(_consultation(consultation_id), for_pdf=False)


@bp.get("/consultations/<int:consultation_id>/report.pdf")
@login_required
def report_pdf(consultation_id: int):
    consultation = _consultation(consultation_id)
    return _draft_pdf(
        rendering.report_html(consultation, for_pdf=True), consultation.title,
        url_for(".report_draft", consultation_id=consultation.id),
        url_for("consultations.detail", consultation_id=consultation.id),
        rendering.report_file_name(consultation))


@bp.get("/consultations/<int:consultation_id>/report.<any(docx, csv):fmt>")
@bp.get("/consultations/<int:consultation_id>/report-excel.csv", defaults={"fmt": "excel-csv"})
@login_required
def report_export(consultation_id: int, fmt: str):
    """A draft of the report's table of remarks as DOCX or CSV, separated by commas or, for
    Excel in a Polish locale, by semicolons (quick: made in the request). The address ends
    as the file name does (rendering.FILE_ENDINGS)."""
    consultation = _consultation(consultation_id)
    data = rendering.report_table(consultation)
    if not rendering.exports_inline(data):
        return render_template(
            "reports/prepare.html", subject=consultation.title, failed=False, file_format=fmt,
            action=url_for(".report_draft", consultation_id=consultation.id, fmt=fmt),
            back=url_for("consultations.detail", consultation_id=consultation.id))
    body = rendering.report_export(consultation, fmt, data=data)
    return file_response(body, rendering.report_file_name(consultation, fmt=fmt),
                         services.MEDIA_TYPES[fmt], **{"Cache-Control": "no-store"})


@bp.post("/consultations/<int:consultation_id>/report/draft")
@login_required
def report_draft(consultation_id: int):
    """A draft of the report prepared in the background: its PDF, or (``?fmt=``) its table
    as DOCX or CSV when that is too large to be made in the request."""
    consultation = _consultation(consultation_id)
    fmt = request.args.get("fmt", "pdf")
    if fmt not in services.REPORT_FORMATS:
        abort(404)
    return _to_job(services.start_job(JobKind.DRAFT_REPORT, current_user, consultation=consultation,
                                      file_format=fmt))


@bp.post("/consultations/<int:consultation_id>/report/publish")
@login_required
def report_publish(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    if not can_decide_stances(current_user, consultation):
        abort(403)
    return _to_job(services.start_job(JobKind.PUBLISH_REPORT, current_user, consultation=consultation))


@bp.get("/consultations/<int:consultation_id>/report/latest.<any(pdf, docx, csv):fmt>")
@bp.get("/consultations/<int:consultation_id>/report/latest-excel.csv", defaults={"fmt": "excel-csv"})
def latest_report(consultation_id: int, fmt: str):
    consultation = get_or_404(Consultation, consultation_id)
    return _latest(services.report_series(consultation, fmt), consultation)


# Jobs ----------------------------------------------------------------------------------------


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    """The page that waits for a rendering; htmx polls its progress fragment."""
    job = get_or_404(RenderJob, job_id)
    if not can_view_consultation(current_user, job.consultation):
        abort(403)
    context = {"job": job, "stalled": services.is_stalled(job), "links": _job_links(job)}
    if htmx:
        # The announced status line is sent (out of band) only when it changes.
        announce = request.args.get("shown") != job.status.value
        return render_template("reports/_job_progress.html", announce=announce, **context)
    return render_template("reports/job.html", **context)


def _job_links(job: RenderJob) -> dict[str, str]:
    """Where the job's page leads: its subject, and the form that starts it again."""
    document, publishes = job.kind.document, job.kind.publishes
    if document == PublicationKind.SUMMARY:
        subject, back = job.meeting.title, url_for(
            "meetings.detail", meeting_id=job.meeting_id, _anchor="meeting-documents")
        retry = url_for(".publish" if publishes else ".draft", meeting_id=job.meeting_id)
    else:
        anchor = "report-documents" if document == PublicationKind.REPORT else "compilation-documents"
        subject, back = job.consultation.title, url_for(
            "consultations.detail", consultation_id=job.consultation_id, _anchor=anchor)
        endpoint = {(PublicationKind.COMPILATION, True): ".compilation_publish",
                    (PublicationKind.COMPILATION, False): ".compilation_draft",
                    (PublicationKind.REPORT, True): ".report_publish",
                    (PublicationKind.REPORT, False): ".report_draft"}[document, publishes]
        retry = url_for(endpoint, consultation_id=job.consultation_id,
                        **({"fmt": job.file_format} if job.file_format != "pdf" else {}))
    return {"subject": subject, "back": back, "retry": retry}


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
    return file_response(body, job.result_name, services.MEDIA_TYPES[job.file_format],
                         **{"Cache-Control": "no-store"})


# Published versions --------------------------------------------------------------------------


@bp.get("/documents/")
@login_required
def documents():
    """Officials' download area: consultations → meetings → published versions."""
    consultations = db.session.scalars(
        sa.select(Consultation).order_by(Consultation.created_at.desc(), Consultation.id.desc())
        .options(selectinload(Consultation.meetings))).all()
    by_series: dict[str, list[Publication]] = {}
    for publication in services.consultation_publications():
        by_series.setdefault(publication.series, []).append(publication)
    return render_template("reports/documents.html", consultations=consultations,
                           by_series=by_series, series=services)


@bp.get("/documents/<int:publication_id>/<file_name>")
def download(publication_id: int, file_name: str):
    # Officials fetch the same files often: one small query (may this visitor see it?), the
    # bytes from memory once this process has served them.
    stored = services.published_file(publication_id)
    if stored is None or not can_download(current_user, stored.public):
        abort(404)  # not public yet: to anyone but staff it does not exist, nor its name
    if file_name != stored.file_name:
        return redirect(url_for(".download", publication_id=stored.id,
                                file_name=stored.file_name), 308)
    return _send(stored, stored.public)


def _latest(series: str, consultation: Consultation):
    """The newest version of a series, for its stable link."""
    return _send(services.latest_file(series), consultation.is_public, latest=True)


def _send(stored: services.PublishedFile | None, public: bool, latest: bool = False):
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
