"""consult — participatory consultation platform.

``create_app(config)`` builds the Flask application; ``config`` is an optional mapping
that overrides the environment-driven defaults of :mod:`consult.config`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError

from consult.config import load_config
from consult.core.files import private_folder
from consult.extensions import CONTENT_SECURITY_POLICY, babel, csrf, db, htmx, login_manager, migrate, talisman

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    app = Flask(
        __name__,
        # Where the SQLite database, the secret key and the mail outbox live by default.
        instance_path=instance_path or os.environ.get("CONSULT_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    # Only the app's own user may read it (the SQLite database, the secret key, mails).
    private_folder(Path(app.instance_path))
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    _check_addresses(app)

    _init_extensions(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_template_helpers(app)

    from consult.core import logging as log_redaction

    log_redaction.init_app(app)  # no tracking token in the request log of `make run`
    from consult.cli import register_cli

    register_cli(app)
    return app


# The names a development server answers to when neither PUBLIC_URL nor TRUSTED_HOSTS is set.
DEVELOPMENT_HOSTS = ("localhost", "127.0.0.1")


def _check_addresses(app: Flask) -> None:
    """PUBLIC_URL (required with HTTPS=1), the host names the site answers to, and what
    follows from other settings."""
    from consult.core.urls import check_public_url, public_host

    app.config["PUBLIC_URL"] = check_public_url(app.config.get("PUBLIC_URL"),
                                                bool(app.config.get("HTTPS")))
    if app.config.get("TRUSTED_HOSTS") is None:
        host = public_host(app.config["PUBLIC_URL"])
        app.config["TRUSTED_HOSTS"] = [host] if host else list(DEVELOPMENT_HOSTS)
    # Flask-Login's remember-me cookie lasts as long as a remembered login (auth.sessions).
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=int(app.config["REMEMBER_DAYS"]))


def _select_locale() -> str:
    from flask import current_app, has_request_context

    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        # The switch in the header (a cookie), else what the browser asks for.
        chosen = request.cookies.get("lang")
        if chosen in languages:
            return chosen
        asked = request.accept_languages.best_match(languages)
        if asked:
            return asked
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _init_extensions(app: Flask) -> None:
    from consult import models  # noqa: F401 - registers every model with the metadata

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    htmx.init_app(app)
    from consult.core import limits

    limits.init_app(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address and scheme from the proxies; never the host (the proxy passes
        # Host itself, and links are built on PUBLIC_URL anyway).
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0)

    @app.after_request
    def no_referrer_from_secret_addresses(response):
        """A page whose address is a secret (a password reset link) names it to no page it
        leads to. Registered before Talisman, so this runs after it and has the last word."""
        from flask import g

        if g.get("no_referrer"):
            response.headers["Referrer-Policy"] = "no-referrer"
        return response

    https = bool(app.config.get("HTTPS"))
    talisman.init_app(
        app, content_security_policy=CONTENT_SECURITY_POLICY, frame_options="DENY",
        referrer_policy="same-origin", force_https=https, strict_transport_security=https,
        strict_transport_security_max_age=365 * 24 * 3600, session_cookie_secure=https,
        session_cookie_http_only=True, force_file_save=False,
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"})

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")

    @login_manager.unauthorized_handler
    def unauthorized():
        """Pages go to the login form; background requests get 401 (the page keeps its work)."""
        from flask import abort, flash
        from flask_login import login_url

        if request.headers.get("HX-Request"):
            abort(401)
        flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(login_url(login_manager.login_view, next_url=request.full_path.rstrip("?")))

    @login_manager.user_loader
    def load_user(token: str):
        from consult.auth import sessions

        return sessions.load(token)


def _register_blueprints(app: Flask) -> None:
    from consult.audit.views import bp as audit_bp
    from consult.auth.views import bp as auth_bp
    from consult.capture.views import bp as capture_bp
    from consult.consultations.views import bp as consultations_bp
    from consult.meetings.views import bp as meetings_bp
    from consult.outbox.views import bp as outbox_bp
    from consult.pages.views import bp as pages_bp
    from consult.participants.views import bp as participants_bp
    from consult.public.views import bp as public_bp
    from consult.remarks.views import bp as remarks_bp
    from consult.reports.views import bp as reports_bp
    from consult.review.views import bp as review_bp
    from consult.room.views import bp as room_bp
    from consult.site.views import bp as site_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(capture_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(remarks_bp)
    app.register_blueprint(participants_bp)
    app.register_blueprint(room_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(outbox_bp)
    app.register_blueprint(site_bp)

    @app.get("/csrf-token")
    def csrf_token():
        """A fresh CSRF token for a page whose session was renewed (a new login)."""
        from flask_wtf.csrf import generate_csrf

        return {"token": generate_csrf()}, 200, {"Cache-Control": "no-store"}

    @app.get("/favicon.ico")
    def favicon():
        return redirect(url_for("static", filename="favicon.svg"), 301)

    @app.get("/")
    def index():
        if current_user.is_authenticated:
            return redirect(url_for("pages.start"))  # each role's own start page
        return redirect(url_for("public.index"))


def _register_error_handlers(app: Flask) -> None:
    from flask_babel import gettext as _

    def page(status: int, title: str, message: str):
        return render_template("error.html", status=status, title=title, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, _("Form expired"),
                    _("The form was sent without a valid security token. Go back, reload the page and try "
                      "again — what you typed is still in the form you left."))

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # The request names a host this site is not (TRUSTED_HOSTS): no address can be
        # built for it, so the page has no links — and nothing was done.
        from markupsafe import escape

        title, message = _("Bad request"), _("This site is not served at the address the request named.")
        return (f'<!doctype html><html lang="{escape(_select_locale())}"><head><meta charset="utf-8">'
                f'<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>'
                f'<p>{escape(message)}</p></main></body></html>', 400,
                {"Content-Type": "text/html; charset=utf-8"})

    @app.errorhandler(400)
    def bad_request(error):
        return page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(401)
    def unauthorized_error(error):
        return page(401, _("Log in again"),
                    _("Your session has ended. Log in again; nothing typed on this page is lost."))

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, _("Access denied"), _("You do not have permission to do this."))

    @app.errorhandler(404)
    def not_found(error):
        return page(404, _("Page not found"), _("There is nothing at this address."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return page(405, _("Method not allowed"), _("This address does not accept that request."))

    @app.errorhandler(413)
    def too_large(error):
        return page(413, _("Too large"), _("What you sent is larger than allowed."))

    @app.errorhandler(429)
    def too_many(error):
        return page(429, _("Too many requests"),
                    _("Too many attempts in a short time. Wait a minute, then go back and send again — what "
                      "you typed is still in the form you left."))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return page(500, _("Server error"),
                    _("Something went wrong on our side. Nothing you saved earlier is lost; please try again."))


def _register_template_helpers(app: Flask) -> None:
    from consult.core import formatting

    app.jinja_env.filters["long_date"] = formatting.long_date
    app.jinja_env.filters["hours"] = formatting.hours
    app.jinja_env.filters["datetime"] = formatting.local_datetime
    app.jinja_env.filters["file_size"] = formatting.file_size
    app.jinja_env.filters["wait_time"] = formatting.wait_time
    app.jinja_env.filters["receipt_number"] = formatting.receipt_number
    app.jinja_env.add_extension("jinja2.ext.loopcontrols")
    from consult.core import i18n, labels
    from consult.core.urls import external_url, site_url

    app.jinja_env.globals.update(external_url=external_url, site_url=site_url,
                                 **labels.template_globals(), **i18n.template_globals())

    @app.after_request
    def no_store_for_staff(response):
        """Pages for logged-in staff carry personal data (NGO contacts, accounts, the audit
        trail): no browser or proxy keeps a copy, unless the response says otherwise (the
        published files say how they may be cached)."""
        from flask import session

        if "Cache-Control" not in response.headers and session.get("_user_id"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def inject():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale() or "pl"), "request": request}
