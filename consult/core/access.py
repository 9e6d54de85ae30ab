"""Who may use which endpoint: the access matrix of the whole application.

Every endpoint and method of the URL map has a row here saying which roles may use it.
The views enforce access themselves (:mod:`consult.core.permissions`, object by object);
this table is the specification they are held to: ``tests/test_access.py`` walks
``app.url_map``, fails for an endpoint missing here, and checks every role against every
row on objects of one consultation (so "facilitator of another consultation" is a
facilitator looking at objects that are not theirs).

Roles: ``anonymous`` (no account: NGOs, the public), ``official``, ``other_facilitator``
(a facilitator of another consultation), ``facilitator`` (of this consultation), ``admin``.
"""

from __future__ import annotations

ROLES = ("anonymous", "official", "other_facilitator", "facilitator", "admin")

EVERYONE = frozenset(ROLES)
STAFF = frozenset(ROLES[1:])  # every active account reads every consultation
BOARD = frozenset({"official", "facilitator", "admin"})  # the live board: its editors; officials read
EDITORS = frozenset({"facilitator", "admin"})  # the consultation's facilitators, and admins
STANCES = frozenset({"official", "admin"})  # official stances and the consultation report
ADMIN = frozenset({"admin"})
# Rows whose roles depend on the URL's document kind: the kind's ``publishers`` say
# (consult.reports.kinds; tests/test_access.py checks every kind's rule).
BY_KIND = "the document kind's publishers"

