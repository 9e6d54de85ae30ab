"""Every model, imported in one place so that Alembic and the app see the whole schema."""

from consult.auth.models import LoginSession, PasswordReset, User
from consult.consultations.models import Consultation, ConsultationDocument, Plane, Priority, consultation_facilitator
from consult.core.models import Revision
from consult.meetings.models import AgendaItem, Entry, Meeting, Part, Section
from consult.outbox.models import OutgoingMail
from consult.participants.models import Attendee, Registration
from consult.remarks.models import Remark, Submission, SubmissionFile, TrackingLink
from consult.reports.models import Publication, RenderJob
from consult.review.models import Review, ReviewComment, Reviewer
from consult.room.models import Contribution

__all__ = [
    "AgendaItem",
    "Attendee",
    "Contribution",
    "Consultation",
    "ConsultationDocument",
    "Entry",
    "LoginSession",
    "Meeting",
    "OutgoingMail",
    "Part",
    "PasswordReset",
    "Plane",
    "Remark",
    "Priority",
    "Publication",
    "Registration",
    "RenderJob",
    "Review",
    "ReviewComment",
    "Reviewer",
    "Revision",
    "Section",
    "Submission",
    "SubmissionFile",
    "TrackingLink",
    "User",
    "consultation_facilitator",
]
