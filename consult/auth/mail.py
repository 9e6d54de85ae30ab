"""E-mails to staff about their password: a reset link, the password changed, the password
set by an administrator. Written to the outbox in the transaction of the change (consult.outbox:
sent by the worker, retried while the mail server is down); links are built on PUBLIC_URL.

A mail its owner asked for is written in the language of the page they asked on; one an
administrator's action sends, in the site's default language (the account has none stored).
"""

from __future__ import annotations

from contextlib import nullcontext

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from consult.auth.models import User
from consult.core.enums import MailKind
from consult.core.urls import external_url
from consult.outbox import services as outbox


def _language(by_admin: bool):
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]) if by_admin else nullcontext()


def reset_link(user: User, token: str, by_admin: bool = False) -> None:
    with _language(by_admin):
        body = render_template("auth/reset_link_mail.txt", user=user, by_admin=by_admin,
                               reset_url=external_url("auth.reset_password", token=token),
                               request_url=external_url("auth.forgot_password"),
                               minutes=int(current_app.config["PASSWORD_RESET_MINUTES"]))
        subject = _("Setting a new password for consult")
    outbox.queue(MailKind.RESET_LINK, user.email, subject, body, about_id=user.id)


def password_changed(user: User, by_admin: bool = False) -> None:
    with _language(by_admin):
        body = render_template("auth/password_changed_mail.txt", user=user, by_admin=by_admin,
                               login_url=external_url("auth.login"),
                               request_url=external_url("auth.forgot_password"))
        subject = (_("Your consult password was set by an administrator") if by_admin
                   else _("Your consult password was changed"))
    outbox.queue(MailKind.PASSWORD_CHANGED, user.email, subject, body, about_id=user.id)
