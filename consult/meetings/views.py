from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.consultations.models import Consultation
from consult.core.permissions import (
    can_edit_meetings,
)
from consult.core.views import get_or_404, handle_form
from consult.meetings import services
from consult.meetings.forms import MeetingForm
from consult.meetings.models import Meeting

bp = Blueprint("meetings", __name__)


def _meeting_data(form: MeetingForm) -> dict:
    return {**form.data, "agenda": form.agenda_items()}


@bp.route("/consultations/<int:consultation_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    if not can_edit_meetings(current_user, consultation):
        abort(403)
    form = MeetingForm()
    return handle_form(
        form, lambda: services.create_meeting(consultation, _meeting_data(form), current_user),
        success_url=lambda m: url_for("pages.meeting", meeting_id=m.id),
        message=_("Meeting created."),
        template="meetings/form.html", consultation=consultation, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    if not can_edit_meetings(current_user, meeting.consultation):
        abort(403)
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    if request.method == "GET":
        form.agenda.data = "\n".join(meeting.agenda)
    return handle_form(
        form, lambda: services.update_meeting(meeting, _meeting_data(form), current_user),
        success_url=url_for("pages.meeting", meeting_id=meeting.id),
        message=_("Meeting saved."),
        template="meetings/form.html", consultation=meeting.consultation, meeting=meeting)
