"""Errors that services raise and views turn into messages next to the right field."""

from __future__ import annotations


class InvalidTransition(Exception):
    """A status change that an object's life cycle does not allow (a bug of the caller: the
    service that offers the change refuses it with a ServiceError first)."""


class ServiceError(Exception):
    """A request that cannot be carried out; ``message`` is shown to the user."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status  # 422 for input the user can correct, 404 for foreign ids


def _field(form, name: str):
    """The field ``name`` of the form: a plain field, or one inside a list of subforms
    named as WTForms names its controls ("remarks-0-remark")."""
    field = getattr(form, name, None)
    if field is not None or "-" not in name:
        return field
    list_name, _sep, rest = name.partition("-")
    index, _sep, sub = rest.partition("-")
    entries = getattr(form, list_name, None)
    if entries is None or not index.isdigit() or int(index) >= len(entries):
        return None
    return _field(entries[int(index)].form, sub) if sub else None


def attach_to_form(form, error: ServiceError) -> None:
    """Show a service error next to its field (or at the top of the form)."""
    field = _field(form, error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
