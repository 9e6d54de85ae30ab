"""Public pages of consultations: description, meetings and their published summaries."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, url_for

from consult.consultations.loaders import public_consultation
from consult.consultations.models import Consultation, ConsultationDocument
from consult.core.enums import ConsultationStatus
from consult.core.formatting import site_today
from consult.core.urls import external_url
from consult.core.views import get_or_404, stored_file
from consult.extensions import db
from consult.meetings.calendar import calendar_response
from consult.meetings.models import Meeting
from consult.participants import services as participants
from consult.reports import publications
from consult.reports.catalogue import COMPILATION, REPORT, SUMMARY

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.get("/")
def index():
    consultations = db.session.scalars(
        sa.select(Consultation).where(Consultation.status != ConsultationStatus.DRAFT)
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())).all()
    return render_template("public/index.html", consultations=consultations)


def _editable(shelf: publications.Shelf, meeting) -> list[tuple[str, object]]:
    """The latest summary in each format one can edit (DOCX, ODT), with its label."""
    found = [(SUMMARY.format_label(fmt), shelf.latest(SUMMARY, meeting, fmt)) for fmt in SUMMARY.formats[1:]]
    return [(label, publication) for label, publication in found if publication is not None]


@bp.get("/<slug>")
def consultation(slug: str):
    found = public_consultation(slug)
    shelf = publications.Shelf([found.id])
    return render_template(
        "public/consultation.html", consultation=found,
        meetings=[(m, shelf.versions(SUMMARY, m), _editable(shelf, m)) for m in found.meetings],
        report={fmt: shelf.versions(REPORT, found, fmt) for fmt in REPORT.formats},
        compilation=shelf.versions(COMPILATION, found),
        today=site_today(),  # meetings from today on offer their calendar file
        offers_registration=participants.offers_registration)


@bp.get("/<slug>/documents/<int:document_id>/<file_name>")
def document(slug: str, document_id: int, file_name: str):
    """A document of the consultation, as uploaded (ETag = sha256; 304 when unchanged)."""
    consultation = public_consultation(slug)
    found = get_or_404(ConsultationDocument, document_id)
    if found.consultation_id != consultation.id or found.deleted_at is not None:
        abort(404)
    if file_name != found.file_name:
        return redirect(url_for(".document", slug=slug, document_id=found.id, file_name=found.file_name), 308)
    return stored_file(ConsultationDocument, found, cache_control=(
        "public" if consultation.is_public else "private") + ", no-cache")


@bp.get("/<slug>/meetings/<int:meeting_id>/calendar.ics")
def meeting_calendar(slug: str, meeting_id: int):
    """A meeting of a public consultation as a calendar file (an invitation)."""
    consultation = public_consultation(slug)
    meeting = get_or_404(Meeting, meeting_id)
    if meeting.consultation_id != consultation.id:
        abort(404)
    return calendar_response(meeting, external_url("public.consultation", slug=consultation.slug))


@bp.get("/<slug>/privacy")
def privacy(slug: str):
    """The information clause (art. 13 RODO) of this consultation's forms: its organiser is
    the controller of what the forms collect. Linked from every public form."""
    return render_template("site/privacy.html", consultation=public_consultation(slug))
