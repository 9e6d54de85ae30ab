"""The public consultation form, the receipt and the private tracking page."""

from __future__ import annotations

from urllib.parse import parse_qs

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from consult.consultations.loaders import public_consultation
from consult.consultations.models import Consultation
from consult.core.enums import EntryKind, MailKind, RemarkStatus, RemarkTarget, Stance
from consult.core.errors import ServiceError, attach_to_form
from consult.core.formatting import site_today
from consult.core.i18n import lang_kw
from consult.core.labels import section_name
from consult.core.permissions import (
    can_decide_stances,
    can_moderate,
    can_register_remarks,
    can_see_contacts,
    can_view_consultation,
)
from consult.core.views import commit_or_refuse, file_response, get_or_404, handle_form
from consult.extensions import csrf, db
from consult.outbox import services as outbox
from consult.remarks import intake, limits, mail, moderation, queries, registry, stances
from consult.remarks.forms import (
    MAX_REMARKS,
    AcceptForm,
    BulkStanceForm,
    DuplicateForm,
    RegisteredSubmissionForm,
    RejectForm,
    StanceForm,
    SubmissionForm,
    TrackingLinkForm,
)
from consult.remarks.models import Remark, Submission

bp = Blueprint("remarks", __name__)

# The queue's filters, in its address (and carried back by the one-stance-for-several form).
QUEUE_FILTERS = ("status", "spam", "target", "q")


def _form(consultation, form_class=SubmissionForm) -> SubmissionForm:
    form = form_class()
    choices = intake.target_choices(consultation)
    for remark in form.remarks:
        remark.form.target.choices = choices
    return form


