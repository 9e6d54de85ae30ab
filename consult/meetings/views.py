from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from consult.capture import structure
from consult.consultations.models import Consultation
from consult.core.i18n import lang_kw
from consult.core.labels import plane_label, priority_label
from consult.core.permissions import can_edit_meetings, can_view_board
from consult.core.urls import external_url
from consult.core.views import get_or_404, handle_form
from consult.meetings import services
from consult.meetings.calendar import calendar_response
from consult.meetings.forms import MeetingForm, NewMeetingForm
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
    form = NewMeetingForm()
    earlier = structure.earlier_meetings(current_user)
    form.planes.choices = [SelectChoice(p.id, plane_label(p, marked=True)) for p in consultation.planes]
    form.priorities.choices = [SelectChoice(p.id, priority_label(p, marked=True))
                               for p in consultation.sorted_priorities]
    form.copy_from.choices = [SelectChoice(str(m.id), f"{m.date.isoformat()} · {m.title} ({m.consultation.title})",
                                           render_kw=lang_kw(m)) for m in earlier]
    if request.method == "GET":  # the 2018 layout, every plane: what most meetings start from
        form.planes.data = [p.id for p in consultation.planes]
        for name, heading in structure.default_headings(consultation).items():
            form[name].data = heading
        has_framework = bool(consultation.planes or consultation.priorities)
        form.structure.data = "framework" if has_framework else "copy" if earlier else "empty"

    def save():
        meeting = services.create_meeting(consultation, _meeting_data(form), current_user)
        framework = structure.Framework(
            plane_ids=form.planes.data or [], split_planes=form.split_planes.data == "yes",
            priority_ids=form.priorities.data or [], topics=form.topic_lines(),
            planes_heading=form.planes_heading.data, topics_heading=form.topics_heading.data,
            topics_question=form.topics_question.data, priorities_heading=form.priorities_heading.data)
        return structure.prepare(meeting, current_user, form.structure.data, framework, form.copy_from.data)

    def done(prepared: structure.Prepared) -> str:
        if not prepared.sections:
            return _("Meeting created.")
        text = ngettext("Meeting created with %(num)d section.", "Meeting created with %(num)d sections.",
                        prepared.sections)
        if prepared.unmatched:
            text += " " + _("Not among this consultation's planes and priorities, so copied as topics: %(names)s.",
                            names="; ".join(prepared.unmatched))
        return text

    return handle_form(
        form, save,
        success_url=lambda p: url_for("capture.board", meeting_id=p.meeting.id) if p.sections
        else url_for("pages.meeting", meeting_id=p.meeting.id),
        message=done, template="meetings/form.html", consultation=consultation, meeting=None)


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


@bp.get("/meetings/<int:meeting_id>/calendar.ics")
@login_required
def calendar_file(meeting_id: int):
    """The meeting as a calendar file, for the staff who may read its board."""
    meeting = get_or_404(Meeting, meeting_id)
    if not can_view_board(current_user, meeting.consultation):
        abort(403)
    url = external_url("pages.meeting", meeting_id=meeting.id)
    return calendar_response(meeting, url)
