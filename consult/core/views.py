"""Helpers for views: loading objects or 404, and the one flow every form follows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request

from consult.core.errors import ServiceError, attach_to_form
from consult.core.models import MAX_ID
from consult.extensions import db

T = TypeVar("T")


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a local path, else ``default``: a "next" parameter must not
    send people to another site.

    Control characters and spaces are refused outright: browsers and URL parsers drop
    tabs and newlines, so "/<TAB>/evil.example" would become "//evil.example".
    """
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ch <= " " or ch == "\x7f" for ch in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return default


def get_or_404(model: type[T], object_id: int) -> T:
    if not 0 < object_id <= MAX_ID:
        abort(404)
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def child_or_404(model: type[T], consultation, object_id: int) -> T:
    """An object of this consultation (a plane, a priority, a document): one of another
    consultation, reached through this one's address, does not exist here."""
    obj = get_or_404(model, object_id)
    if obj.consultation_id != consultation.id:
        abort(404)
    return obj


def commit_or_refuse(save: Callable[[], Any], *, done: Callable[[Any], Any],
                     refused: Callable[[Exception], Any],
                     refusals: tuple[type[Exception], ...] = (ServiceError,)):
    """The one way a view changes state: the service does it (flushed, not committed); when
    it refuses (``refusals``: a ServiceError, a conflict …) nothing is kept and ``refused(exc)``
    answers; else the change is committed and ``done(result)`` answers (a 303, a fragment).
    An e-mail the change makes is written to the outbox in ``save`` (consult.outbox), so that
    it goes out exactly when the change is kept."""
    try:
        result = save()
    except refusals as exc:
        db.session.rollback()
        return refused(exc)
    db.session.commit()
    return done(result)


def handle_form(
    form,
    save: Callable[[], Any],
    *,
    success_url: Callable[[Any], str] | str,
    message: Callable[[Any], str] | str,
    template: str | None = None,
    page: Callable[[], Any] | None = None,
    **context: Any,
):
    """Validate → call the service → commit → flash → 303 redirect: every form of the app.

    On invalid input, or when the service refuses, the page is shown again with every
    field as typed and the message at its field (status 422); nothing is committed. The
    page is ``template`` with the form and ``context``, or what ``page()`` renders (a page
    with several forms, the one sent among them).
    """
    def done(result):
        flash(message(result) if callable(message) else message, "success")
        return redirect(success_url(result) if callable(success_url) else success_url, 303)

    if form.validate_on_submit():
        answer = commit_or_refuse(save, done=done, refused=lambda exc: attach_to_form(form, exc))
        if answer is not None:
            return answer
    status = 422 if request.method == "POST" else 200
    if page is not None:
        return page(), status
    return render_template(template, form=form, **context), status


def invalid_link():
    """A personal link (a registration's, a review's) that is not, or no longer, valid: a page
    that says so and what to do, 404 (``abort(invalid_link())``); nothing is written."""
    from flask_babel import gettext as _

    return Response(render_template("error.html", title=_("This link is not valid"), message=_(
        "It may be incomplete (copy it whole from the e-mail) or replaced by a newer one: use the link "
        "of the latest e-mail. If the trouble remains, write to the organiser of the consultation.")),
        status=404, headers={"Cache-Control": "no-store"})


def flash_undo(text: str, action: str) -> None:
    """A message with an Undo button: the button posts (with the CSRF token) to ``action``."""
    flash({"text": text, "action": action}, "undo")


def file_response(body: bytes, file_name: str, media_type: str, **headers) -> Response:
    """A file to download (a PDF shown in the browser when asked with ?inline=1)."""
    inline = request.args.get("inline") and media_type == "application/pdf"
    return Response(body, content_type=media_type, headers={
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{file_name}"',
        **headers})


def file_with_etag(sha256: str, file_name: str, media_type: str, content: Callable[[], bytes], *,
                   cache_control: str, **headers) -> Response:
    """A file with ETag = its sha256: 304 when the client has it already, without reading
    the bytes (``content()`` gives them)."""
    if request.if_none_match.contains(sha256):
        response = Response(status=304, headers=headers)
    else:
        response = file_response(content(), file_name, media_type, **headers)
    response.set_etag(sha256)
    response.headers["Cache-Control"] = cache_control
    return response


def stored_file(model, obj, *, cache_control: str, **headers) -> Response:
    """A file kept in the database (``model.content``), read only when it is sent."""
    return file_with_etag(
        obj.sha256, obj.file_name, obj.media_type,
        lambda: db.session.scalar(sa.select(model.content).where(model.id == obj.id)),
        cache_control=cache_control, **headers)
