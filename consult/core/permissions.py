"""Who may do what. Views call these; the rules live here and on the models."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user, login_required

from consult.core.enums import Role

if TYPE_CHECKING:  # pragma: no cover
    from consult.auth.models import User
    from consult.consultations.models import Consultation


def can_view_consultation(user: User, consultation: Consultation) -> bool:
    """Every active staff member may read every consultation."""
    return bool(user.is_authenticated and user.is_active)


def can_edit_meetings(user: User, consultation: Consultation) -> bool:
    """Admins, and facilitators assigned to the consultation."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.FACILITATOR and any(
        f.id == user.id for f in consultation.facilitators
    )


def can_view_board(user: User, consultation: Consultation) -> bool:
    """The capture board: its editors, and officials (read-only); other facilitators not."""
    if not user.is_authenticated:
        return False
    return board_readers(user.role, user.is_active, lambda: can_edit_meetings(user, consultation))


def board_readers(role: Role, active: bool, assigned: Callable[[], bool]) -> bool:
    """The rule of :func:`can_view_board` on an account's role and state; ``assigned()``
    says whether a facilitator works on the consultation (asked only of facilitators; the
    board's poll reads it in the same statement as the revision)."""
    if not active:
        return False
    if role in (Role.OFFICIAL, Role.ADMIN):
        return True
    return role == Role.FACILITATOR and assigned()


def can_publish(user: User, consultation: Consultation) -> bool:
    """Publishing summaries is the work of the consultation's editors."""
    return can_edit_meetings(user, consultation)


def can_moderate(user: User, consultation: Consultation) -> bool:
    """Accepting, merging and rejecting NGO remarks: the consultation's editors."""
    return can_edit_meetings(user, consultation)


def can_see_contacts(user: User, consultation: Consultation) -> bool:
    """Who sees an organisation's contact details (contact person, e-mail, phone, address,
    register numbers) with its remarks: the consultation's own staff — its facilitators —
    and admins. Officials and other facilitators see the organisation's name only."""
    return can_edit_meetings(user, consultation)


def can_decide_stances(user: User, consultation: Consultation) -> bool:
    """The official stance on remarks: officials of the department, and admins."""
    return bool(user.is_authenticated and user.is_active
                and user.role in (Role.OFFICIAL, Role.ADMIN))


def can_register_remarks(user: User, consultation: Consultation) -> bool:
    """Registering remarks that came on paper, by e-mail, through ePUAP or at a meeting: the
    consultation's editors, and the officials who receive the department's mail."""
    return can_moderate(user, consultation) or can_decide_stances(user, consultation)


def can_download(user: User, public: bool) -> bool:
    """Published documents: every staff member; anyone once the consultation is public."""
    return public or bool(user.is_authenticated and user.is_active)


def roles_required(*roles: Role) -> Callable:
    """Login required, and the user's role must be one of ``roles`` (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = roles_required(Role.ADMIN)
