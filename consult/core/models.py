"""Base mixins and the revision log shared by every area."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on both SQLite (which drops tzinfo) and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SoftDeleteMixin:
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Revision(db.Model):
    """One change to one object: who, when, what, before and after (JSON snapshots)."""

    __tablename__ = "revision"
    __table_args__ = (sa.Index("ix_revision_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(40))
    before: Mapped[Any | None] = mapped_column(sa.JSON)
    after: Mapped[Any | None] = mapped_column(sa.JSON)

    user = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<Revision {self.action} {self.object_type}#{self.object_id}>"


MAX_ID = 2**31 - 1  # INTEGER primary keys: a larger number matches nothing


def parse_id(value: Any) -> int | None:
    """An id as sent by a form or a URL, as a number the database can compare with its
    INTEGER ids (PostgreSQL refuses text, and numbers beyond INTEGER); None when it cannot
    be one."""
    try:
        number = int(str(value).strip()) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and 0 < number <= MAX_ID else None


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """A JSON-safe dict of the given attributes, for revision before/after."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, enum.Enum):
            value = value.value
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[name] = value
    return out


def record_revision(
    obj: Any, action: str, user: Any | None, before: dict | None, after: dict | None
) -> Revision:
    """Add a revision for ``obj`` to the session (the caller commits)."""
    if obj.id is None:
        db.session.flush()
    rev = Revision(
        object_type=obj.__tablename__,
        object_id=obj.id,
        action=action,
        user_id=getattr(user, "id", None),
        before=before,
        after=after,
    )
    db.session.add(rev)
    return rev
