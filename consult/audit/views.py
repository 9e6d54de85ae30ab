"""Admins browse the audit trail: who changed what, when, from what to what."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from consult.audit import labels, services
from consult.core.enums import Role
from consult.core.formatting import site_zone
from consult.core.forms import none_if_empty
from consult.core.models import parse_id
from consult.core.permissions import roles_required

bp = Blueprint("audit", __name__, url_prefix="/admin")


def _int(name: str) -> int | None:
    return parse_id(request.args.get(name))


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


@bp.get("/revisions")
@roles_required(Role.ADMIN)
def revisions():
    filters = services.Filters(
        object_type=none_if_empty(request.args.get("object_type")), object_id=_int("object_id"),
        user_id=_int("user_id"), action=none_if_empty(request.args.get("action")),
        since=_date("since"), until=_date("until"))
    page = services.revisions(filters, max(1, _int("page") or 1),
                              site_zone())
    return render_template("audit/revisions.html", page=page, filters=filters,
                           object_types=services.object_types(), actions=services.actions(),
                           users=services.users(), rows=services.shown_page(page.revisions),
                           labels=labels)
