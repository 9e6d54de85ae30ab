"""The meeting summary and the compilation of all meetings of a consultation (document kinds)."""

from __future__ import annotations

from datetime import date

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from slugify import slugify

from consult.consultations.models import Consultation
from consult.core.formatting import long_date
from consult.core.i18n import document_language
from consult.core.models import utcnow
from consult.meetings.models import Meeting
from consult.meetings.services import PartNode, entry_count, summary_tree
from consult.reports import rendering, summary_files
from consult.reports.kinds import KINDS, DocumentKind, consultation_file_name, register
from consult.review.services import outcome, summary_line

# "Summary of the consultation meeting" + the audience part of the meeting's title.
AUDIENCE_PREFIXES = {"pl": "spotkanie konsultacyjne ", "en": "consultation meeting "}


def audience(meeting: Meeting) -> str:
    """"dla organizacji …" of "Spotkanie konsultacyjne dla organizacji …" (else the title)."""
    prefix = AUDIENCE_PREFIXES[document_language(meeting.consultation)]
    if meeting.title.lower().startswith(prefix):
        return meeting.title[len(prefix):]
    return meeting.title


@register
class MeetingSummary(DocumentKind):
    key = "summary"
    position = 10
    subject = Meeting
    path = "/meetings/<int:subject_id>/summary"
    anchor = "meeting-documents"
    formats = ("pdf", "docx", "odt")  # DOCX and ODT: for a city that edits its copy
    label = _l("meeting summary")
    heading = _l("Summary document")
    preview_link = _l("Preview the summary")
    versions_caption = _l("Published versions of the summary")
    not_published = _l("No version of the summary has been published yet.")
    changed_notice = _l("the summary differs from the published version %(n)d. Publish again to "
                        "make the changes public.")
    publish_button = _l("Publish the summary as version %(n)d")
    publish_hint = _l("PDF, DOCX and ODT are published together. A published version is kept as it "
                      "is: later changes do not alter it, and every version stays downloadable.")
    draft_job = _l("Draft PDF of the meeting summary")
    publish_job = _l("Publishing the meeting summary")

    def title(self, meeting: Meeting) -> str:
        language = document_language(meeting.consultation)
        with force_locale(language):
            heading = _("Summary of the consultation meeting")
        return f"{heading} {audience(meeting)} – {long_date(meeting.date, language)}"

    def html(self, meeting: Meeting, *, for_pdf: bool, data=None, draft: bool = True) -> str:
        """``data``: the meeting's summary tree when the caller has built it already."""
        return rendering.document(
            "reports/summary.html", meeting.consultation, for_pdf=for_pdf,
            nav=lambda: (url_for("pages.meeting", meeting_id=meeting.id), _("Back to the meeting"),
                         self.url("draft_pdf", meeting)),
            draft=draft, meeting=meeting, tree=summary_tree(meeting) if data is None else data,
            title=self.title(meeting), meeting_audience=audience)

    def data(self, meeting: Meeting) -> list[PartNode]:
        return summary_tree(meeting)

    def export(self, meeting: Meeting, fmt: str, data: list[PartNode] | None,
               today: date | None = None) -> bytes:
        """The summary as DOCX or ODT, in its consultation's language, block for block as in
        its PDF (consult.reports.summary_files)."""
        language = document_language(meeting.consultation)
        with force_locale(language):
            items = summary_files.blocks(meeting, summary_tree(meeting) if data is None else data,
                                         audience(meeting), summary_line(outcome(meeting)))
            return summary_files.WRITERS[fmt](items, self.title(meeting), meeting.prepared_by, language)

    def exports_inline(self, data: list[PartNode]) -> bool:
        """By the size of the entries' text, as the report's table (RENDER_INLINE_MAX_KB × 32)."""
        def size(nodes) -> int:
            return sum(len(node.entry.text) + size(node.children) for node in nodes)

        total = sum(size(node.entries) for part in data for node in part.sections)
        return total <= current_app.config["RENDER_INLINE_MAX_KB"] * 1024 * 32

    def file_stem(self, meeting: Meeting) -> tuple[str, str]:
        name = slugify(audience(meeting), max_length=80, word_boundary=True)
        words = rendering.FILE_NAMES[document_language(meeting.consultation)]
        return "summary", f"{meeting.date.isoformat()}-{name or words['meeting']}"

    def publish_refusal(self, meeting: Meeting) -> str | None:
        if entry_count(meeting=meeting) == 0:
            return _("Nothing has been captured at this meeting yet: there is nothing to publish.")
        return None

    def changed_since(self, meeting: Meeting, latest, tree=None) -> bool:
        """``tree``: the meeting page's summary tree, not built twice."""
        return latest is not None and latest.source_sha256 != rendering.source_sha256(
            self.html(meeting, for_pdf=True, data=tree, draft=False))


@register
class Compilation(DocumentKind):
    key = "compilation"
    position = 20
    subject = Consultation
    path = "/consultations/<int:subject_id>/summaries"
    anchor = "compilation-documents"
    label = _l("summaries of all meetings")
    heading = _l("Summaries of all meetings")
    description = _l("Every meeting's summary in one PDF, with a cover and a table of contents.")
    publish_button = _l("Publish the summaries of all meetings as version %(n)d")
    draft_job = _l("Draft PDF of all meeting summaries")
    publish_job = _l("Publishing all meeting summaries")

    def title(self, consultation: Consultation) -> str:
        with force_locale(document_language(consultation)):
            return f"{_('Summaries of the consultation meetings')} – {consultation.title}"

    def html(self, consultation: Consultation, *, for_pdf: bool, data=None, draft: bool = True,
             today: date | None = None) -> str:
        """Every meeting of the consultation, with a cover and a table of contents."""
        meetings = list(consultation.meetings)
        return rendering.document(
            "reports/compilation.html", consultation, for_pdf=for_pdf,
            nav=lambda: (self.back_url(consultation), _("Back to the consultation"),
                         self.url("draft_pdf", consultation)),
            draft=draft, meetings=[(m, summary_tree(m)) for m in meetings], title=self.title(consultation),
            authors=sorted({m.prepared_by for m in meetings if m.prepared_by}),
            today=today or utcnow().date(), meeting_audience=audience)

    def file_stem(self, consultation: Consultation) -> tuple[str, str]:
        return "compilation", consultation_file_name(consultation)

    def publish_refusal(self, consultation: Consultation) -> str | None:
        if entry_count(consultation=consultation) == 0:
            return _("No meeting of this consultation has any entries yet: there is nothing to publish.")
        return None


SUMMARY = KINDS[MeetingSummary.key]
COMPILATION = KINDS[Compilation.key]
