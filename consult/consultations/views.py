from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from consult.auth.models import User
from consult.consultations import services
from consult.consultations.forms import (
    ConsultationForm,
    FacilitatorsForm,
    NewConsultationForm,
    PlaneForm,
    PriorityForm,
)
from consult.consultations.models import Consultation, Plane, Priority
from consult.core.enums import ConsultationStatus, Role
from consult.core.formatting import site_zone
from consult.core.i18n import lang_kw
from consult.core.permissions import admin_required
from consult.core.views import child_or_404, get_or_404, handle_form
from consult.extensions import db

bp = Blueprint("consultations", __name__, url_prefix="/consultations")


def _to_utc(value: datetime | None) -> datetime | None:
    """Form datetimes are local wall-clock times of the city."""
    return value.replace(tzinfo=site_zone()) if value else None


def _to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(site_zone()).replace(tzinfo=None) if value else None


def _consultation_data(form: ConsultationForm) -> dict:
    data = dict(form.data)
    data["submissions_open_at"] = _to_utc(form.submissions_open_at.data)
    data["submissions_close_at"] = _to_utc(form.submissions_close_at.data)
    return data


@bp.get("/")
@login_required
def index():
    consultations = db.session.scalars(
        sa.select(Consultation)
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())
        .options(selectinload(Consultation.meetings))
    ).all()
    return render_template("consultations/index.html", consultations=consultations)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = NewConsultationForm()
    del form.status  # a new consultation starts as a draft
    with_framework = sa.select(Plane.consultation_id).union(sa.select(Priority.consultation_id))
    earlier = db.session.scalars(sa.select(Consultation).where(Consultation.id.in_(with_framework))
                                 .order_by(Consultation.created_at.desc(), Consultation.id.desc())).all()
    form.copy_framework_from.choices = [SelectChoice("", _("None: I will add them later"))] + [
        SelectChoice(str(c.id), c.title, render_kw=lang_kw(c)) for c in earlier]

    def save():
        data = _consultation_data(form)
        data.pop("copy_framework_from", None)
        consultation = services.create_consultation(data, current_user)
        if form.copy_framework_from.data:
            services.copy_framework(consultation, form.copy_framework_from.data, current_user)
        return consultation

    return handle_form(
        form, save, success_url=lambda c: url_for("pages.consultation", consultation_id=c.id),
        message=_("Consultation created."),
        template="consultations/form.html", consultation=None)


@bp.route("/<int:consultation_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    form = ConsultationForm(obj=consultation if request.method == "GET" else None)
    if request.method == "GET":
        form.status.data = consultation.status.value
        form.submissions_open_at.data = _to_local(consultation.submissions_open_at)
        form.submissions_close_at.data = _to_local(consultation.submissions_close_at)
    form.status.choices = [SelectChoice(s.value, s.label) for s in ConsultationStatus
                           if consultation.can_move_to(s)]
    return handle_form(
        form, lambda: services.update_consultation(consultation, _consultation_data(form), current_user),
        success_url=url_for("pages.consultation", consultation_id=consultation.id),
        message=_("Consultation saved."),
        template="consultations/form.html", consultation=consultation)


@bp.route("/<int:consultation_id>/facilitators", methods=["GET", "POST"])
@admin_required
def facilitators(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    candidates = db.session.scalars(
        sa.select(User).where(User.role == Role.FACILITATOR).order_by(User.name)
    ).all()
    form = FacilitatorsForm()
    form.facilitators.choices = [SelectChoice(u.id, f"{u.name} ({u.email})") for u in candidates]
    if request.method == "GET":
        form.facilitators.data = [u.id for u in consultation.facilitators]
    return handle_form(
        form, lambda: services.set_facilitators(consultation, form.facilitators.data or [], current_user),
        success_url=url_for("pages.consultation", consultation_id=consultation.id),
        message=_("Facilitators saved."),
        template="consultations/facilitators.html", consultation=consultation)


def _framework_form(consultation: Consultation, form, save, heading: str, message: str):
    """The plane and priority forms: one template, back to the consultation on success."""
    return handle_form(form, save, success_url=url_for("pages.consultation", consultation_id=consultation.id),
                       message=message, template="consultations/framework_form.html",
                       consultation=consultation, heading=heading)


@bp.route("/<int:consultation_id>/planes/new", methods=["GET", "POST"])
@admin_required
def plane_new(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    form = PlaneForm()
    if request.method == "GET":
        form.number.data = max((p.number for p in consultation.planes), default=0) + 1
    return _framework_form(
        consultation, form,
        lambda: services.add_plane(consultation, form.number.data, form.title.data, current_user),
        _("New plane"), _("Plane saved."))


@bp.route("/<int:consultation_id>/planes/<int:plane_id>", methods=["GET", "POST"])
@admin_required
def plane_edit(consultation_id: int, plane_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    plane = child_or_404(Plane, consultation, plane_id)
    form = PlaneForm(obj=plane if request.method == "GET" else None)
    return _framework_form(
        consultation, form,
        lambda: services.update_plane(plane, form.number.data, form.title.data, current_user),
        _("Edit plane %(number)d", number=plane.number), _("Plane saved."))


@bp.route("/<int:consultation_id>/priorities/new", methods=["GET", "POST"])
@admin_required
def priority_new(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    form = PriorityForm()
    return _framework_form(
        consultation, form,
        lambda: services.add_priority(consultation, form.code.data, form.title.data, current_user),
        _("New priority"), _("Priority saved."))


@bp.route("/<int:consultation_id>/priorities/<int:priority_id>", methods=["GET", "POST"])
@admin_required
def priority_edit(consultation_id: int, priority_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    priority = child_or_404(Priority, consultation, priority_id)
    form = PriorityForm(obj=priority if request.method == "GET" else None)
    return _framework_form(
        consultation, form,
        lambda: services.update_priority(priority, form.code.data, form.title.data, current_user),
        _("Edit priority %(code)s", code=priority.code), _("Priority saved."))
