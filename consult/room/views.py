"""The room contributes: the phone's page (no account), the QR code, and the facilitators'
queue beside each section of the board.

Every decision is a POST that works as a plain form (303 back to the board, at the section)
and as an htmx request (the answer carries the queue's changes since the room revision the
board has seen, like the board's own poll: ``queue``)."""

from __future__ import annotations

import io
import secrets
import uuid

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.core.errors import ServiceError, attach_to_form
from consult.core.i18n import lang_kw
from consult.core.labels import section_name
from consult.core.permissions import can_edit_meetings, can_view_board
from consult.core.urls import external_url
from consult.core.views import commit_or_refuse, flash_undo, get_or_404
from consult.extensions import csrf, htmx
from consult.meetings.models import Meeting
from consult.meetings.services import entry_nodes
from consult.room import limits, services
from consult.room.forms import ContributionForm
from consult.room.models import Contribution

bp = Blueprint("room", __name__)

PRIVATE = {"Cache-Control": "private, no-store"}


def room_url(meeting: Meeting) -> str:
    """The short link the projector shows (on PUBLIC_URL, never the request's host)."""
    return external_url("room.contribute", code=meeting.room_code)


# The phone -------------------------------------------------------------------------------------


def _device() -> str:
    """The phone's random id, kept in its session cookie: what the limits count by."""
    if "room_device" not in session:
        session["room_device"] = secrets.token_urlsafe(16)
    return session["room_device"]


