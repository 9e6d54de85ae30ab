"""The participants' review: the reviewer's personal page (public, by its link) and the
facilitator's page beside the summary (the meeting's editors)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from consult.capture.services import Conflict
from consult.core.enums import MailKind
from consult.core.errors import ServiceError, attach_to_form
from consult.core.permissions import can_edit_meetings
from consult.core.views import commit_or_refuse, get_or_404, invalid_link
from consult.meetings.models import Meeting
from consult.meetings.services import summary_tree
from consult.outbox import services as outbox
from consult.review import mail, services
from consult.review.forms import AddReviewersForm, OpenReviewForm
from consult.review.models import Review

bp = Blueprint("review", __name__)

PRIVATE = {"Cache-Control": "private, no-store"}


@bp.app_context_processor
def review_helpers():
    """The summary's line about the review (in the language the document is rendered in)."""
    return {"review_line": lambda meeting: services.summary_line(services.outcome(meeting))}


# The reviewer ----------------------------------------------------------------------------------


def _reviewer(token: str):
    g.no_referrer = True  # its address is the secret: named to no page it links to
    found = services.reviewer_by_token(token)
    if found is None:
        abort(invalid_link())
    return found


def _reviewer_page(reviewer, token: str, status: int = 200, error: tuple[str, str] | None = None, typed=None):
    review = reviewer.review
    mine = [c for c in review.comments if c.reviewer_id == reviewer.id]
    response = current_app.make_response((render_template(
        "review/reviewer.html", reviewer=reviewer, review=review, meeting=review.meeting,
        consultation=review.meeting.consultation, tree=summary_tree(review.meeting), token=token,
        mine={c.entry_id: [x for x in mine if x.entry_id == c.entry_id] for c in mine},
        taking=services.accepts_comments(review), error=error, typed=typed or {}), status))
    response.headers.update(PRIVATE)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/public/review/<token>")
def reviewer_page(token: str):
    """The draft summary with a comment form on every entry, and "I approve"."""
    return _reviewer_page(_reviewer(token), token)


@bp.post("/public/review/<token>")
def reviewer_post(token: str):
    reviewer = _reviewer(token)
    if request.form.get("approve"):
        def approved(done: bool):
            flash(_("Thank you: you have approved the summary.") if done
                  else _("You had approved the summary already."), "success")
            return redirect(url_for(".reviewer_page", token=token), 303)

        return commit_or_refuse(lambda: services.approve(reviewer), done=approved,
                                refused=lambda exc: _reviewer_page(reviewer, token, exc.status,
                                                                   ("approve", exc.message)))
    entry_id = request.form.get("entry_id", "")

    def commented(found):
        flash(_("Thank you: your comment has reached the facilitators."), "success")
        anchor = f"#review-entry-{found.entry_id}" if found.entry_id else "#general-comment"
        return redirect(url_for(".reviewer_page", token=token) + anchor, 303)

    def refused(exc: ServiceError):
        return _reviewer_page(reviewer, token, exc.status, (entry_id or "general", exc.message),
                              typed={"entry_id": entry_id, "text": request.form.get("text", ""),
                                     "proposed_wording": request.form.get("proposed_wording", "")})

    return commit_or_refuse(
        lambda: services.comment(reviewer, entry_id, request.form.get("text"), request.form.get("proposed_wording")),
        done=commented, refused=refused)


# The facilitator -------------------------------------------------------------------------------


def _meeting(meeting_id: int) -> Meeting:
    meeting = get_or_404(Meeting, meeting_id)
    if not can_edit_meetings(current_user, meeting.consultation):
        abort(403)  # the reviewers' addresses are personal data
    return meeting


def _page(meeting: Meeting, status: int = 200, open_form=None, add_form=None, errors: dict | None = None):
    review = services.current(meeting)
    comments = {}
    if review is not None:
        for c in services.comments(review):
            comments.setdefault(c.entry_id, []).append(c)
    return render_template(
        "review/meeting.html", meeting=meeting, consultation=meeting.consultation, review=review,
        tree=summary_tree(meeting), comments=comments, errors=errors or {},
        open_form=open_form or OpenReviewForm(formdata=None), add_form=add_form or AddReviewersForm(formdata=None),
        mail_states=outbox.states(MailKind.REVIEW, [r.id for r in review.reviewers]) if review else {},
        taking=review is not None and services.accepts_comments(review)), status, PRIVATE


