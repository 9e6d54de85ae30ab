"""The public consultation form, the receipt and the private tracking page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.consultations.models import Consultation
from consult.core.enums import EntryKind, PostulateStatus, PostulateTarget, Stance
from consult.core.errors import ServiceError, attach_to_form
from consult.core.permissions import can_decide_stances, can_moderate, can_see_contacts, can_view_consultation
from consult.core.views import get_or_404
from consult.extensions import csrf, db, limiter
from consult.postulates import services
from consult.postulates.forms import MAX_REMARKS, AcceptForm, DuplicateForm, RejectForm, StanceForm, SubmissionForm
from consult.postulates.models import Postulate
from consult.public.views import public_consultation

bp = Blueprint("postulates", __name__)


def _form(consultation) -> SubmissionForm:
    form = SubmissionForm()
    choices = services.target_choices(consultation)
    for remark in form.remarks:
        remark.form.target.choices = choices
    return form


def _submission_limit() -> str:
    return current_app.config["SUBMISSION_RATE_LIMIT"]


@bp.route("/public/<slug>/remarks", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so that an expired one keeps what was typed
@limiter.limit(_submission_limit, methods=["POST"],
               exempt_when=lambda: "add_remark" in request.form or "remove_remark" in request.form)
def submit(slug: str):
    """The consultation form ("formularz konsultacyjny"): one organisation, one or more remarks."""
    consultation = public_consultation(slug)

    def page(form, status=200, **extra):
        # Never stored: the page carries this visitor's CSRF token, form key and what they typed.
        return render_template("postulates/form.html", consultation=consultation, form=form,
                               max_remarks=MAX_REMARKS, **extra), status, {
            "Cache-Control": "private, no-store"}

    if not consultation.accepts_submissions():
        return page(None, 403 if request.method == "POST" else 200)
    form = _form(consultation)
    if request.method == "GET":
        form.form_key.data = services.new_form_key()
        return page(form)
    if "add_remark" in request.form or "remove_remark" in request.form:
        _change_remarks(form, consultation)
        focus = "remarks-heading" if "remove_remark" in request.form else form.remarks[-1].form.target.id
        return page(form, focus=focus)
    if form.validate():
        try:
            received = services.submit(consultation, form.data, spam=bool(form.website.data))
        except ServiceError as exc:
            db.session.rollback()
            attach_to_form(form, exc)
        else:
            db.session.commit()
            services.mail_receipt(received)
            if received.repeated:
                flash(_("This form had already been received: here is its receipt. "
                        "Nothing was submitted twice."), "info")
            return redirect(url_for(".track", token=received.token, received=1), 303)
    return page(form, 422, expired=bool(form.csrf_token.errors))


def _change_remarks(form: SubmissionForm, consultation) -> None:
    """Add an empty remark, or take one out (the page is shown again, nothing is saved)."""
    choices = services.target_choices(consultation)
    if "add_remark" in request.form and len(form.remarks) < MAX_REMARKS:
        form.remarks.append_entry()
        form.remarks[-1].form.target.choices = choices
    elif "remove_remark" in request.form and len(form.remarks) > 1:
        index = request.form.get("remove_remark", type=int)
        if index is not None and 0 <= index < len(form.remarks):
            kept = [entry.data for i, entry in enumerate(form.remarks) if i != index]
            while len(form.remarks):
                form.remarks.pop_entry()
            for data in kept:
                form.remarks.append_entry(data)
                form.remarks[-1].form.target.choices = choices


@bp.get("/public/tracking/<token>")
def track(token: str):
    """The receipt, and later the fate of each remark; only the link's holder sees it."""
    submission = services.by_token(token)
    if submission is None:
        abort(404)
    response = current_app.make_response(render_template(
        "postulates/track.html", submission=submission, consultation=submission.consultation,
        received=request.args.get("received") == "1",
        tracking_url=services.tracking_url(token)))
    # A private page: never cached, never indexed.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# Staff: the moderation queue, one remark, stances ------------------------------------------


def _staff_consultation(consultation_id: int) -> Consultation:
    consultation = get_or_404(Consultation, consultation_id)
    if not can_view_consultation(current_user, consultation):
        abort(403)
    return consultation


@bp.get("/consultations/<int:consultation_id>/remarks")
@login_required
def queue(consultation_id: int):
    """Every remark sent to the consultation, filtered; for officials, publishing stances."""
    consultation = _staff_consultation(consultation_id)
    filters = {name: request.args.get(name) or None for name in ("status", "spam", "target", "q")}
    if filters["spam"] is None and "spam" not in request.args:
        filters["spam"] = "hide"
    return render_template(
        "postulates/queue.html", consultation=consultation, filters=filters,
        remarks=services.remarks(consultation, **filters), statuses=list(PostulateStatus),
        targets=list(PostulateTarget), count=services.stance_count(consultation),
        can_decide=can_decide_stances(current_user, consultation))