@bp.route("/r/<code>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so that an expired one keeps what was typed
def contribute(code: str):
    """A participant sends an idea to a section (the one being written, by default)."""
    meeting = services.meeting_by_code(code)
    if meeting is None:
        abort(404)
    sections = services.sections(meeting)
    form = ContributionForm()
    form.section.choices = [(str(s.id), section_name(s)) for s in sections]
    form.section.render_kw = lang_kw(meeting)

    def page(status: int = 200, retry_after: int | None = None):
        headers = dict(PRIVATE)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return render_template("room/contribute.html", meeting=meeting, form=form, retry_after=retry_after,
                               expired=bool(form.csrf_token.errors), closed=services.closed_reason(meeting)),\
            status, headers

    if request.method == "GET" or services.closed_reason(meeting):
        if request.method == "GET":
            chosen = session.get("room_section")
            form.section.data = str(chosen if chosen in {s.id for s in sections} else
                                    meeting.active_section_id or (sections[0].id if sections else ""))
            form.client_key.data = uuid.uuid4().hex
        return page(200 if request.method == "GET" else 409)
    if not form.validate_on_submit():
        return page(400 if form.csrf_token.errors else 422)
    device = _device()
    if form.website.data:  # a bot: answered as a person would be; nothing is kept
        flash(_("Thank you! Your idea has reached the facilitators."), "success")
        return redirect(url_for(".contribute", code=meeting.room_code), 303)
    wait = limits.attempt(meeting.id, services.device_hash(device, meeting))
    if wait is not None:
        return page(429, retry_after=wait)

    def done(contribution: Contribution):
        session["room_section"] = contribution.section_id
        flash(_("Thank you! Your idea has reached the facilitators; it appears on the screen when they "
                "accept it."), "success")
        return redirect(url_for(".contribute", code=meeting.room_code), 303)

    def refused(exc: ServiceError):
        attach_to_form(form, exc)
        return page(exc.status)

    return commit_or_refuse(
        lambda: services.contribute(meeting, form.section.data, form.text.data, device, form.client_key.data),
        done=done, refused=refused)


# The facilitators ------------------------------------------------------------------------------


def _meeting(meeting_id: int, edit: bool = True) -> Meeting:
    meeting = get_or_404(Meeting, meeting_id)
    allowed = can_edit_meetings if edit else can_view_board
    if not allowed(current_user, meeting.consultation):
        abort(403)
    return meeting


def _since() -> int | None:
    value = request.values.get("room_since", "")
    return int(value) if value.isascii() and value.isdigit() and int(value) < 2**31 else None


def _delta(meeting: Meeting, since: int | None, **extra):
    """The queue's changes after ``since`` as out-of-band swaps, and the poll's next state."""
    revision = services.room_revision(meeting.id)
    changed = services.changed_since(meeting, since) if since is not None else []
    pending = services.pending(meeting)
    touched = {c.section_id for c in changed}
    return render_template("room/_delta.html", meeting=meeting, changed=changed, since=since,
                           counts={sid: len(pending.get(sid, [])) for sid in touched},
                           room_revision=revision, **extra), 200, PRIVATE


@bp.get("/meetings/<int:meeting_id>/room/queue")
@login_required
def queue(meeting_id: int):
    """The board's poll of the queue: 204 when nothing changed after ``room_since``."""
    since = _since()
    meeting = _meeting(meeting_id)
    if since is not None and services.room_revision(meeting.id) == since:
        return "", 204
    if since is None:
        return "", 200, {"HX-Refresh": "true"}
    return _delta(meeting, since)


def _answer(meeting: Meeting, section_id: int | None, message: str | None = None, **extra):
    if htmx:
        return _delta(meeting, _since(), announcement=message, **extra)
    if message:
        flash(message, "success")
    anchor = f"#room-queue-{section_id}" if section_id else "#room-heading"
    return redirect(url_for("capture.board", meeting_id=meeting.id) + anchor, 303)


def _refused(meeting: Meeting, section_id: int | None):
    def refused(exc: ServiceError):
        if htmx:
            return _delta(meeting, _since(), announcement=exc.message)
        flash(exc.message, "error")
        return redirect(url_for("capture.board", meeting_id=meeting.id) + f"#room-queue-{section_id}", 303)
    return refused


@bp.post("/meetings/<int:meeting_id>/room/state")
@login_required
def set_state(meeting_id: int):
    meeting = _meeting(meeting_id)
    is_open = request.form.get("open") == "1"

    def done(_changed):
        return _answer(meeting, None, _("The room can send ideas now.") if is_open
                       else _("The input from the room is closed."), panel=True)

    return commit_or_refuse(lambda: services.set_open(meeting, current_user, is_open), done=done,
                            refused=_refused(meeting, None))


def _contribution(meeting: Meeting, contribution_id: int) -> Contribution:
    try:
        return services.contribution_of(meeting, contribution_id)
    except ServiceError:
        abort(404)


@bp.post("/meetings/<int:meeting_id>/room/<int:contribution_id>/accept")
@login_required
def accept(meeting_id: int, contribution_id: int):
    meeting = _meeting(meeting_id)
    found = _contribution(meeting, contribution_id)
    section_id = found.section_id
    return commit_or_refuse(
        lambda: services.accept(meeting, found, current_user, request.form.get("text")),
        done=lambda change: _answer(meeting, section_id, _("The idea is now an entry of its section.")),
        refused=_refused(meeting, section_id))


@bp.post("/meetings/<int:meeting_id>/room/<int:contribution_id>/dismiss")
@login_required
def dismiss(meeting_id: int, contribution_id: int):
    meeting = _meeting(meeting_id)
    found = _contribution(meeting, contribution_id)
    section_id = found.section_id
    undo = url_for(".undismiss", meeting_id=meeting.id, contribution_id=found.id)

    def done(_result):
        if htmx:
            return _delta(meeting, _since(), announcement=_("The idea is dismissed."), undo=(found, undo))
        flash_undo(_("The idea is dismissed."), undo)
        return redirect(url_for("capture.board", meeting_id=meeting.id) + f"#room-queue-{section_id}", 303)

    return commit_or_refuse(lambda: services.dismiss(found, current_user), done=done,
                            refused=_refused(meeting, section_id))


@bp.post("/meetings/<int:meeting_id>/room/<int:contribution_id>/undismiss")
@login_required
def undismiss(meeting_id: int, contribution_id: int):
    meeting = _meeting(meeting_id)
    found = _contribution(meeting, contribution_id)
    return commit_or_refuse(
        lambda: services.undismiss(found, current_user),
        done=lambda _result: _answer(meeting, found.section_id, _("The idea is back in the queue.")),
        refused=_refused(meeting, found.section_id))


@bp.route("/meetings/<int:meeting_id>/room/<int:contribution_id>/merge", methods=["GET", "POST"])
@login_required
def merge(meeting_id: int, contribution_id: int):
    """Merging an idea into an entry that says it already: the section's entries to choose
    from, on a page of its own (a section may hold hundreds)."""
    meeting = _meeting(meeting_id)
    found = _contribution(meeting, contribution_id)
    if request.method == "POST":
        def done(entry):
            flash(_("The idea is merged into an entry."), "success")
            return redirect(url_for("capture.board", meeting_id=meeting.id) + f"#entry-{entry.id}", 303)

        def refused(exc: ServiceError):
            return render_template("room/merge.html", meeting=meeting, contribution=found,
                                   nodes=entry_nodes(meeting.id, {found.section_id}).get(found.section_id, []),
                                   error=exc.message), exc.status

        if request.form.get("entry_id"):
            return commit_or_refuse(lambda: services.merge(meeting, found, current_user, request.form["entry_id"]),
                                    done=done, refused=refused)
        return refused(ServiceError(_("Choose the entry the idea is merged into.")))
    return render_template("room/merge.html", meeting=meeting, contribution=found,
                           nodes=entry_nodes(meeting.id, {found.section_id}).get(found.section_id, []), error=None)


@bp.get("/meetings/<int:meeting_id>/room/qr.svg")
@login_required
def qr_code(meeting_id: int):
    """The QR code of the room's short link, made here (segno), for the projector."""
    meeting = _meeting(meeting_id, edit=False)
    if not meeting.room_code:
        abort(404)
    out = io.BytesIO()
    segno.make(room_url(meeting), error="m").save(out, kind="svg", scale=8, border=2, dark="#000",
                                                  light="#fff", xmldecl=False, title=room_url(meeting))
    return out.getvalue(), 200, {"Content-Type": "image/svg+xml", "Cache-Control": "private, max-age=300"}


# What the board's templates read ---------------------------------------------------------------


@bp.app_context_processor
def room_helpers():
    """The queue of a section, read once per request (the board page, its changes)."""
    from flask import g

    def room_queue(meeting: Meeting, section_id: int) -> list[Contribution]:
        if "room_pending" not in g:
            g.room_pending = services.pending(meeting)
        return g.room_pending.get(section_id, [])

    return {"room_queue": room_queue, "room_url": room_url}
