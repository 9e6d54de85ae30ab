"""Errors that services raise and views turn into messages next to the right field."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; ``message`` is shown to the user."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status  # 422 for input the user can correct, 404 for foreign ids


def attach_to_form(form, error: ServiceError) -> None:
    """Show a service error next to its field (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
