"""Accounts: creation, updates, authentication."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from consult.auth.models import PasswordReset, User
from consult.core.enums import Role
from consult.core.errors import ServiceError
from consult.core.forms import email_key
from consult.core.models import record_revision, snapshot
from consult.extensions import db

USER_FIELDS = ("email", "name", "role", "active")
MIN_PASSWORD_LENGTH = 10

# A real hash to compare against when the e-mail is unknown, so that a wrong e-mail and
# a wrong password take the same time.
_DUMMY_HASH: str | None = None


def clean_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ServiceError(_("Enter a valid e-mail address."), "email") from None


def check_password_rules(password: str) -> None:
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _("The password must have at least %(min)d characters.", min=MIN_PASSWORD_LENGTH),
            "password",
        )


def login_identity(email: str | None) -> str:
    """The account an e-mail typed at login names: NUL characters out, surrounding space
    off, Unicode NFC, lower case. The one spelling that authentication looks up and that
    the login limits count (consult.auth.limits): no other spelling reaches the account."""
    return email_key(email)


def get_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == login_identity(email)))


def create_user(data: dict[str, Any], actor: User | None) -> User:
    email = clean_email(data["email"])
    if get_by_email(email) is not None:
        raise ServiceError(_("An account with this e-mail already exists."), "email")
    check_password_rules(data["password"])
    user = User(
        email=email,
        name=(data.get("name") or email.split("@")[0]).strip(),
        role=Role(data["role"]),
        active=data.get("active", True),
    )
    user.set_password(data["password"])
    db.session.add(user)
    db.session.flush()
    record_revision(user, "create", actor, None, snapshot(user, USER_FIELDS))
    return user


def update_user(user: User, data: dict[str, Any], actor: User | None) -> None:
    before = snapshot(user, USER_FIELDS)
    if "email" in data:
        email = clean_email(data["email"])
        other = get_by_email(email)
        if other is not None and other.id != user.id:
            raise ServiceError(_("An account with this e-mail already exists."), "email")
        user.email = email
    if actor is not None and actor.id == user.id:
        if data.get("role", user.role) != user.role or data.get("active", True) is False:
            raise ServiceError(_("You cannot change your own role or deactivate yourself."), "role")
    for name in ("name", "role", "active"):
        if name in data:
            setattr(user, name, Role(data[name]) if name == "role" else data[name])
    if before["active"] and not user.active:
        user.invalidate_sessions()
    if data.get("password"):
        check_password_rules(data["password"])
        user.set_password(data["password"])
        user.invalidate_sessions()
        end_reset_links(user)
    after = snapshot(user, USER_FIELDS)
    if before != after or data.get("password"):
        record_revision(user, "update", actor, before,
                        {**after, **({"password": "changed"} if data.get("password") else {})})


def end_reset_links(user: User) -> None:
    """The account's password reset links that are not used yet open nothing any more (a
    new password was set; consult.auth.passwords)."""
    db.session.execute(sa.delete(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, else None (one answer for every failure).
    The account is the one :func:`login_identity` names, as the login limits count it."""
    global _DUMMY_HASH
    user = get_by_email(email)
    if user is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = generate_password_hash("not a password")
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user
