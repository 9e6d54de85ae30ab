"""Every model, imported in one place so that Alembic and the app see the whole schema."""

from consult.auth.models import LoginSession, PasswordReset, User
from consult.consultations.models import Consultation, ConsultationDocument, Plane, Priority, consultation_facilitator
from consult.core.models import Revision
from consult.meetings.models import AgendaItem, Entry, Meeting, Part, Section
from consult.remarks.models import Remark, Submission, TrackingLink
from consult.reports.models import Publication, RenderJob

__all__ = [
    "AgendaItem",
    "Consultation",
    "ConsultationDocument",
    "Entry",
    "LoginSession",
    "Meeting",
    "Part",
    "PasswordReset",
    "Plane",
    "Remark",
    "Priority",
    "Publication",
    "RenderJob",
    "Revision",
    "Section",
    "Submission",
    "TrackingLink",
    "User",
    "consultation_facilitator",
]
