"""The document kinds the app has: importing this module registers every one of them.

A new kind is a module of its own with a :class:`~consult.reports.kinds.DocumentKind`
subclass (and the template of its document), imported here.
"""

from __future__ import annotations

from consult.reports.kinds import KINDS, DocumentKind, get, of_consultations, of_meetings
from consult.reports.report import REPORT
from consult.reports.summaries import COMPILATION, SUMMARY

__all__ = ["COMPILATION", "KINDS", "REPORT", "SUMMARY", "DocumentKind", "get", "of_consultations",
           "of_meetings"]
