"""Admins see the outbox: what is waiting, sent, or could not be sent, and send again what
could not (after the mail server is fixed). Never a message's text: it holds private links."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from consult.core.enums import MailKind, MailStatus, Role
from consult.core.errors import ServiceError
from consult.core.formatting import site_zone
from consult.core.models import parse_id
from consult.core.permissions import roles_required
from consult.core.views import commit_or_refuse, get_or_404
from consult.outbox import services
from consult.outbox.models import OutgoingMail

bp = Blueprint("outbox", __name__, url_prefix="/admin/mail")


def _enum(enum_cls, name: str):
    try:
        return enum_cls(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("")
@roles_required(Role.ADMIN)
def index():
    status, kind = _enum(MailStatus, "status"), _enum(MailKind, "kind")
    page = max(1, parse_id(request.args.get("page")) or 1)
    rows, more = services.listing(status, kind, page)
    return render_template("outbox/index.html", rows=rows, more=more, page=page, status=status, kind=kind,
                           counts=services.counts(), statuses=list(MailStatus), kinds=list(MailKind),
                           masked=services.masked, zone=site_zone(), max_attempts=services.MAX_ATTEMPTS)


def _retry(rows: list[OutgoingMail]):
    back = redirect(url_for(".index", status=request.form.get("status") or None), 303)

    def done(n: int):
        flash(ngettext("%(num)d e-mail queued to be sent again.", "%(num)d e-mails queued to be sent again.", n),
              "success")
        return back

    def refused(exc: ServiceError):
        flash(exc.message, "error")
        return back

    return commit_or_refuse(lambda: services.retry(rows, current_user), done=done, refused=refused)


@bp.post("/<int:mail_id>/retry")
@roles_required(Role.ADMIN)
def retry(mail_id: int):
    return _retry([get_or_404(OutgoingMail, mail_id)])


@bp.post("/retry")
@roles_required(Role.ADMIN)
def retry_failed():
    rows = services.failed()
    if not rows:
        flash(_("No e-mail is waiting to be sent again."), "info")
        return redirect(url_for(".index"), 303)
    return _retry(rows)