def _postulate(postulate_id: int) -> Postulate:
    postulate = get_or_404(Postulate, postulate_id)
    if not can_view_consultation(current_user, postulate.submission.consultation):
        abort(403)
    return postulate


def _forms(postulate: Postulate) -> dict:
    consultation = postulate.submission.consultation
    accept = AcceptForm(prefix="accept")
    accept.section_id.choices = [("", _("— do not add to a meeting —"))] + [
        (str(section.id), f"{section.part.meeting.title} ({section.part.meeting.date.isoformat()})"
         f" › {section.part.heading} › {services.section_name(section)}")
        for section in services.meeting_sections(consultation)]
    accept.kind.choices = [("", _("— as the section suggests —"))] + [(k.value, k.label) for k in EntryKind]
    duplicate = DuplicateForm(prefix="duplicate")
    duplicate.duplicate_of.choices = [("", _("— choose —"))] + [
        (str(p.id), f"{p.number}: {p.remark[:80]}") for p in services.remarks(consultation)
        if p.id != postulate.id]
    stance = StanceForm(prefix="stance", obj=None)
    stance.stance.choices = [("", _("— choose —"))] + [(s.value, s.label) for s in Stance]
    if request.method == "GET":
        stance.stance.data = postulate.stance.value if postulate.stance else ""
        stance.reasoning.data, stance.resulting_change.data = postulate.reasoning, postulate.resulting_change
    return {"accept": accept, "duplicate": duplicate, "reject": RejectForm(prefix="reject"),
            "stance": stance}


@bp.get("/remarks/<int:postulate_id>")
@login_required
def detail(postulate_id: int):
    postulate = _postulate(postulate_id)
    return _detail_page(postulate, _forms(postulate))


def _detail_page(postulate: Postulate, forms: dict, status: int = 200):
    consultation = postulate.submission.consultation
    return render_template(
        "postulates/detail.html", postulate=postulate, submission=postulate.submission,
        consultation=consultation, forms=forms,
        can_moderate=can_moderate(current_user, consultation),
        can_decide=can_decide_stances(current_user, consultation),
        can_see_contacts=can_see_contacts(current_user, consultation),
        statuses=PostulateStatus,
        duplicates=db.session.scalars(sa.select(Postulate).where(
            Postulate.duplicate_of_id == postulate.id)).all()), status


@bp.post("/remarks/<int:postulate_id>/<any(accept, duplicate, reject, stance):action>")
@login_required
def decide(postulate_id: int, action: str):
    """Accept, merge, reject (facilitators) or set the stance (officials)."""
    postulate = _postulate(postulate_id)
    consultation = postulate.submission.consultation
    allowed = can_decide_stances if action == "stance" else can_moderate
    if not allowed(current_user, consultation):
        abort(403)
    forms = _forms(postulate)
    form = forms[action]
    if form.validate_on_submit():
        try:
            if action == "accept":
                services.accept(postulate, current_user, section_id=form.section_id.data,
                                kind=form.kind.data or None)
            elif action == "duplicate":
                services.mark_duplicate(postulate, current_user, form.duplicate_of.data)
            elif action == "reject":
                services.reject(postulate, current_user, form.reason.data)
            else:
                services.set_stance(postulate, current_user, form.stance.data, form.reasoning.data,
                                    form.resulting_change.data)
        except ServiceError as exc:
            db.session.rollback()
            attach_to_form(form, exc)
        else:
            db.session.commit()
            flash({"accept": _("Remark %(number)s accepted for consideration."),
                   "duplicate": _("Remark %(number)s merged with another remark."),
                   "reject": _("Remark %(number)s rejected."),
                   "stance": _("Draft stance on remark %(number)s saved.")}[action]
                  % {"number": postulate.number}, "success")
            return redirect(url_for(".detail", postulate_id=postulate.id), 303)
    return _detail_page(postulate, forms, 422)


@bp.post("/consultations/<int:consultation_id>/stances/publish")
@login_required
def publish_stances(consultation_id: int):
    consultation = _staff_consultation(consultation_id)
    if not can_decide_stances(current_user, consultation):
        abort(403)
    try:
        changed = services.publish_stances(consultation, current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        mailed = services.mail_stances(changed)
        flash(_("Stances published. Submissions with new answers: %(n)d; e-mails sent: %(m)d.",
                n=len(changed), m=mailed), "success")
    return redirect(url_for(".queue", consultation_id=consultation.id), 303)