@bp.route("/public/<slug>/remarks", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so that an expired one keeps what was typed
def submit(slug: str):
    """The consultation form ("formularz konsultacyjny"): one organisation, one or more remarks."""
    consultation = public_consultation(slug)

    def page(form, status=200, retry_after: int | None = None, **extra):
        # Never stored: the page carries this visitor's CSRF token, form key and what they typed.
        headers = {"Cache-Control": "private, no-store"}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return render_template("remarks/form.html", consultation=consultation, form=form,
                               max_remarks=MAX_REMARKS, retry_after=retry_after, **extra), status, headers

    if not consultation.accepts_submissions():
        if request.method == "POST":  # what was typed did not go anywhere: say so
            return page(None, 403, sent_to_closed=True)
        return page(None, 200)
    form = _form(consultation)
    if request.method == "GET":
        form.form_key.data = intake.new_form_key()
        return page(form)
    if "add_remark" in request.form or "remove_remark" in request.form:
        _change_remarks(form, consultation)
        focus = "remarks-heading" if "remove_remark" in request.form else form.remarks[-1].form.target.id
        return page(form, focus=focus)
    def with_receipt(received: intake.Received) -> intake.Received:
        mail.receipt(received)  # into the outbox, in the submission's transaction
        return received

    def receipt(received: intake.Received):
        if received.repeated:
            flash(_("This form had already been received: here is its receipt. "
                    "Nothing was submitted twice."), "info")
        return redirect(url_for(".track", token=received.token, received=1), 303)

    if form.validate():
        sent_before = intake.repeated(consultation, form.data)
        if sent_before is None:  # a new submission: it counts
            wait = limits.attempt("SUBMISSION_RATE_LIMIT", "submission")
            if wait is not None:
                return page(form, 429, retry_after=wait)
        answer = commit_or_refuse(
            lambda: with_receipt(sent_before or intake.submit(consultation, form.data, spam=bool(form.website.data),
                                                              checked=True)),
            done=receipt, refused=lambda exc: attach_to_form(form, exc))
        if answer is not None:
            return answer
    return page(form, 422, expired=bool(form.csrf_token.errors))


def _change_remarks(form: SubmissionForm, consultation) -> None:
    """Add an empty remark, or take one out (the page is shown again, nothing is saved)."""
    choices = intake.target_choices(consultation)
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
    g.no_referrer = True  # its address is the secret: named to no page it links to
    submission = intake.by_token(token)
    if submission is None:
        abort(404)
    response = current_app.make_response(render_template(
        "remarks/track.html", submission=submission, consultation=submission.consultation,
        received=request.args.get("received") == "1",
        receipt_mail=outbox.state(MailKind.RECEIPT, submission.id) if submission.email else None,
        tracking_url=intake.tracking_url(token)))
    # A private page: never cached, never indexed.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/public/<slug>/tracking-link", methods=["GET", "POST"])
def tracking_link(slug: str):
    """An organisation that lost its private link asks for a new one: sent to the e-mail
    address its submission gave, never shown here; the answer is the same whether or not the
    number and the address match (nobody learns who sent what)."""
    consultation = public_consultation(slug)
    form = TrackingLinkForm()
    headers = {"Cache-Control": "private, no-store"}
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("remarks/tracking_link.html", consultation=consultation,
                               form=form), status, headers
    wait = limits.attempt("TRACKING_LINK_LIMIT", "tracking-link")
    if wait is not None:
        return render_template("remarks/tracking_link.html", consultation=consultation, form=form,
                               retry_after=wait), 429, {**headers, "Retry-After": str(wait)}

    def new_link():
        received = intake.new_tracking_link(consultation, form.receipt_number.data, form.email.data)
        if received is not None:
            mail.tracking_link(received)  # into the outbox, with the new link
        return received

    def sent(_received):
        return render_template("remarks/tracking_link.html", consultation=consultation, form=None,
                               sent_to=form.email.data), 200, headers

    return commit_or_refuse(new_link, done=sent, refused=lambda exc: abort(400))


# Staff: remarks that came on paper, by e-mail, through ePUAP or at a meeting ---------------


@bp.route("/consultations/<int:consultation_id>/remarks/register", methods=["GET", "POST"])
@login_required
def register(consultation_id: int):
    """Staff register a submission that did not come through the online form: the same fields,
    how and when it came, and its scan; it gets the next receipt number of the series."""
    consultation = _staff_consultation(consultation_id)
    if not can_register_remarks(current_user, consultation):
        abort(403)
    form = _form(consultation, RegisteredSubmissionForm)
    form.meeting_id.choices = [SelectChoice("", _("— none —"))] + [
        SelectChoice(str(m.id), f"{m.date.strftime('%d.%m.%Y')} – {m.title}", render_kw=lang_kw(consultation))
        for m in consultation.meetings]
    headers = {"Cache-Control": "no-store"}

    def page(status=200, focus=None):
        return render_template("remarks/register.html", consultation=consultation, form=form,
                               max_remarks=MAX_REMARKS, focus=focus), status, headers

    if request.method == "GET":
        form.form_key.data = intake.new_form_key()
        form.received_on.data = site_today()
        return page()
    if "add_remark" in request.form or "remove_remark" in request.form:
        _change_remarks(form, consultation)
        return page(focus="remarks-heading" if "remove_remark" in request.form else form.remarks[-1].form.target.id)

    def save() -> intake.Received:
        received = registry.register(consultation, form.data, current_user, request.files.get("file"))
        mail.receipt(received)  # when the organisation gave an e-mail address, into the outbox
        return received

    def registered(received: intake.Received):
        return render_template("remarks/registered.html", consultation=consultation, received=received,
                               submission=received.submission,
                               tracking_url=intake.tracking_url(received.token)), 200, headers

    if form.validate():
        answer = commit_or_refuse(save, done=registered, refused=lambda exc: attach_to_form(form, exc))
        if answer is not None:
            return answer
    return page(422)


@bp.get("/submissions/<int:submission_id>/files/<int:file_id>")
@login_required
def submission_file(submission_id: int, file_id: int):
    """The scan or file a registered submission came as: personal data, for those who see the
    organisation's contact details."""
    submission = get_or_404(Submission, submission_id)
    if not can_see_contacts(current_user, submission.consultation):
        abort(403)
    found = registry.file_of(submission, file_id)
    if found is None:
        abort(404)
    return file_response(found.content, found.file_name, found.media_type, **{"Cache-Control": "private, no-store"})


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
    return _queue_page(consultation, request.args)


def _queue_page(consultation: Consultation, args, bulk: BulkStanceForm | None = None):
    """The queue filtered by ``args``; ``bulk``: the one-stance-for-several form as sent
    (its errors and the boxes ticked), else an empty one for officials."""
    filters = {name: args.get(name) or None for name in QUEUE_FILTERS}
    if filters["spam"] is None and "spam" not in args:
        filters["spam"] = "hide"
    can_decide = can_decide_stances(current_user, consultation)
    if bulk is None and can_decide:
        bulk = BulkStanceForm(formdata=None, back=request.query_string.decode())
    if bulk is not None:
        bulk.stance.choices = [("", _("— choose —"))] + [(s.value, s.label) for s in Stance]
    return render_template(
        "remarks/queue.html", consultation=consultation, filters=filters,
        remarks=queries.remarks(consultation, **filters), statuses=list(RemarkStatus),
        targets=list(RemarkTarget), count=stances.stance_count(consultation),
        can_decide=can_decide, bulk=bulk, chosen=set(bulk.remark_ids.data or ()) if bulk else set(),
        can_register=can_register_remarks(current_user, consultation))


@bp.post("/consultations/<int:consultation_id>/stances/bulk")
@login_required
def bulk_stance(consultation_id: int):
    """One draft stance for the remarks chosen in the queue; says which got it, which already
    had it, which were not accepted (and left), and which still show a published stance."""
    consultation = _staff_consultation(consultation_id)
    if not can_decide_stances(current_user, consultation):
        abort(403)
    form = BulkStanceForm()
    filters = _filters_from(form.back.data)
    back = url_for(".queue", consultation_id=consultation.id, **filters)

    def save():
        chosen = list(db.session.scalars(sa.select(Remark).where(
            Remark.consultation_id == consultation.id, Remark.id.in_(form.remark_ids.data or []))))
        return stances.set_stances(chosen, current_user, form.stance.data, form.reasoning.data,
                                   form.resulting_change.data)

    def done(result: stances.BulkAnswer):
        flash(" ".join(bulk_account(result)), "success")
        return redirect(back, 303)

    def refused(exc: ServiceError):
        attach_to_form(form, exc)
        return _queue_page(consultation, filters, form), 422

    if not form.validate_on_submit():
        return _queue_page(consultation, filters, form), 422
    return commit_or_refuse(save, done=done, refused=refused)


def _filters_from(query: str | None) -> dict[str, str]:
    """The queue's filters from the query string the form carried back (known names only)."""
    found = parse_qs(query or "")
    return {name: found[name][0] for name in QUEUE_FILTERS if found.get(name)}


def bulk_account(result: stances.BulkAnswer) -> list[str]:
    """What a stance for several remarks did, in sentences (the numbers named)."""
    lines = []
    if result.answered:
        lines.append(ngettext("Draft stance saved for %(num)d remark: %(numbers)s.",
                              "Draft stance saved for %(num)d remarks: %(numbers)s.",
                              len(result.answered), numbers=", ".join(result.answered)))
    if result.republish:
        lines.append(ngettext(
            "%(num)d of them has a published stance, which stays shown until stances are published again: "
            "%(numbers)s.",
            "%(num)d of them have a published stance, which stays shown until stances are published again: "
            "%(numbers)s.", len(result.republish), numbers=", ".join(result.republish)))
    if result.unchanged:
        lines.append(ngettext("Already with this stance, unchanged: %(numbers)s.",
                              "Already with this stance, unchanged: %(numbers)s.",
                              len(result.unchanged), numbers=", ".join(result.unchanged)))
    if result.skipped:
        lines.append(ngettext(
            "Not accepted for consideration, so left without a stance: %(numbers)s.",
            "Not accepted for consideration, so left without a stance: %(numbers)s.",
            len(result.skipped), numbers=", ".join(result.skipped)))
    return lines


def _remark(remark_id: int) -> Remark:
    remark = get_or_404(Remark, remark_id)
    if not can_view_consultation(current_user, remark.submission.consultation):
        abort(403)
    return remark


def _forms(remark: Remark) -> dict:
    consultation = remark.submission.consultation
    accept = AcceptForm(prefix="accept")
    lang = lang_kw(consultation)  # options naming the consultation's content say its language
    accept.section_id.choices = [SelectChoice("", _("— do not add to a meeting —"))] + [
        SelectChoice(str(section.id), f"{section.part.meeting.title} ({section.part.meeting.date.isoformat()})"
                     f" › {section.part.heading} › {section_name(section)}", render_kw=lang)
        for section in moderation.meeting_sections(consultation)]
    accept.kind.choices = [("", _("— as the section suggests —"))] + [(k.value, k.label) for k in EntryKind]
    duplicate = DuplicateForm(prefix="duplicate")
    duplicate.duplicate_of.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(str(p.id), f"{p.number}: {p.text[:80]}", render_kw=lang) for p in queries.remarks(consultation)
        if p.id != remark.id]
    stance = StanceForm(prefix="stance", obj=None)
    stance.stance.choices = [("", _("— choose —"))] + [(s.value, s.label) for s in Stance]
    if request.method == "GET":
        stance.stance.data = remark.stance.value if remark.stance else ""
        stance.reasoning.data, stance.resulting_change.data = remark.reasoning, remark.resulting_change
    return {"accept": accept, "duplicate": duplicate, "reject": RejectForm(prefix="reject"),
            "stance": stance}


