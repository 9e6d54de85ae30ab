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


class ConsultationMethod(StrEnum):
    """A form of consultation the announcement names (Kraków's resolution asks for at least
    three): the ways remarks are taken and the meetings held."""

    ONLINE_FORM = "online_form"
    PAPER_FORM = "paper_form"
    EMAIL = "email"
    EPUAP = "epuap"
    OPEN_MEETINGS = "open_meetings"
    OTHER = "other"

    @property
    def label(self):
        return {
            ConsultationMethod.ONLINE_FORM: _l("online form"),
            ConsultationMethod.PAPER_FORM: _l("paper form"),
            ConsultationMethod.EMAIL: _l("e-mail"),
            ConsultationMethod.EPUAP: _l("ePUAP"),
            ConsultationMethod.OPEN_MEETINGS: _l("open consultation meetings"),
            ConsultationMethod.OTHER: _l("another form (in the description)"),
        }[self]


class SubmissionChannel(StrEnum):
    """How a submission reached the department: the online form, or registered by staff from
    a paper form, an e-mail, ePUAP or a meeting (one receipt-number series for all)."""

    ONLINE = "online"
    PAPER = "paper"
    EMAIL = "email"
    EPUAP = "epuap"
    MEETING = "meeting"

    @property
    def label(self):
        return {
            SubmissionChannel.ONLINE: _l("online form"),
            SubmissionChannel.PAPER: _l("paper form"),
            SubmissionChannel.EMAIL: _l("e-mail"),
            SubmissionChannel.EPUAP: _l("ePUAP"),
            SubmissionChannel.MEETING: _l("at a consultation meeting"),
        }[self]

    @classmethod
    def registered(cls) -> tuple[SubmissionChannel, ...]:
        """The channels staff register submissions from (all but the online form)."""
        return tuple(c for c in cls if c != cls.ONLINE)


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
    REMARK = "postulate"  # stored under the first name of remarks
    IMPORT = "import"
    ROOM = "room"  # sent by a participant from a phone in the room, accepted by a facilitator


class ContributionStatus(StrEnum):
    """A participant's idea sent from the room: waiting in the queue, then accepted as an
    entry, merged into an entry, or dismissed."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    MERGED = "merged"
    DISMISSED = "dismissed"

    @property
    def label(self):
        return {
            ContributionStatus.PENDING: _l("waiting"),
            ContributionStatus.ACCEPTED: _l("accepted as an entry"),
            ContributionStatus.MERGED: _l("merged into an entry"),
            ContributionStatus.DISMISSED: _l("dismissed"),
        }[self]


class CommentStatus(StrEnum):
    """A participant's comment on the draft minutes: waiting, taken into the entry, or
    answered (not taken in, with the facilitator's reply)."""

    OPEN = "open"
    ACCEPTED = "accepted"
    ANSWERED = "answered"

    @property
    def label(self):
        return {
            CommentStatus.OPEN: _l("waiting for the facilitator"),
            CommentStatus.ACCEPTED: _l("taken into the summary"),
            CommentStatus.ANSWERED: _l("answered"),
        }[self]


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


class MailKind(StrEnum):
    """What an e-mail of the outbox is (consult.outbox): named on the admins' status page."""

    RECEIPT = "receipt"
    TRACKING_LINK = "tracking_link"
    STANCES = "stances"
    REGISTRATION = "registration"
    REVIEW = "review"
    RESET_LINK = "reset_link"
    PASSWORD_CHANGED = "password_changed"
    REMINDER = "reminder"

    @property
    def label(self):
        return {
            MailKind.RECEIPT: _l("receipt of remarks"),
            MailKind.TRACKING_LINK: _l("new private link to remarks"),
            MailKind.STANCES: _l("stances on remarks published"),
            MailKind.REGISTRATION: _l("registration for a meeting"),
            MailKind.REVIEW: _l("invitation to review minutes"),
            MailKind.RESET_LINK: _l("link to set a password"),
            MailKind.PASSWORD_CHANGED: _l("password changed"),
            MailKind.REMINDER: _l("reminder of missing stances"),
        }[self]


class MailStatus(StrEnum):
    QUEUED = "queued"  # waiting for its (next) attempt
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # every attempt failed; an admin may try again

    @property
    def label(self):
        return {
            MailStatus.QUEUED: _l("waiting to be sent"),
            MailStatus.SENDING: _l("being sent"),
            MailStatus.SENT: _l("sent out"),
            MailStatus.FAILED: _l("not sent"),
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


class RemarkTarget(StrEnum):
    """What part of the consulted programme a remark concerns."""

    GENERAL = "general"
    PLANE = "plane"
    PRIORITY = "priority"
    DOCUMENT = "document"

    @property
    def label(self):
        return {
            RemarkTarget.GENERAL: _l("the document as a whole"),
            RemarkTarget.PLANE: _l("cooperation plane"),
            RemarkTarget.PRIORITY: _l("program priority"),
            RemarkTarget.DOCUMENT: _l("part of the document"),
        }[self]


class RemarkStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"

    @property
    def label(self):
        return {
            RemarkStatus.SUBMITTED: _l("waiting for review"),
            RemarkStatus.ACCEPTED: _l("accepted for consideration"),
            RemarkStatus.DUPLICATE: _l("merged with another remark"),
            RemarkStatus.REJECTED: _l("rejected"),
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
