"""The public consultation form, the receipt and the private tracking page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from consult.core.errors import ServiceError, attach_to_form
from consult.extensions import csrf, db, limiter
from consult.postulates import services
from consult.postulates.forms import MAX_REMARKS, SubmissionForm
from consult.public.views import public_consultation

bp = Blueprint("postulates", __name__, url_prefix="/public")


def _form(consultation) -> SubmissionForm:
    form = SubmissionForm()
    choices = services.target_choices(consultation)
    for remark in form.remarks:
        remark.form.target.choices = choices
    return form


def _submission_limit() -> str:
    return current_app.config["SUBMISSION_RATE_LIMIT"]


@bp.route("/<slug>/remarks", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so that an expired one keeps what was typed
@limiter.limit(_submission_limit, methods=["POST"],
               exempt_when=lambda: "add_remark" in request.form or "remove_remark" in request.form)
def submit(slug: str):
    """The consultation form ("formularz konsultacyjny"): one organisation, one or more remarks."""
    consultation = public_consultation(slug)

    def page(form, status=200, **extra):
        return render_template("postulates/form.html", consultation=consultation, form=form,
                               max_remarks=MAX_REMARKS, **extra), status

    if not consultation.accepts_submissions():
        return page(None, 403 if request.method == "POST" else 200)
    form = _form(consultation)
    if request.method == "GET":
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
            attach_to_form_field(form, exc)
        else:
            db.session.commit()
            services.mail_receipt(received)
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


def attach_to_form_field(form: SubmissionForm, error: ServiceError) -> None:
    """A service error names a remark's field as remarks-N-name."""
    if error.field and error.field.startswith("remarks-"):
        _prefix, index, name = error.field.split("-", 2)
        if index.isdigit() and int(index) < len(form.remarks):
            field = form.remarks[int(index)].form[name]
            field.errors = [*field.errors, error.message]
            return
    attach_to_form(form, error)


@bp.get("/tracking/<token>")
def track(token: str):
    """The receipt, and later the fate of each remark; only the link's holder sees it."""
    submission = services.by_token(token)
    if submission is None:
        abort(404)
    response = current_app.make_response(render_template(
        "postulates/track.html", submission=submission, consultation=submission.consultation,
        received=request.args.get("received") == "1",
        tracking_url=services.tracking_url(submission, token)))
    # A private page: never cached by proxies, never sent on as a Referer.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