@bp.get("/remarks/<int:remark_id>")
@login_required
def detail(remark_id: int):
    remark = _remark(remark_id)
    return _detail_page(remark, _forms(remark))


def _detail_page(remark: Remark, forms: dict):
    consultation = remark.submission.consultation
    moderates = can_moderate(current_user, consultation)
    decides = can_decide_stances(current_user, consultation)
    return render_template(
        "remarks/detail.html", remark=remark, submission=remark.submission,
        consultation=consultation, forms=forms,
        can_moderate=moderates, can_decide=decides,
        # What this reader does next: the next remark waiting for a decision (facilitators),
        # or for a stance (officials).
        next_remark=queries.next_waiting(remark, for_stance=not moderates) if moderates or decides else None,
        next_for_stance=not moderates,
        can_see_contacts=can_see_contacts(current_user, consultation),
        statuses=RemarkStatus,
        duplicates=db.session.scalars(sa.select(Remark).where(
            Remark.duplicate_of_id == remark.id)).all())


def _decision(remark_id: int, form_name: str, allowed, save, message: str):
    """One decision on a remark, by its own endpoint and form: through the services (which
    keep the life cycle), then back to the remark's page — or that page again with the
    message at its field."""
    remark = _remark(remark_id)
    if not allowed(current_user, remark.submission.consultation):
        abort(403)
    forms = _forms(remark)
    form = forms[form_name]
    return handle_form(
        form, lambda: save(remark, form),
        success_url=url_for(".detail", remark_id=remark.id),
        message=message % {"number": remark.number},
        page=lambda: _detail_page(remark, forms))


