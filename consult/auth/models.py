from __future__ import annotations

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, validates
from werkzeug.security import check_password_hash, generate_password_hash

from consult.core.enums import Role, enum_column_type
from consult.core.models import TimestampMixin
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
    # Part of the login cookie: bumping it logs the user out of every session.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

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

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def invalidate_sessions(self) -> None:
        self.session_version += 1

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"
