"""Loading a consultation for a page of any area (views of other areas use these; no view
module imports another area's views)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from consult.consultations.models import Consultation
from consult.extensions import db


def public_consultation(slug: str) -> Consultation:
    """The consultation at this public address; a draft exists for staff only."""
    found = db.session.scalars(
        sa.select(Consultation).where(Consultation.slug == slug[:120])
        .options(selectinload(Consultation.meetings))).first()
    staff = current_user.is_authenticated and current_user.is_active
    if found is None or not (found.is_public or staff):
        abort(404)
    return found
