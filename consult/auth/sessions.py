"""Login sessions kept on the server, so that a logout really ends one.

The session cookie (and the remember-me cookie) carry ``<user id>:<secret>``; the database
keeps the secret's sha256 in a :class:`LoginSession`. A login is alive while it is not
revoked, not past its expiry and — unless "remember me" was ticked — not idle for longer
than ``SESSION_IDLE_MINUTES``. A copied cookie therefore opens nothing once its owner has
logged out, changed the password or been deactivated, and an unattended browser is logged
out after the idle time. An open capture board keeps its session alive (its poll is use).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from consult.auth.models import LoginSession, User
from consult.core.models import utcnow
from consult.extensions import db

# last_seen_at is written at most this often per session (not at every request or poll).
TOUCH_EVERY = timedelta(seconds=60)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def parse_cookie(token: Any) -> tuple[int, str] | None:
    """(user id, secret) of what a session or remember-me cookie carries (``User.get_id()``)."""
    raw_id, _sep, secret = str(token or "").partition(":")
    try:
        user_id = int(raw_id)
    except ValueError:
        return None
    if not 0 < user_id < 2**31 or not 20 <= len(secret) <= 100:
        return None
    return user_id, secret


def _idle() -> timedelta:
    return timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"]))


def is_alive(remember: bool, last_seen_at: datetime, expires_at: datetime,
             revoked_at: datetime | None, now: datetime | None = None) -> bool:
    """The one rule of a login's life (the page loader and the board's poll both ask it)."""
    now = now or utcnow()
    if revoked_at is not None or expires_at <= now:
        return False
    return remember or last_seen_at > now - _idle()


def needs_touch(last_seen_at: datetime, now: datetime | None = None) -> bool:
    return last_seen_at <= (now or utcnow()) - TOUCH_EVERY


def start(user: User, remember: bool) -> LoginSession:
    """A new login of ``user`` on this device (flushed); its secret goes into the cookie."""
    config, now = current_app.config, utcnow()
    lifetime = (timedelta(days=int(config["REMEMBER_DAYS"])) if remember
                else timedelta(hours=int(config["SESSION_MAX_HOURS"])))
    secret = secrets.token_urlsafe(32)
    # Ended logins of this account are kept a while (the audit of a day), then forgotten.
    db.session.execute(sa.delete(LoginSession).where(
        LoginSession.user_id == user.id,
        sa.or_(LoginSession.expires_at < now - timedelta(days=7),
               LoginSession.revoked_at < now - timedelta(days=7))))
    login = LoginSession(user_id=user.id, secret_hash=secret_hash(secret), remember=remember,
                         created_at=now, last_seen_at=now, expires_at=now + lifetime)
    db.session.add(login)
    db.session.flush()
    user.session_secret = secret
    return login


def load(token: Any) -> User | None:
    """The user of a live login named by a cookie, else None (Flask-Login's user loader)."""
    parsed = parse_cookie(token)
    if parsed is None:
        return None
    user_id, secret = parsed
    row = db.session.execute(
        sa.select(User, LoginSession).join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == user_id, LoginSession.secret_hash == secret_hash(secret))).first()
    if row is None:
        return None
    user, login = row
    now = utcnow()
    if not user.active or not is_alive(login.remember, login.last_seen_at, login.expires_at,
                                       login.revoked_at, now):
        return None
    if needs_touch(login.last_seen_at, now):
        # Its own short transaction: the request's session may stay read-only.
        with db.engine.begin() as conn:
            conn.execute(sa.update(LoginSession).where(LoginSession.id == login.id)
                         .values(last_seen_at=now))
    user.session_secret = secret
    return user


def end(user: User) -> None:
    """Log out the login this request runs in (flushed)."""
    if user.session_secret:
        db.session.execute(sa.update(LoginSession).where(
            LoginSession.secret_hash == secret_hash(user.session_secret),
            LoginSession.revoked_at.is_(None)).values(revoked_at=utcnow())
            .execution_options(synchronize_session=False))