@bp.post("/remarks/<int:remark_id>/accept")
@login_required
def accept(remark_id: int):
    """Accept for consideration, optionally also as an entry of a meeting (facilitators)."""
    return _decision(remark_id, "accept", can_moderate, lambda remark, form: moderation.accept(
        remark, current_user, section_id=form.section_id.data, kind=form.kind.data or None),
        _("Remark %(number)s accepted for consideration."))


@bp.post("/remarks/<int:remark_id>/duplicate")
@login_required
def duplicate(remark_id: int):
    """Merge with another remark of the consultation (facilitators)."""
    return _decision(remark_id, "duplicate", can_moderate, lambda remark, form: moderation.mark_duplicate(
        remark, current_user, form.duplicate_of.data),
        _("Remark %(number)s merged with another remark."))


@bp.post("/remarks/<int:remark_id>/reject")
@login_required
def reject(remark_id: int):
    """Reject, with the reason the submitter reads (facilitators)."""
    return _decision(remark_id, "reject", can_moderate, lambda remark, form: moderation.reject(
        remark, current_user, form.reason.data), _("Remark %(number)s rejected."))


@bp.post("/remarks/<int:remark_id>/stance")
@login_required
def stance(remark_id: int):
    """The draft stance (officials); published with the others, all at once."""
    return _decision(remark_id, "stance", can_decide_stances, lambda remark, form: stances.set_stance(
        remark, current_user, form.stance.data, form.reasoning.data, form.resulting_change.data),
        _("Draft stance on remark %(number)s saved."))


@bp.post("/consultations/<int:consultation_id>/stances/publish")
@login_required
def publish_stances(consultation_id: int):
    consultation = _staff_consultation(consultation_id)
    if not can_decide_stances(current_user, consultation):
        abort(403)
    back = redirect(url_for(".queue", consultation_id=consultation.id), 303)

    def publish():
        changed = stances.publish_stances(consultation, current_user)
        return changed, mail.stances_published(changed)  # into the outbox, with the publication

    def published(result):
        changed, mailed = result
        flash(_("Stances published. Submissions with new answers: %(n)d; e-mails on their way: %(m)d.",
                n=len(changed), m=mailed), "success")
        return back

    def refused(exc: ServiceError):
        flash(exc.message, "error")
        return back

    return commit_or_refuse(publish, done=published, refused=refused)
