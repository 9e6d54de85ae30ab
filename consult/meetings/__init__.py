"""Meetings, their agenda, and the structure of their summary: parts, sections, entries."""
