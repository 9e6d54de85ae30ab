"""The capture board, its live updates and the projector view.

Every change is a POST that works as a plain form (303 back to the board) and as an htmx
request (the answer carries the board's updates since the revision the browser has seen).
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy.orm.exc import StaleDataError

from consult.capture import services
from consult.capture.forms import KIND_CHOICES, PartForm, SectionForm
from consult.capture.rendering import board_context, board_relative, changes_context, entry_labels
from consult.core.errors import ServiceError, attach_to_form
from consult.core.i18n import in_language
from consult.core.labels import excerpt
from consult.core.permissions import can_edit_meetings, can_view_board
from consult.core.views import commit_or_refuse, flash_undo, get_or_404
from consult.extensions import db, htmx
from consult.meetings.forms import MeetingForm
from consult.meetings.models import MAX_ENTRY_DEPTH, Meeting
from consult.meetings.services import entry_nodes, entry_number

bp = Blueprint("capture", __name__, url_prefix="/meetings/<int:meeting_id>")
# new_client_key: a plain form submitted twice (no JavaScript) still makes one entry.
# The board's templates (and only they: its requests) get the labels of the entry controls.
bp.context_processor(lambda: {
    "entry_labels": entry_labels, "new_client_key": lambda: uuid4().hex, "board_relative": board_relative,
    # The add-section form of a part, empty (see _section_form.html).
    "new_section_form": lambda part_id, planes, priorities: SectionForm(
        formdata=None, prefix=f"section-{part_id}", planes=planes, priorities=priorities)})


def _meeting(meeting_id: int, edit: bool) -> Meeting:
    meeting = get_or_404(Meeting, meeting_id)  # 404 for ids beyond INTEGER, too
    allowed = can_edit_meetings if edit else can_view_board
    if not allowed(current_user, meeting.consultation):
        abort(403)
    return meeting


def _since() -> int | None:
    """The revision the page has seen; None when it sent none, or none a revision can be
    ("²" passes isdigit() but not int(); the database compares revisions as INTEGER)."""
    value = request.values.get("since", "")
    return int(value) if value.isascii() and value.isdigit() and int(value) < 2**31 else None


def _board_url(meeting: Meeting, anchor: str | None = None) -> str:
    return url_for("capture.board", meeting_id=meeting.id) + (f"#{anchor}" if anchor else "")


def _message(text: str, status: int, category: str = "error"):
    """For htmx: a message in the board's live region, and no other swap."""
    return (render_template("capture/_message.html", text=text, category=category), status,
            {"HX-Reswap": "none"})


def _quoting(message: str, text: str, change: services.Change) -> Markup:
    """A sentence of the interface (its placeholder %(text)s not filled in yet) quoting an
    entry's words, which are marked with the consultation's language when it differs."""
    return Markup(escape(message)) % {"text": in_language(text, change.entry.section.part.meeting)}


def _write(meeting_id: int, operation: Callable[[Meeting], services.Change],
           anchor: Callable[[services.Change], str | None] = lambda c: None,
           done: str | None = None, extra: Callable[[services.Change], dict] = lambda c: {},
           undo_url: str | None = None, refused_first: Callable[[Exception], object] = lambda exc: None):
    """Load → check → run the service → commit → answer (updates for htmx, 303 otherwise).
    ``refused_first(exc)``: a view's own answer to a refusal (None: the usual message)."""
    meeting = _meeting(meeting_id, edit=True)
    since = _since()

    def refused(exc: Exception):
        own = refused_first(exc)
        if own is not None:
            return own
        if isinstance(exc, services.Conflict):
            return _conflict(meeting, exc)
        if isinstance(exc, StaleDataError):
            message, status = _("Someone changed this entry at the same moment; look and try again."), 409
        else:
            message, status = exc.message, exc.status
        if htmx:
            return _message(message, status)
        flash(message, "error")
        return redirect(_board_url(meeting), 303)

    def answer(change: services.Change):
        if htmx:
            return render_template("capture/_changes.html", **extra(change),
                                   **changes_context(meeting, since, current_user, change=change,
                                                     editable=True))  # it could write
        if done and undo_url:
            flash_undo(done, undo_url)
        elif done:
            flash(done, "success")
        return redirect(_board_url(meeting, anchor(change)), 303)

    return commit_or_refuse(lambda: operation(meeting), done=answer, refused=refused,
                            refusals=(ServiceError, services.Conflict, StaleDataError))


