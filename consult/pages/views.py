"""Pages that combine areas: each role's start page, a consultation's page (its meetings,
documents, remarks, the summaries and the report) and a meeting's page (its summary and
documents).

This is the top layer: it reads the services of the areas below it (consultations,
meetings, remarks, reports), and none of them imports it. The consultation's document
uploads are posted here, since a refused one is shown again on this page, at its field.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.consultations import services as consultations
from consult.consultations.deadlines import announcement_warnings, deadlines
from consult.consultations.forms import DocumentForm
from consult.consultations.models import Consultation, ConsultationDocument
from consult.core.enums import Role
from consult.core.formatting import site_zone
from consult.core.i18n import DOCUMENT_LANGUAGES
from consult.core.permissions import can_edit_meetings, can_view_board, can_view_consultation
from consult.core.views import child_or_404, get_or_404, handle_form
from consult.extensions import db
from consult.meetings import services as meetings
from consult.meetings.models import Meeting
from consult.pages import start as starts
from consult.remarks import queries as remarks
from consult.reports import catalogue, publications

bp = Blueprint("pages", __name__)


def _panels(subject, **known) -> list[tuple[publications.Documents, bool]]:
    """The documents panels of a meeting or consultation: each kind of document about it,
    and whether this user may publish it."""
    kinds = catalogue.of_meetings() if isinstance(subject, Meeting) else catalogue.of_consultations()
    consultation = subject.consultation if isinstance(subject, Meeting) else subject
    return [(publications.documents(kind, subject, **known), kind.may_publish(current_user, consultation))
            for kind in kinds]


@bp.get("/start")
@login_required
def start():
    """Each role's start page (consult.pages.start): where the site's home and a login
    without a ``next`` lead."""
    if current_user.role == Role.ADMIN:
        return render_template("pages/start_admin.html", overview=starts.admin_start(),
                               kinds=catalogue.KINDS)
    if current_user.role == Role.OFFICIAL:
        return render_template("pages/start_official.html", waiting=starts.waiting_for_stance())
    return render_template("pages/start_facilitator.html",
                           start=starts.facilitator_start(current_user, datetime.now(site_zone()).date()))


@bp.get("/consultations/<int:consultation_id>")
@login_required
def consultation(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    if not can_view_consultation(current_user, consultation):
        abort(403)
    return _consultation_page(consultation)


def _consultation_page(consultation: Consultation, document_form: DocumentForm | None = None) -> str:
    editor = can_edit_meetings(current_user, consultation)
    return render_template(
        "pages/consultation.html",
        consultation=consultation,
        can_edit_meetings=editor,
        document_form=document_form or (DocumentForm() if editor else None),
        hidden_documents=consultations.hidden_documents(consultation) if editor else [],
        panels=_panels(consultation),
        remark_count=remarks.remark_count(consultation),
        deadlines=deadlines(consultation),
        announcement_warnings=announcement_warnings(consultation),
        document_languages=DOCUMENT_LANGUAGES,
    )


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    if not can_view_consultation(current_user, meeting.consultation):
        abort(403)
    tree = meetings.summary_tree(meeting)
    return render_template(
        "pages/meeting.html",
        meeting=meeting,
        consultation=meeting.consultation,
        tree=tree,
        can_edit=can_edit_meetings(current_user, meeting.consultation),
        can_view_board=can_view_board(current_user, meeting.consultation),
        show_kinds=request.args.get("kinds", "1" if meeting.show_kinds else "0") != "0",
        panels=_panels(meeting, tree=tree),
    )


# Documents of the consultation -----------------------------------------------------------------


@bp.post("/consultations/<int:consultation_id>/documents")
@login_required
def document_add(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    if not can_edit_meetings(current_user, consultation):
        abort(403)
    form = DocumentForm()
    return handle_form(
        form, lambda: consultations.add_document(consultation, form.title.data, form.file.data, current_user),
        success_url=url_for(".consultation", consultation_id=consultation.id, _anchor="documents"),
        message=lambda document: _("Document “%(title)s” added.", title=document.title),
        page=lambda: _consultation_page(consultation, document_form=form))


@bp.post("/consultations/<int:consultation_id>/documents/<int:document_id>/delete")
@login_required
def document_remove(consultation_id: int, document_id: int):
    return _document_change(consultation_id, document_id, consultations.remove_document,
                            _("Document “%(title)s” removed from the public page."))


@bp.post("/consultations/<int:consultation_id>/documents/<int:document_id>/restore")
@login_required
def document_restore(consultation_id: int, document_id: int):
    return _document_change(consultation_id, document_id, consultations.restore_document,
                            _("Document “%(title)s” is back on the public page."))


def _document_change(consultation_id: int, document_id: int, change, message: str):
    """Hide or restore a document of the consultation (its editors only)."""
    consultation = get_or_404(Consultation, consultation_id)
    if not can_edit_meetings(current_user, consultation):
        abort(403)
    document = child_or_404(ConsultationDocument, consultation, document_id)
    change(document, current_user)
    db.session.commit()
    flash(message % {"title": document.title}, "success")
    return redirect(url_for(".consultation", consultation_id=consultation.id, _anchor="documents"), 303)
