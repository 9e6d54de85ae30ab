"""Shared pieces: base model mixins, enums, permissions, htmx and form helpers."""