def _conflict(meeting: Meeting, exc: services.Conflict):
    entry = db.session.get(type(exc.entry), exc.entry.id)
    context = {"meeting": meeting, "entry": entry, "mine": exc.mine, "mine_kind": exc.mine_kind}
    if htmx:  # in place of the editor that was saving
        return render_template("capture/_conflict.html", **context), 409, {
            "HX-Retarget": f"#entry-{entry.id} > .entry__body", "HX-Reswap": "innerHTML"}
    return render_template("capture/conflict.html", **context), 409


# Pages ---------------------------------------------------------------------------------


def _js_strings() -> dict[str, str]:
    """What the board script (static/js/board/) says to people, translated (``%(n)s`` is filled in by the script)."""
    return {
        "pending": _("Not saved yet: %(n)s – retrying."),
        "offline": _("Offline: %(n)s not saved – kept here and sent when the connection is back."),
        "login": _("Your session has ended: %(n)s not saved – kept here."),
        "login_link": _("Log in again (opens a new window)"),
        "pending_label": _("Entries not saved yet"),
        "retry": _("Retry now"),
        "back_to_input": _("Back to the input"),
        "saving": _("saving…"),
        "not_saved": _("not saved – retrying"),
        "not_saved_login": _("not saved – log in again"),
        "refused": _("not saved:"),
        "saved": _("Entry saved."),
        # Changes made by others, announced politely (%(n)s: the entry's text and section).
        "announce_new": _("New entry: %(n)s."),
        "announce_changed": _("Entry changed: %(n)s."),
        "announce_removed": _("Entries removed: %(n)s."),
        "announce_many": _("The board was updated by another facilitator."),
        "subpoint_of": _("(sub-point of entry %(n)s)"),
        "max_depth": services.depth_limit(),
    }


def _board_page(meeting: Meeting, details_form: MeetingForm | None = None,
                part_form: PartForm | None = None, status: int = 200, **forms):
    editable = can_edit_meetings(current_user, meeting.consultation)
    if details_form is None:
        details_form = MeetingForm(formdata=None, obj=meeting)
        details_form.agenda.data = "\n".join(meeting.agenda)
    return render_template("capture/board.html", kind_choices=KIND_CHOICES,
                           details_form=details_form, js_strings=_js_strings(), max_depth=MAX_ENTRY_DEPTH,
                           part_form=part_form or PartForm(formdata=None, prefix="part"),
                           **forms, **board_context(meeting, editable)), status


@bp.get("/board")
@login_required
def board(meeting_id: int):
    return _board_page(_meeting(meeting_id, edit=False))


@bp.get("/projector")
@login_required
def projector(meeting_id: int):
    meeting = _meeting(meeting_id, edit=False)
    theme = "light" if request.args.get("theme") == "light" else "dark"
    return render_template("capture/projector.html", theme=theme, js_strings=_js_strings(),
                           **board_context(meeting, editable=False))


@bp.get("/board/changes")
def changes(meeting_id: int):
    """What changed after revision ``since``; 204 when nothing did. Every open board asks
    this every second: "nothing changed" is one statement (the revision, the session's
    account and its right to see the board), before anything else is loaded."""
    since = _since()
    if since is not None and services.nothing_changed(meeting_id, session.get("_user_id"), since):
        return "", 204
    return _changes(meeting_id, since)


@login_required
def _changes(meeting_id: int, since: int | None):
    meeting = _meeting(meeting_id, edit=False)
    revision = meeting.revision  # just read
    if since is not None and since == revision:
        return "", 204
    if since is None or since > revision:
        return "", 200, {"HX-Refresh": "true"}  # the browser is lost: reload the page
    view = "projector" if request.args.get("view") == "projector" else "board"
    editable = view == "board" and can_edit_meetings(current_user, meeting.consultation)
    return render_template("capture/_changes.html",
                           **changes_context(meeting, since, current_user, view=view,
                                             editable=editable))


def _entry_or_404(meeting: Meeting, entry_id: int):
    try:
        return services.entry_of(meeting, entry_id)
    except ServiceError:
        abort(404)


@bp.get("/entries/<int:entry_id>/history")
@login_required
def history(meeting_id: int, entry_id: int):
    meeting = _meeting(meeting_id, edit=False)
    try:
        entry, revisions = services.history(meeting, entry_id)
    except ServiceError:
        abort(404)
    template = "capture/_history.html" if htmx else "capture/history.html"
    return render_template(template, meeting=meeting, entry=entry, revisions=revisions)


@bp.get("/entries/<int:entry_id>/edit")
@login_required
def edit_entry_form(meeting_id: int, entry_id: int):
    meeting = _meeting(meeting_id, edit=True)
    entry = _entry_or_404(meeting, entry_id)
    template = "capture/_entry_edit.html" if htmx else "capture/entry_edit.html"
    return render_template(template, meeting=meeting, entry=entry, text=entry.text)


