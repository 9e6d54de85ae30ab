from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from slugify import slugify
from wtforms.fields.choices import SelectChoice

from consult.capture import structure
from consult.consultations.models import Consultation
from consult.core.errors import ServiceError
from consult.core.i18n import lang_kw
from consult.core.labels import plane_label, priority_label
from consult.core.permissions import can_edit_meetings, can_view_board
from consult.core.urls import external_url
from consult.core.views import attach_to_form, commit_or_refuse, file_response, get_or_404, handle_form
from consult.meetings import csvfile, imports, interchange, services
from consult.meetings.calendar import calendar_response
from consult.meetings.forms import MeetingForm, MeetingImportConfirmForm, MeetingImportForm, NewMeetingForm
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


# Import and export ---------------------------------------------------------------------------


@bp.route("/consultations/<int:consultation_id>/meetings/import", methods=["GET", "POST"])
@login_required
def import_file(consultation_id: int):
    """Choose a file (JSON or CSV): its problems, each with its place, or a preview to confirm.
    Nothing is written here."""
    consultation = get_or_404(Consultation, consultation_id)
    if not can_edit_meetings(current_user, consultation):
        abort(403)
    form = MeetingImportForm()
    problems, preview, confirm_form = [], None, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            doc = imports.read(upload.read(imports.MAX_BYTES + 1), upload.filename or "", consultation,
                               form.title.data, form.date.data)
        except ServiceError as exc:
            attach_to_form(form, exc)
        except imports.InvalidDocument as exc:
            problems = exc.problems
            form.file.errors = [ngettext("The file has %(num)d problem; nothing was imported.",
                                         "The file has %(num)d problems; nothing was imported.", len(problems))]
        else:
            preview = imports.preview(doc)
            confirm_form = MeetingImportConfirmForm(formdata=None, document=imports.sign(doc))
    status = 422 if request.method == "POST" and preview is None else 200
    return render_template("meetings/import.html", form=form, consultation=consultation, problems=problems,
                           preview=preview, confirm_form=confirm_form,
                           csv_columns=", ".join(str(csvfile.HEADINGS[c]) for c in csvfile.COLUMNS)), status


@bp.post("/consultations/<int:consultation_id>/meetings/import/confirm")
@login_required
def import_confirm(consultation_id: int):
    """Write the previewed meeting (checked again), then go to it."""
    consultation = get_or_404(Consultation, consultation_id)
    if not can_edit_meetings(current_user, consultation):
        abort(403)
    form = MeetingImportConfirmForm()
    if not form.validate_on_submit():
        flash(_("The preview has expired or is not valid: choose the file again."), "error")
        return redirect(url_for("meetings.import_file", consultation_id=consultation.id), 303)

    def refused(exc):
        messages = [exc.message] if isinstance(exc, ServiceError) else [str(p) for p in exc.problems]
        flash(_("Nothing was imported: %(reasons)s", reasons="; ".join(messages)), "error")
        return redirect(url_for("meetings.import_file", consultation_id=consultation.id), 303)

    def done(meeting):
        flash(_("Meeting imported: “%(title)s”.", title=meeting.title), "success")
        return redirect(url_for("pages.meeting", meeting_id=meeting.id), 303)

    return commit_or_refuse(
        lambda: imports.confirm(imports.unsign(form.document.data), consultation, current_user),
        done=done, refused=refused, refusals=(ServiceError, imports.InvalidDocument))


@bp.get("/meetings/<int:meeting_id>/export.<any(json, csv):fmt>")
@login_required
def export_file(meeting_id: int, fmt: str):
    """The meeting as consult-meeting/1 JSON or as a CSV of its entries, for its staff."""
    meeting = get_or_404(Meeting, meeting_id)
    if not can_view_board(current_user, meeting.consultation):
        abort(403)
    name = f"{meeting.date.isoformat()}-{slugify(meeting.title, max_length=80, word_boundary=True)}.{fmt}"
    if fmt == "json":
        body = interchange.dumps(interchange.export_meeting(meeting)).encode("utf-8")
        return file_response(body, name, "application/json", **{"Cache-Control": "no-store"})
    return file_response(csvfile.export_csv(meeting), name, "text/csv; charset=utf-8",
                         **{"Cache-Control": "no-store"})
