from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import current_user, login_required

from consult.core.permissions import can_view_consultation
from consult.core.views import get_or_404
from consult.meetings.models import Meeting
from consult.reports import rendering

bp = Blueprint("reports", __name__, url_prefix="/meetings/<int:meeting_id>")


def _meeting(meeting_id: int) -> Meeting:
    meeting = get_or_404(Meeting, meeting_id)
    if not can_view_consultation(current_user, meeting.consultation):
        abort(403)
    return meeting


@bp.get("/summary")
@login_required
def preview(meeting_id: int):
    """The summary as it will print, in the browser."""
    return rendering.summary_html(_meeting(meeting_id), for_pdf=False)


@bp.get("/summary.pdf")
@login_required
def pdf(meeting_id: int):
    """A PDF of the summary as it is now (a draft: published versions are stored)."""
    meeting = _meeting(meeting_id)
    body = rendering.summary_pdf(meeting)
    disposition = "inline" if request.args.get("inline") else "attachment"
    return body, 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'{disposition}; filename="{rendering.file_name(meeting)}"',
        "Cache-Control": "no-store",
    }
