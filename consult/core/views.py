"""Helpers for views: loading objects or 404, and the one flow every form follows."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from flask import abort, flash, redirect, render_template, request

from consult.core.errors import ServiceError, attach_to_form
from consult.extensions import db

T = TypeVar("T")


MAX_ID = 2**31 - 1  # INTEGER primary keys: a larger number from a URL matches nothing


def get_or_404(model: type[T], object_id: int) -> T:
    if not 0 < object_id <= MAX_ID:
        abort(404)
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def handle_form(
    form,
    save: Callable[[], Any],
    *,
    success_url: Callable[[Any], str] | str,
    message: Callable[[Any], str] | str,
    template: str,
    **context: Any,
):
    """Validate → call the service → commit → flash → 303 redirect.

    On invalid input, or when the service refuses, the page is shown again with every
    field as typed and the message at its field (status 422); nothing is committed.
    """
    if form.validate_on_submit():
        try:
            result = save()
        except ServiceError as exc:
            db.session.rollback()
            attach_to_form(form, exc)
        else:
            db.session.commit()
            flash(message(result) if callable(message) else message, "success")
            return redirect(success_url(result) if callable(success_url) else success_url, 303)
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status