# (endpoint, method) → who may.
ACCESS: dict[tuple[str, str], frozenset[str] | str] = {
    # Start, static files, accounts
    ("index", "GET"): EVERYONE,
    ("favicon", "GET"): EVERYONE,
    ("static", "GET"): EVERYONE,
    ("csrf_token", "GET"): EVERYONE,
    ("auth.login", "GET"): EVERYONE,
    ("auth.login", "POST"): EVERYONE,
    ("auth.logout", "POST"): STAFF,
    ("auth.forgot_password", "GET"): EVERYONE,
    ("auth.forgot_password", "POST"): EVERYONE,
    ("auth.reset_password", "GET"): EVERYONE,  # whoever holds the link
    ("auth.reset_password", "POST"): EVERYONE,
    ("auth.user_reset_link", "POST"): ADMIN,
    ("auth.users", "GET"): ADMIN,
    ("auth.user_new", "GET"): ADMIN,
    ("auth.user_new", "POST"): ADMIN,
    ("auth.user_edit", "GET"): ADMIN,
    ("auth.user_edit", "POST"): ADMIN,
    ("audit.revisions", "GET"): ADMIN,
    ("outbox.index", "GET"): ADMIN,
    ("outbox.retry", "POST"): ADMIN,
    ("outbox.retry_failed", "POST"): ADMIN,
    # Consultations and their framework
    ("consultations.index", "GET"): STAFF,
    ("consultations.new", "GET"): ADMIN,
    ("consultations.new", "POST"): ADMIN,
    ("consultations.edit", "GET"): ADMIN,
    ("consultations.edit", "POST"): ADMIN,
    ("consultations.facilitators", "GET"): ADMIN,
    ("consultations.facilitators", "POST"): ADMIN,
    ("consultations.plane_new", "GET"): ADMIN,
    ("consultations.plane_new", "POST"): ADMIN,
    ("consultations.plane_edit", "GET"): ADMIN,
    ("consultations.plane_edit", "POST"): ADMIN,
    ("consultations.priority_new", "GET"): ADMIN,
    ("consultations.priority_new", "POST"): ADMIN,
    ("consultations.priority_edit", "GET"): ADMIN,
    ("consultations.priority_edit", "POST"): ADMIN,
    # Meetings
    ("meetings.new", "GET"): EDITORS,
    ("meetings.new", "POST"): EDITORS,
    ("meetings.edit", "GET"): EDITORS,
    ("meetings.edit", "POST"): EDITORS,
    ("meetings.calendar_file", "GET"): BOARD,
    ("meetings.import_file", "GET"): EDITORS,
    ("meetings.import_file", "POST"): EDITORS,
    ("meetings.import_confirm", "POST"): EDITORS,
    ("meetings.export_file", "GET"): BOARD,
    # The live capture board
    ("capture.board", "GET"): BOARD,
    ("capture.changes", "GET"): BOARD,
    ("capture.projector", "GET"): BOARD,
    ("capture.entry_view", "GET"): BOARD,
    ("capture.history", "GET"): BOARD,
    ("capture.edit_entry_form", "GET"): EDITORS,
    ("capture.move_entry_form", "GET"): EDITORS,
    ("capture.entry_actions", "GET"): EDITORS,
    ("capture.add_entry", "POST"): EDITORS,
    ("capture.add_part", "POST"): EDITORS,
    ("capture.add_section", "POST"): EDITORS,
    ("capture.details", "POST"): EDITORS,
    ("capture.focus", "POST"): EDITORS,
    ("capture.edit_entry", "POST"): EDITORS,
    ("capture.set_kind", "POST"): EDITORS,
    ("capture.move_entry", "POST"): EDITORS,
    ("capture.indent_entry", "POST"): EDITORS,
    ("capture.outdent_entry", "POST"): EDITORS,
    ("capture.delete_entry", "POST"): EDITORS,
    ("capture.restore_entry", "POST"): EDITORS,
    # Pages that combine areas (consult/pages): each role's start page, a consultation's, a meeting's
    ("pages.start", "GET"): STAFF,
    ("pages.consultation", "GET"): STAFF,
    ("pages.document_add", "POST"): EDITORS,
    ("pages.document_remove", "POST"): EDITORS,
    ("pages.document_restore", "POST"): EDITORS,
    ("pages.meeting", "GET"): STAFF,
    # Documents: every kind (consult.reports.kinds) has these endpoints
    ("reports.preview", "GET"): STAFF,
    ("reports.draft_pdf", "GET"): STAFF,
    ("reports.draft_file", "GET"): STAFF,
    ("reports.draft", "POST"): STAFF,
    ("reports.publish", "POST"): BY_KIND,
    ("reports.latest", "GET"): EVERYONE,  # once the consultation is public
    ("reports.job", "GET"): STAFF,
    ("reports.job_result", "GET"): STAFF,
    ("reports.documents", "GET"): STAFF,
    ("reports.download", "GET"): EVERYONE,  # once the consultation is public
    # Public pages and NGO remarks
    ("public.index", "GET"): EVERYONE,
    ("public.consultation", "GET"): EVERYONE,
    ("public.document", "GET"): EVERYONE,
    ("public.privacy", "GET"): EVERYONE,
    ("public.meeting_calendar", "GET"): EVERYONE,
    # The site: language, accessibility statement, personal data
    ("site.language", "POST"): EVERYONE,
    ("site.accessibility", "GET"): EVERYONE,
    ("site.privacy", "GET"): EVERYONE,
    # Meetings' participants: registering (public), a registration's private page, and the
    # registrations and attendance (personal data: the meeting's editors only)
    ("participants.register", "GET"): EVERYONE,
    ("participants.register", "POST"): EVERYONE,
    ("participants.registration", "GET"): EVERYONE,  # whoever holds the link
    ("participants.registration", "POST"): EVERYONE,
    ("participants.meeting_page", "GET"): EDITORS,
    ("participants.sign_in_sheet", "GET"): EDITORS,
    ("participants.set_present", "POST"): EDITORS,
    ("participants.add_attendee", "POST"): EDITORS,
    ("participants.remove_attendee", "POST"): EDITORS,
    ("participants.cancel_registration", "POST"): EDITORS,
    ("participants.restore_registration", "POST"): EDITORS,
    # The room contributes: the phone's page (anyone with the link), the QR code (whoever
    # sees the projector), and the queue (the meeting's editors)
    ("room.contribute", "GET"): EVERYONE,
    ("room.contribute", "POST"): EVERYONE,
    ("room.qr_code", "GET"): BOARD,
    ("room.queue", "GET"): EDITORS,
    ("room.set_state", "POST"): EDITORS,
    ("room.accept", "POST"): EDITORS,
    ("room.dismiss", "POST"): EDITORS,
    ("room.undismiss", "POST"): EDITORS,
    ("room.merge", "GET"): EDITORS,
    ("room.merge", "POST"): EDITORS,
    # The participants' review of the minutes: a reviewer's page (whoever holds its link) and
    # the facilitator's page (the reviewers' addresses: the meeting's editors)
    ("review.reviewer_page", "GET"): EVERYONE,
    ("review.reviewer_post", "POST"): EVERYONE,
    ("review.meeting_page", "GET"): EDITORS,
    ("review.open_review", "POST"): EDITORS,
    ("review.add_reviewers", "POST"): EDITORS,
    ("review.close_review", "POST"): EDITORS,
    ("review.decide", "POST"): EDITORS,
    ("remarks.submit", "GET"): EVERYONE,
    ("remarks.submit", "POST"): EVERYONE,
    ("remarks.track", "GET"): EVERYONE,  # whoever holds the link
    ("remarks.tracking_link", "GET"): EVERYONE,
    ("remarks.tracking_link", "POST"): EVERYONE,
    ("remarks.queue", "GET"): STAFF,
    ("remarks.register", "GET"): BOARD,  # the consultation's editors, officials, admins
    ("remarks.register", "POST"): BOARD,
    ("remarks.submission_file", "GET"): EDITORS,  # personal data: who sees contact details
    ("remarks.detail", "GET"): STAFF,
    ("remarks.accept", "POST"): EDITORS,
    ("remarks.duplicate", "POST"): EDITORS,
    ("remarks.reject", "POST"): EDITORS,
    ("remarks.stance", "POST"): STANCES,
    ("remarks.publish_stances", "POST"): STANCES,
    ("remarks.bulk_stance", "POST"): STANCES,
}
