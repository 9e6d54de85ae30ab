from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, validates
from werkzeug.security import check_password_hash, generate_password_hash

from consult.core.enums import Role, enum_column_type
from consult.core.models import TimestampMixin, UTCDateTime, utcnow
from consult.extensions import db


class User(UserMixin, TimestampMixin, db.Model):
    """A staff account. NGOs never need one."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "user_role"))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    consultations = db.relationship(
        "Consultation",
        secondary="consultation_facilitator",
        back_populates="facilitators",
        order_by="Consultation.title",
    )

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return value.strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Flask-Login
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    # The secret of the login session this request runs in (see LoginSession), set when
    # the session is started or loaded; part of the session and remember-me cookies.
    session_secret = None  # str | None; not a column

    def get_id(self) -> str:
        return f"{self.id}:{self.session_secret}"

    def invalidate_sessions(self) -> None:
        """Logs the user out everywhere (a new password, a deactivation)."""
        db.session.execute(sa.update(LoginSession).where(
            LoginSession.user_id == self.id, LoginSession.revoked_at.is_(None))
            .values(revoked_at=utcnow()).execution_options(synchronize_session=False))

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class LoginSession(db.Model):
    """One login on one device: what the session (and remember-me) cookie points at.

    The cookie carries a random secret; only its sha256 is stored. A login ends when it is
    revoked (logout, a new password, deactivation), when it has been idle for
    SESSION_IDLE_MINUTES, or at its expiry (SESSION_MAX_HOURS, or REMEMBER_DAYS for a
    "remember me" login) — whichever comes first; consult.auth.services decides.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class PasswordReset(db.Model):
    """A link that lets a staff member choose a new password (consult.auth.passwords).

    The link carries a random token; only its sha256 is stored. It can be used once, until
    ``expires_at`` (PASSWORD_RESET_MINUTES after it was made); a newer link of the same
    account, or the use of any, ends the others.
    """

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
