"""Enumerations stored as strings (portable CHECK constraints, no native enum types)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

# Members are their values in text: str(Role.ADMIN) == "admin".
StrEnum = enum.StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    OFFICIAL = "official"

    @property
    def label(self):
        return {
            Role.ADMIN: _l("administrator"),
            Role.FACILITATOR: _l("facilitator"),
            Role.OFFICIAL: _l("official"),
        }[self]


class ConsultationStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    REPORTED = "reported"

    @property
    def label(self):
        return {
            ConsultationStatus.DRAFT: _l("draft"),
            ConsultationStatus.OPEN: _l("open"),
            ConsultationStatus.CLOSED: _l("closed"),
            ConsultationStatus.REPORTED: _l("reported"),
        }[self]


class EntryKind(StrEnum):
    STRENGTH = "strength"
    WEAKNESS = "weakness"
    CONCLUSION = "conclusion"
    IDEA = "idea"

    @property
    def label(self):
        return {
            EntryKind.STRENGTH: _l("strength"),
            EntryKind.WEAKNESS: _l("weakness"),
            EntryKind.CONCLUSION: _l("conclusion"),
            EntryKind.IDEA: _l("idea"),
        }[self]


class EntrySource(StrEnum):
    LIVE = "live"
    POSTULATE = "postulate"
    IMPORT = "import"


def enum_column_type(enum_cls: type[enum.Enum], name: str):
    """A VARCHAR column with a named CHECK constraint listing the enum's values."""
    import sqlalchemy as sa

    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


class PublicationKind(StrEnum):
    SUMMARY = "summary"  # one meeting's summary
    COMPILATION = "compilation"  # every meeting of a consultation, with cover and contents
    REPORT = "report"  # the consultation report with its table of remarks (PDF, DOCX, CSV)

    @property
    def label(self):
        return {
            PublicationKind.SUMMARY: _l("meeting summary"),
            PublicationKind.COMPILATION: _l("summaries of all meetings"),
            PublicationKind.REPORT: _l("consultation report"),
        }[self]


class JobKind(StrEnum):
    DRAFT_SUMMARY = "draft_summary"
    PUBLISH_SUMMARY = "publish_summary"
    DRAFT_COMPILATION = "draft_compilation"
    PUBLISH_COMPILATION = "publish_compilation"
    DRAFT_REPORT = "draft_report"
    PUBLISH_REPORT = "publish_report"

    @property
    def publishes(self) -> bool:
        return self.value.startswith("publish_")

    @property
    def document(self) -> PublicationKind:
        """What the job renders."""
        return PublicationKind(self.value.split("_", 1)[1])

    @property
    def label(self):
        return {
            JobKind.DRAFT_SUMMARY: _l("Draft PDF of the meeting summary"),
            JobKind.PUBLISH_SUMMARY: _l("Publishing the meeting summary"),
            JobKind.DRAFT_COMPILATION: _l("Draft PDF of all meeting summaries"),
            JobKind.PUBLISH_COMPILATION: _l("Publishing all meeting summaries"),
            JobKind.DRAFT_REPORT: _l("Draft PDF of the consultation report"),
            JobKind.PUBLISH_REPORT: _l("Publishing the consultation report"),
        }[self]


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self):
        return {
            JobStatus.QUEUED: _l("waiting in the queue"),
            JobStatus.RUNNING: _l("rendering"),
            JobStatus.DONE: _l("done"),
            JobStatus.FAILED: _l("failed"),
        }[self]


class LegalForm(StrEnum):
    """Legal forms of the organisations that may submit remarks (art. 3 of the act)."""

    ASSOCIATION = "association"
    FOUNDATION = "foundation"
    ORDINARY_ASSOCIATION = "ordinary_association"
    SOCIAL_COOPERATIVE = "social_cooperative"
    CHURCH_ENTITY = "church_entity"
    SPORTS_CLUB = "sports_club"
    OTHER = "other"

    @property
    def label(self):
        return {
            LegalForm.ASSOCIATION: _l("association"),
            LegalForm.FOUNDATION: _l("foundation"),
            LegalForm.ORDINARY_ASSOCIATION: _l("ordinary association"),
            LegalForm.SOCIAL_COOPERATIVE: _l("social cooperative"),
            LegalForm.CHURCH_ENTITY: _l("church legal person or organisational unit"),
            LegalForm.SPORTS_CLUB: _l("sports club"),
            LegalForm.OTHER: _l("other public-benefit organisation"),
        }[self]


class PostulateTarget(StrEnum):
    """What part of the consulted programme a remark concerns."""

    GENERAL = "general"
    PLANE = "plane"
    PRIORITY = "priority"
    DOCUMENT = "document"

    @property
    def label(self):
        return {
            PostulateTarget.GENERAL: _l("the document as a whole"),
            PostulateTarget.PLANE: _l("cooperation plane"),
            PostulateTarget.PRIORITY: _l("program priority"),
            PostulateTarget.DOCUMENT: _l("part of the document"),
        }[self]


class PostulateStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"

    @property
    def label(self):
        return {
            PostulateStatus.SUBMITTED: _l("waiting for review"),
            PostulateStatus.ACCEPTED: _l("accepted for consideration"),
            PostulateStatus.DUPLICATE: _l("merged with another remark"),
            PostulateStatus.REJECTED: _l("rejected"),
        }[self]


class Stance(StrEnum):
    """The official answer to a remark (art. 5a of the act: how every remark was handled)."""

    ACCEPTED = "accepted"
    PARTLY = "partly"
    NOT_ACCEPTED = "not_accepted"
    EXPLAINED = "explained"

    @property
    def label(self):
        return {
            Stance.ACCEPTED: _l("accepted"),
            Stance.PARTLY: _l("partly accepted"),
            Stance.NOT_ACCEPTED: _l("not accepted"),
            Stance.EXPLAINED: _l("explained"),
        }[self]

    @property
    def needs_reasoning(self) -> bool:
        return self != Stance.ACCEPTED
