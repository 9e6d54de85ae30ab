"""Passwords of staff: a reset link by e-mail, and a password set by an administrator.

A reset link carries a random token (``secrets.token_urlsafe``); only its sha256 is stored
(:class:`PasswordReset`). A link works once, for ``PASSWORD_RESET_MINUTES``; making a new
one ends the earlier ones of the account, and using one ends every other. A new password —
through a link or set by an admin — ends every login of the account (``login_session``).
Every change leaves a revision of the account (the audit trail); the password itself never.

The e-mails go out after the commit (consult.auth.mail), their links built on PUBLIC_URL.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from consult.auth.models import PasswordReset, User
from consult.auth.services import check_password_rules, end_reset_links, get_by_email
from consult.core.errors import ServiceError
from consult.core.models import record_revision, utcnow
from consult.core.tokens import token_hash
from consult.extensions import db


def _lifetime() -> timedelta:
    return timedelta(minutes=int(current_app.config["PASSWORD_RESET_MINUTES"]))


def new_link(user: User, actor: User | None) -> str:
    """A new reset link for ``user`` (flushed): its token, to be e-mailed after the commit.
    Earlier links of the account stop working; ``actor`` is the admin who sent it (None when
    its owner asked for it)."""
    if not user.active:
        raise ServiceError(_("A deactivated account cannot log in: activate it first."), None)
    now = utcnow()
    db.session.execute(sa.delete(PasswordReset).where(
        PasswordReset.user_id == user.id,
        sa.or_(PasswordReset.used_at.is_(None), PasswordReset.used_at < now - timedelta(days=7))))
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user_id=user.id, token_hash=token_hash(token), created_at=now,
                                 expires_at=now + _lifetime()))
    record_revision(user, "reset_link", actor, None, None)
    db.session.flush()
    return token


def request_link(identity: str) -> tuple[User, str] | None:
    """Someone asked for a reset link for the account ``identity`` names: (the account, its
    new token) when it is an active account, else None — the page answers the same."""
    user = get_by_email(identity)
    if user is None or not user.active:
        return None
    return user, new_link(user, None)


def _valid(token: str | None):
    now = utcnow()
    return (PasswordReset.token_hash == token_hash(token or ""), PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now)


def account_of(token: str | None) -> User | None:
    """The active account a reset link (still unused and unexpired) is for, else None."""
    if not token or len(token) > 200:
        return None
    user = db.session.scalar(sa.select(User).join(PasswordReset, PasswordReset.user_id == User.id)
                             .where(*_valid(token)))
    return user if user is not None and user.active else None


def reset(token: str, password: str) -> User:
    """Choose a new password through a reset link (flushed). The link is taken in one
    statement (used once, even by two requests at the same moment); the account's other
    links and every login of it end. Refused (ServiceError) for a link that no longer works
    or a password against the rules."""
    user = account_of(token)
    if user is None:
        raise ServiceError(_("This link no longer works."), None)
    check_password_rules(password)
    now = utcnow()
    taken = db.session.execute(sa.update(PasswordReset).where(*_valid(token))
                               .values(used_at=now).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise ServiceError(_("This link no longer works."), None)
    end_reset_links(user)
    user.set_password(password)
    user.invalidate_sessions()
    record_revision(user, "password_reset", user, None, {"password": "changed"})
    db.session.flush()
    return user

