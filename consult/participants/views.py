"""Registering for a meeting (public), the private page of a registration, and the meeting's
participants for its staff: registrations, attendance and the sign-in sheet."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from consult.consultations.loaders import public_consultation
from consult.core.errors import ServiceError, attach_to_form
from consult.core.permissions import can_edit_meetings
from consult.core.views import commit_or_refuse, file_response, flash_undo, get_or_404, invalid_link
from consult.extensions import csrf
from consult.meetings.models import Meeting
from consult.participants import mail, services, sheet
from consult.participants.forms import AttendeeForm, CancelForm, PresentForm, RegistrationForm
from consult.participants.models import Attendee, Registration
from consult.remarks import limits

bp = Blueprint("participants", __name__)

PRIVATE = {"Cache-Control": "private, no-store"}


def _public_meeting(slug: str, meeting_id: int) -> Meeting:
    consultation = public_consultation(slug)
    meeting = get_or_404(Meeting, meeting_id)
    if meeting.consultation_id != consultation.id:
        abort(404)
    return meeting


@bp.route("/public/<slug>/meetings/<int:meeting_id>/register", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so that an expired one keeps what was typed
def register(slug: str, meeting_id: int):
    """The registration form of a meeting: a place is taken at once (the cap is kept
    atomically), and the confirmation e-mail brings the calendar file and the cancel link."""
    meeting = _public_meeting(slug, meeting_id)
    form = RegistrationForm()

    def page(status=200, retry_after: int | None = None):
        headers = dict(PRIVATE)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return render_template("participants/register.html", meeting=meeting, consultation=meeting.consultation,
                               form=form, closed=services.closed_reason(meeting), retry_after=retry_after,
                               expired=bool(form.csrf_token.errors)), status, headers

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        expired = bool(form.csrf_token.errors)
        return page(400 if expired else 422)
    if form.website.data:  # a bot: it is told what a person would be, and nothing is kept
        return render_template("participants/registered.html", meeting=meeting,
                               consultation=meeting.consultation, mailed=True, again=False), 200, PRIVATE
    wait = limits.attempt("REGISTRATION_RATE_LIMIT", "registration")
    if wait is not None:
        return page(429, retry_after=wait)

    def register():
        registered = services.register(meeting, form.data)
        return registered, mail.confirmation(registered)  # into the outbox, with the registration

    def done(result: tuple[services.Registered, bool]):
        registered, mailed = result
        return render_template("participants/registered.html", meeting=meeting, consultation=meeting.consultation,
                               mailed=mailed, again=registered.again), 200, PRIVATE

    def refused(exc):
        attach_to_form(form, exc)
        return page(409)

    return commit_or_refuse(register, done=done, refused=refused,
                            refusals=(ServiceError, IntegrityError))


def _by_token(token: str) -> Registration:
    g.no_referrer = True  # its address is the secret: named to no page it links to
    registration = services.by_token(token)
    if registration is None:
        abort(invalid_link())
    return registration


@bp.route("/public/registration/<token>", methods=["GET", "POST"])
def registration(token: str):
    """The private page of a registration: what was given, and a button to cancel it
    (opening the link cancels nothing: a mail scanner may follow it)."""
    found = _by_token(token)
    form = CancelForm()
    if request.method == "POST" and form.validate_on_submit():
        def done(cancelled: bool):
            flash(_("Your registration has been cancelled. Thank you for letting us know: "
                    "the place is free for someone else.") if cancelled
                  else _("This registration had already been cancelled."), "success")
            return redirect(url_for(".registration", token=token), 303)

        return commit_or_refuse(lambda: services.cancel(found), done=done, refused=lambda exc: abort(409))
    response = current_app.make_response((render_template(
        "participants/registration.html", registration=found, meeting=found.meeting,
        consultation=found.meeting.consultation, form=form,
        past=found.meeting.date < services.today()), 200 if request.method == "GET" else 400))
    response.headers.update(PRIVATE)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# The meeting's staff ---------------------------------------------------------------------------


def _staff_meeting(meeting_id: int) -> Meeting:
    """Registrations and attendance hold personal data: the meeting's facilitators and
    admins only."""
    meeting = get_or_404(Meeting, meeting_id)
    if not can_edit_meetings(current_user, meeting.consultation):
        abort(403)
    return meeting


def _page(meeting: Meeting, status: int = 200, **forms):
    registrations = services.registrations(meeting)
    attendees = services.attendees(meeting)  # read once: the list and who of the registered is on it
    listed = {a.registration_id for a in attendees if a.registration_id}
    present = forms.pop("present_form", None) or PresentForm(formdata=None, present=sorted(listed))
    present.present.choices = [(r.id, r.organisation) for r in registrations if r.active]
    return render_template(
        "participants/meeting.html", meeting=meeting, consultation=meeting.consultation,
        registrations=registrations, attendees=attendees, listed=listed,
        present_form=present, attendee_form=forms.pop("attendee_form", None) or AttendeeForm(formdata=None),
        today=services.today()), status, PRIVATE


@bp.get("/meetings/<int:meeting_id>/participants")
@login_required
def meeting_page(meeting_id: int):
    return _page(_staff_meeting(meeting_id))


def _back(meeting: Meeting, anchor: str):
    return redirect(url_for(".meeting_page", meeting_id=meeting.id, _anchor=anchor), 303)


@bp.post("/meetings/<int:meeting_id>/participants/present")
@login_required
def set_present(meeting_id: int):
    meeting = _staff_meeting(meeting_id)
    form = PresentForm()
    if not form.validate_on_submit():
        return _page(meeting, 400, present_form=form)

    def done(changes: tuple[int, int]):
        flash(_("Attendance saved: %(added)s, %(removed)s.",
                added=ngettext("%(num)d person marked present", "%(num)d people marked present", changes[0]),
                removed=ngettext("%(num)d taken off the list", "%(num)d taken off the list", changes[1])),
              "success")
        return _back(meeting, "attendance")

    return commit_or_refuse(lambda: services.set_present(meeting, set(form.present.data or []), current_user),
                            done=done, refused=lambda exc: abort(409))


@bp.post("/meetings/<int:meeting_id>/participants/attendees")
@login_required
def add_attendee(meeting_id: int):
    meeting = _staff_meeting(meeting_id)
    form = AttendeeForm()
    if not form.validate_on_submit():
        return _page(meeting, 422, attendee_form=form)

    def done(attendee: Attendee):
        flash(_("%(who)s added to the attendance list.", who=attendee.name or attendee.organisation), "success")
        return _back(meeting, "add-attendee")

    return commit_or_refuse(
        lambda: services.add_attendee(meeting, form.organisation.data, form.name.data, current_user),
        done=done, refused=lambda exc: _page(meeting, 422, attendee_form=form))


@bp.post("/meetings/<int:meeting_id>/participants/attendees/<int:attendee_id>/delete")
@login_required
def remove_attendee(meeting_id: int, attendee_id: int):
    meeting = _staff_meeting(meeting_id)
    attendee = get_or_404(Attendee, attendee_id)
    if attendee.meeting_id != meeting.id or not CancelForm().validate_on_submit():
        abort(404 if attendee.meeting_id != meeting.id else 400)
    who = attendee.name or attendee.organisation

    def done(_result):
        flash(_("%(who)s taken off the attendance list.", who=who), "success")
        return _back(meeting, "attendance")

    return commit_or_refuse(lambda: services.remove_attendee(attendee), done=done, refused=lambda exc: abort(409))


def _registration(meeting: Meeting, registration_id: int) -> Registration:
    """A registration of this meeting (404 for another's), by a form with its token."""
    found = get_or_404(Registration, registration_id)
    if found.meeting_id != meeting.id:
        abort(404)
    if not CancelForm().validate_on_submit():
        abort(400)
    return found


@bp.post("/meetings/<int:meeting_id>/participants/registrations/<int:registration_id>/cancel")
@login_required
def cancel_registration(meeting_id: int, registration_id: int):
    meeting = _staff_meeting(meeting_id)
    found = _registration(meeting, registration_id)

    def done(cancelled: bool):
        if cancelled:
            flash_undo(_("The registration of %(who)s is cancelled; the place is free.", who=found.name),
                       url_for(".restore_registration", meeting_id=meeting.id, registration_id=found.id))
        else:
            flash(_("This registration had already been cancelled."), "info")
        return _back(meeting, "registrations")

    return commit_or_refuse(lambda: services.cancel(found, current_user), done=done,
                            refused=lambda exc: abort(409))


@bp.post("/meetings/<int:meeting_id>/participants/registrations/<int:registration_id>/restore")
@login_required
def restore_registration(meeting_id: int, registration_id: int):
    """Undo of a cancellation by staff: the registration is active again if a place is free."""
    meeting = _staff_meeting(meeting_id)
    found = _registration(meeting, registration_id)

    def done(restored: bool):
        flash(_("The registration of %(who)s is active again.", who=found.name), "success")
        return _back(meeting, "registrations")

    def refused(exc: ServiceError):
        flash(exc.message, "error")
        return _back(meeting, "registrations")

    return commit_or_refuse(lambda: services.restore(found, current_user), done=done, refused=refused)


@bp.get("/meetings/<int:meeting_id>/participants/sign-in-sheet.pdf")
@login_required
def sign_in_sheet(meeting_id: int):
    """The printable sign-in sheet ("lista obecności"): the registered, then empty rows."""
    meeting = _staff_meeting(meeting_id)
    body = sheet.render(meeting)
    return file_response(body, sheet.file_name(meeting), "application/pdf", **PRIVATE)
