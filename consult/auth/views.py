from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import selectinload

from consult.auth import limits, services, sessions
from consult.auth.forms import LoginForm, UserForm
from consult.auth.limits import client_address
from consult.auth.models import User
from consult.core.permissions import admin_required
from consult.core.views import get_or_404, handle_form, safe_next
from consult.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("consultations.index"))


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
        if user.id == current_user.id and form.password.data:
            # A new password ends every login of the account; this one starts anew.
            sessions.start(user, remember=False)
            login_user(user)

    return handle_form(
        form, save,
        success_url=url_for("auth.users"),
        message=lambda _result: _("Account %(email)s saved.", email=user.email),
        template="auth/user_form.html", user=user)