@bp.get("/meetings/<int:meeting_id>/review")
@login_required
def meeting_page(meeting_id: int):
    return _page(_meeting(meeting_id))


def _sent(queued: int, meeting: Meeting, message: str):
    """After the commit: how many invitations (written to the outbox with them) are on their way."""
    flash(message + " " + ngettext("%(num)d e-mail with a personal link is on its way.",
                                   "%(num)d e-mails with personal links are on their way.", queued), "success")
    return redirect(url_for(".meeting_page", meeting_id=meeting.id), 303)


@bp.post("/meetings/<int:meeting_id>/review/open")
@login_required
def open_review(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = OpenReviewForm()
    if not form.validate_on_submit():
        return _page(meeting, 422, open_form=form)

    def refused(exc: ServiceError):
        attach_to_form(form, exc)
        return _page(meeting, exc.status, open_form=form)

    return commit_or_refuse(
        lambda: mail.invitations(services.open_review(meeting, current_user, form.days.data, form.addresses.data)),
        done=lambda queued: _sent(queued, meeting, _("The review is open.")), refused=refused)


def _review(meeting: Meeting, review_id: int) -> Review:
    review = get_or_404(Review, review_id)
    if review.meeting_id != meeting.id:
        abort(404)
    return review


@bp.post("/meetings/<int:meeting_id>/review/<int:review_id>/reviewers")
@login_required
def add_reviewers(meeting_id: int, review_id: int):
    meeting = _meeting(meeting_id)
    review = _review(meeting, review_id)
    form = AddReviewersForm()
    if not form.validate_on_submit():
        return _page(meeting, 422, add_form=form)

    def refused(exc: ServiceError):
        attach_to_form(form, exc)
        return _page(meeting, exc.status, add_form=form)

    return commit_or_refuse(lambda: mail.invitations(services.add_reviewers(review, current_user, form.addresses.data)),
                            done=lambda queued: _sent(queued, meeting, _("Addresses added.")), refused=refused)


@bp.post("/meetings/<int:meeting_id>/review/<int:review_id>/close")
@login_required
def close_review(meeting_id: int, review_id: int):
    meeting = _meeting(meeting_id)
    review = _review(meeting, review_id)

    def done(_closed):
        flash(_("The review is closed. The summary now says how many comments came and how many were "
                "taken in; publish it to make that public."), "success")
        return redirect(url_for(".meeting_page", meeting_id=meeting.id), 303)

    def refused(exc: ServiceError):
        flash(exc.message, "error")
        return redirect(url_for(".meeting_page", meeting_id=meeting.id), 303)

    return commit_or_refuse(lambda: services.close_review(review, current_user), done=done, refused=refused)


@bp.post("/meetings/<int:meeting_id>/review/<int:review_id>/comments/<int:comment_id>")
@login_required
def decide(meeting_id: int, review_id: int, comment_id: int):
    """Accept a comment (the entry takes the wording given) or answer it."""
    meeting = _meeting(meeting_id)
    review = _review(meeting, review_id)
    try:
        found = services.comment_of(review, comment_id)
    except ServiceError:
        abort(404)
    accepting = request.form.get("decision") == "accept"

    def done(_result):
        flash(_("The comment is taken in: the entry says it now.") if accepting
              else _("The comment is answered."), "success")
        return redirect(url_for(".meeting_page", meeting_id=meeting.id) + f"#comment-{found.id}", 303)

    def refused(exc):
        message = (_("Someone changed the entry meanwhile: read it again and decide once more.")
                   if isinstance(exc, Conflict) else exc.message)
        return _page(meeting, 409 if isinstance(exc, Conflict) else exc.status, errors={found.id: message})

    if accepting:
        return commit_or_refuse(
            lambda: services.accept(found, current_user, request.form.get("text"), request.form.get("version")),
            done=done, refused=refused, refusals=(ServiceError, Conflict))
    return commit_or_refuse(lambda: services.answer(found, current_user, request.form.get("answer")),
                            done=done, refused=refused)
