from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import selectinload

from consult.auth import limits, passwords, services, sessions
from consult.auth import mail as account_mail
from consult.auth.forms import ForgotPasswordForm, LoginForm, NewPasswordForm, UserForm
from consult.auth.limits import client_address
from consult.auth.models import User
from consult.core.errors import attach_to_form
from consult.core.permissions import admin_required
from consult.core.views import commit_or_refuse, get_or_404, handle_form, safe_next
from consult.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """A safe local ``next`` always wins; else each role's start page (consult.pages)."""
    return safe_next(target, url_for("pages.start"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    headers = {}
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        # Counted before the password is checked (consult.auth.limits), on the account
        # exactly as authentication names it.
        identity, address = services.login_identity(form.email.data), client_address()
        verdict = limits.attempt(identity, address)
        if not verdict.allowed:
            status, headers = 429, {"Retry-After": str(verdict.retry_after)}
            form.form_errors.append(
                _("Too many login attempts from this address. Wait a few minutes and try again.")
                if verdict.reason == "address" else
                _("Too many failed logins to this account. Wait a few minutes and try again — "
                  "or log in from a device that has not made a mistake in the last minutes."))
        else:
            user = services.authenticate(identity, form.password.data)
            if user is not None:
                limits.succeeded(identity, address)
                _log_in(user, remember=form.remember.data)
                return redirect(_safe_next(request.args.get("next")), 303)
            form.form_errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form), status, headers


def _log_in(user: User, remember: bool) -> None:
    """A new login on the server, and a new session cookie: nothing of the session before
    it (its CSRF token included) is kept."""
    session.clear()
    sessions.start(user, remember)
    db.session.commit()
    login_user(user, remember=remember)


@bp.post("/logout")
@login_required
def logout():
    sessions.end(current_user)
    db.session.commit()
    session.clear()  # nothing of the logged-in session is kept…
    logout_user()  # …and the remember-me cookie is deleted (it marks the session for that)
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.get("/admin/users")
@admin_required
def users():
    all_users = db.session.scalars(
        sa.select(User).order_by(User.name).options(selectinload(User.consultations))
    ).all()
    return render_template("auth/users.html", users=all_users)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = UserForm()
    form.password.flags.required = True
    form.password.description = _("At least 10 characters.")
    return handle_form(
        form, lambda: services.create_user(form.data, current_user),
        success_url=url_for("auth.users"),
        message=lambda user: _("Account %(email)s created.", email=user.email),
        template="auth/user_form.html", user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = get_or_404(User, user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.role.data = user.role.value

    def save():
        services.update_user(user, form.data, current_user)
        if form.password.data:  # the account's owner learns that its password was set
            account_mail.password_changed(user, by_admin=user.id != current_user.id)
        if user.id == current_user.id and form.password.data:
            # A new password ends every login of the account; this one starts anew.
            sessions.start(user, remember=False)
            login_user(user)

    def saved(_result) -> str:
        return _("Account %(email)s saved.", email=user.email)

    return handle_form(
        form, save,
        success_url=url_for("auth.users"),
        message=saved,
        template="auth/user_form.html", user=user)


@bp.post("/admin/users/<int:user_id>/reset-link")
@admin_required
def user_reset_link(user_id: int):
    """An admin sends the account a link to choose a new password (its password stays until
    then; earlier links stop working)."""
    user = get_or_404(User, user_id)

    def new_link():
        account_mail.reset_link(user, passwords.new_link(user, current_user), by_admin=True)

    def sent(_result):
        flash(_("A link to set a new password is on its way to %(email)s.", email=user.email), "success")
        return redirect(url_for("auth.user_edit", user_id=user.id), 303)

    def refused(exc):
        flash(exc.message, "error")
        return redirect(url_for("auth.user_edit", user_id=user.id), 303)

    return commit_or_refuse(new_link, done=sent, refused=refused)


# Password reset (staff) -----------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Asking for a link to set a new password. The answer is the same whether or not the
    address names an account (nobody learns who has one); requests are limited per client
    address and per account named (consult.auth.limits)."""
    form = ForgotPasswordForm()
    headers = {"Cache-Control": "no-store"}
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("auth/forgot_password.html", form=form), status, headers
    identity = services.login_identity(form.email.data)
    wait = limits.reset_request(identity, client_address())
    if wait is not None:
        return (render_template("auth/forgot_password.html", form=form, retry_after=wait), 429,
                {**headers, "Retry-After": str(wait)})

    def ask():
        found = passwords.request_link(identity)
        if found is not None:
            account_mail.reset_link(*found)  # into the outbox, with the link
        return found

    def asked(_found):
        return render_template("auth/forgot_password.html", form=None, sent_to=form.email.data), 200, headers

    return commit_or_refuse(ask, done=asked, refused=lambda exc: abort(400))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choosing a new password through the link of a reset e-mail. The address is a secret:
    never cached, never sent on as a Referer, redacted in the logs (consult.core.logging)."""
    g.no_referrer = True
    headers = {"Cache-Control": "no-store"}
    user = passwords.account_of(token)
    if user is None:
        return render_template("auth/reset_password.html", form=None, user=None), 404, headers
    form = NewPasswordForm()

    def reset() -> User:
        account = passwords.reset(token, form.password.data)
        account_mail.password_changed(account)  # into the outbox, with the new password
        return account

    def changed(account: User):
        if current_user.is_authenticated and current_user.id == account.id:
            session.clear()  # this login ended with the others
            logout_user()
        flash(_("Your password has been changed and every other login of the account ended. "
                "Log in with the new password."), "success")
        return redirect(url_for("auth.login"), 303)

    def refused(exc):
        attach_to_form(form, exc)
        if exc.field is None:  # the link was used meanwhile
            return render_template("auth/reset_password.html", form=None, user=None), 404, headers
        return render_template("auth/reset_password.html", form=form, user=user), 422, headers

    if form.validate_on_submit():
        return commit_or_refuse(reset, done=changed, refused=refused)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/reset_password.html", form=form, user=user), status, headers