@bp.get("/entries/<int:entry_id>/move")
@login_required
def move_entry_form(meeting_id: int, entry_id: int):
    meeting = _meeting(meeting_id, edit=True)
    entry = _entry_or_404(meeting, entry_id)
    return render_template("capture/move.html", meeting=meeting, entry=entry,
                           parts=board_context(meeting, editable=False)["parts"])


@bp.get("/entries/<int:entry_id>/actions")
@login_required
def entry_actions(meeting_id: int, entry_id: int):
    """An entry's actions as plain forms: where its link on the board leads without the
    board's script (with it, they are the board's one toolbar)."""
    meeting = _meeting(meeting_id, edit=True)
    entry = _entry_or_404(meeting, entry_id)
    number = entry_number(entry_nodes(meeting.id, {entry.section_id})[entry.section_id], entry.id)
    return render_template("capture/entry_actions.html", meeting=meeting, entry=entry,
                           number=number, kinds=entry_labels()["kinds"])


@bp.get("/entries/<int:entry_id>")
@login_required
def entry_view(meeting_id: int, entry_id: int):
    """The entries list of the entry's section (htmx: what closing an editor swaps in)."""
    meeting = _meeting(meeting_id, edit=False)
    entry = _entry_or_404(meeting, entry_id)
    return render_template("capture/_entries.html", meeting=meeting, section=entry.section,
                           entries=entry_nodes(meeting.id, {entry.section_id})[entry.section_id],
                           editable=can_edit_meetings(current_user, meeting.consultation))


# Entries -------------------------------------------------------------------------------


@bp.post("/board/entries")
@login_required
def add_entry(meeting_id: int):
    form = request.form
    typed_by = form.get("typed_by")
    if typed_by and typed_by != str(current_user.id):
        # A draft from the board's outbox, typed by someone else who was logged in on this
        # browser: never saved under another person's account.
        message = _("This entry was typed by another person logged in on this browser; it "
                    "was not saved under your account.")
        if htmx:
            return _message(message, 403)
        abort(403)
    return _write(meeting_id, lambda m: services.add_entry(
        m, current_user, form.get("section_id"), form.get("text"), form.get("kind"),
        form.get("parent_id"), form.get("client_key")),
        anchor=lambda c: f"section-{c.entry.section_id}")


@bp.post("/entries/<int:entry_id>")
@login_required
def edit_entry(meeting_id: int, entry_id: int):
    form = request.form
    return _write(meeting_id, lambda m: services.edit_entry(
        m, current_user, entry_id, form.get("text"), form.get("version"), form.get("kind")),
        anchor=lambda c: f"entry-{entry_id}", done=_("Entry saved."))


@bp.post("/entries/<int:entry_id>/kind")
@login_required
def set_kind(meeting_id: int, entry_id: int):
    return _write(meeting_id, lambda m: services.set_kind(m, current_user, entry_id, request.form.get("kind")),
                  anchor=lambda c: f"entry-{entry_id}")


@bp.post("/entries/<int:entry_id>/delete")
@login_required
def delete_entry(meeting_id: int, entry_id: int):
    undo_url = url_for("capture.restore_entry", meeting_id=meeting_id, entry_id=entry_id)

    def undo(change: services.Change) -> dict:  # for htmx: Undo in the entry's place, said
        what = excerpt(change.entry.text)
        return {"undo_url": undo_url, "undo_entry": change.entry, "undo_excerpt": what,
                "announcement": _quoting(_(
                    "Entry deleted: „%(text)s”. To bring it back, use Undo in its place or "
                    "press Ctrl+Z."), what, change)}

    # Only a delete that happened offers Undo (a refused one redirects with its message).
    return _write(meeting_id, lambda m: services.delete_entry(m, current_user, entry_id),
                  anchor=lambda c: f"section-{c.entry.section_id}", extra=undo,
                  done=_("Entry deleted."), undo_url=undo_url)  # with an Undo button


@bp.post("/entries/<int:entry_id>/restore")
@login_required
def restore_entry(meeting_id: int, entry_id: int):
    return _write(meeting_id, lambda m: services.restore_entry(m, current_user, entry_id),
                  anchor=lambda c: f"entry-{entry_id}", done=_("Entry restored."),
                  extra=lambda c: {"announcement": _quoting(_("Entry restored: „%(text)s”."),
                                                        excerpt(c.entry.text), c)})


