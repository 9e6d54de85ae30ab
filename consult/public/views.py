"""Public pages of consultations: description, meetings and their published summaries."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from consult.consultations.models import Consultation
from consult.core.enums import ConsultationStatus
from consult.extensions import db
from consult.reports import services as reports

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.get("/")
def index():
    consultations = db.session.scalars(
        sa.select(Consultation).where(Consultation.status != ConsultationStatus.DRAFT)
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())).all()
    return render_template("public/index.html", consultations=consultations)


def public_consultation(slug: str) -> Consultation:
    """The consultation at this public address; a draft exists for staff only."""
    found = db.session.scalars(
        sa.select(Consultation).where(Consultation.slug == slug[:120])
        .options(selectinload(Consultation.meetings))).first()
    staff = current_user.is_authenticated and current_user.is_active
    if found is None or not (found.is_public or staff):
        abort(404)
    return found


@bp.get("/<slug>")
def consultation(slug: str):
    found = public_consultation(slug)
    by_series: dict[str, list] = {}
    for publication in reports.consultation_publications([found.id]):
        by_series.setdefault(publication.series, []).append(publication)
    return render_template("public/consultation.html", consultation=found, by_series=by_series,
                           series=reports)