@bp.post("/entries/<int:entry_id>/move")
@login_required
def move_entry(meeting_id: int, entry_id: int):
    form = request.form
    if form.get("direction"):
        operation = lambda m: services.move_entry(m, current_user, entry_id,  # noqa: E731
                                                  direction=form.get("direction"))
    else:
        operation = lambda m: services.move_entry(m, current_user, entry_id,  # noqa: E731
                                                  section_id=form.get("section_id"),
                                                  position=form.get("position"))
    return _write(meeting_id, operation, anchor=lambda c: f"entry-{entry_id}")


@bp.post("/entries/<int:entry_id>/indent")
@login_required
def indent_entry(meeting_id: int, entry_id: int):
    return _write(meeting_id, lambda m: services.indent_entry(m, current_user, entry_id),
                  anchor=lambda c: f"entry-{entry_id}")


@bp.post("/entries/<int:entry_id>/outdent")
@login_required
def outdent_entry(meeting_id: int, entry_id: int):
    return _write(meeting_id, lambda m: services.outdent_entry(m, current_user, entry_id),
                  anchor=lambda c: f"entry-{entry_id}")


# Structure and details -----------------------------------------------------------------


@bp.post("/board/parts")
@login_required
def add_part(meeting_id: int):
    form = PartForm(prefix="part")
    if not form.validate():
        return _refuse(meeting_id, form, part_form=form)
    return _write(meeting_id, lambda m: services.add_part(m, current_user, form.heading.data,
                                                          form.question.data),
                  anchor=lambda c: f"part-{next(iter(c.parts))}", done=_("Part added."))


@bp.post("/board/sections")
@login_required
def add_section(meeting_id: int):
    meeting = _meeting(meeting_id, edit=True)
    part_id = request.form.get("part_id", "")
    form = SectionForm(prefix=f"section-{part_id}", planes=meeting.consultation.planes,
                       priorities=meeting.consultation.sorted_priorities)
    form.validate()
    subject = form.subject()
    if subject.pop("about") is None:
        form.about.errors = [*form.about.errors, _("Choose in the list what the section is about.")]
    if form.errors:
        return _section_refused(meeting, part_id, form)

    def at_field(exc: Exception):  # what the form can show at its fields, it shows there
        if isinstance(exc, ServiceError) and exc.field in form._fields:
            attach_to_form(form, exc)
            return _section_refused(meeting, part_id, form)
        return None

    return _write(meeting_id, lambda m: services.add_section(
        m, current_user, part_id, label=form.label.data, **subject),
        anchor=lambda c: f"section-{next(iter(c.sections))}", done=_("Section added."),
        refused_first=at_field)


def _section_refused(meeting: Meeting, part_id: str, form: SectionForm):
    """The add-section form again, as typed, with its messages at the fields: in its place
    for htmx, on the whole board without JavaScript."""
    part = services.meeting_part(meeting, part_id)
    if part is None:
        message = _("Choose a part of this meeting.")
        if htmx:
            return _message(message, 404)
        flash(message, "error")
        return redirect(_board_url(meeting), 303)
    context = {"section_form": form, "section_form_part": part.id}
    if htmx:
        consultation = meeting.consultation
        return render_template(
            "capture/_section_form.html", meeting=meeting, part=part, planes=consultation.planes,
            priorities=consultation.sorted_priorities, **context), 422, {
            "HX-Retarget": f"#add-section-{part.id}", "HX-Reswap": "outerHTML"}
    return _board_page(meeting, status=422, **context)


@bp.post("/board/details")
@login_required
def details(meeting_id: int):
    form = MeetingForm()
    if not form.validate():
        return _refuse(meeting_id, form, details_form=form)
    # The board edits the details only; the summary's look is set on the meeting's form.
    data = {**form.data, "agenda": form.agenda_items()}
    del data["show_kinds"]
    return _write(meeting_id, lambda m: services.update_details(m, current_user, data),
                  anchor=lambda c: "meeting-details", done=_("Meeting details saved."))


@bp.post("/board/focus")
@login_required
def focus(meeting_id: int):
    """The section a facilitator is writing in (highlighted on the projector)."""
    return _write(meeting_id, lambda m: services.set_active_section(m, request.form.get("section_id")))


def _refuse(meeting_id: int, form, **forms):
    """Invalid form: for htmx a message (the form keeps what was typed); without JavaScript
    the board again, with the form as typed and its messages at the fields."""
    meeting = _meeting(meeting_id, edit=True)
    message = " ".join(f"{form[name].label.text}: {' '.join(map(str, errors))}"
                       for name, errors in form.errors.items() if name in form._fields)
    if htmx or not forms:
        if htmx:
            return _message(message, 422)
        flash(message, "error")
        return redirect(_board_url(meeting), 303)
    return _board_page(meeting, status=422, **forms)
