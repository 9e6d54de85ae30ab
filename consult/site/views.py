"""Language switch, accessibility declaration, personal data (RODO) information."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request

from consult.core.views import safe_next

bp = Blueprint("site", __name__)

LANGUAGE_COOKIE = "lang"


@bp.post("/language")
def language():
    """Remember the chosen interface language (a year, in a cookie) and go back."""
    lang = request.form.get("lang", "")
    response = redirect(safe_next(request.form.get("next"), "/"), 303)
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True,
                            samesite="Lax", secure=bool(current_app.config.get("HTTPS")))
    return response


def _config_date(name: str) -> date | None:
    try:
        return date.fromisoformat(current_app.config.get(name) or "")
    except ValueError:
        return None


@bp.get("/accessibility")
def accessibility():
    """Deklaracja dostępności, in the structure Polish public bodies publish it."""
    config = current_app.config
    return render_template(
        "site/accessibility.html", owner=config["SITE_OWNER"], address=config["SITE_OWNER_ADDRESS"],
        contact=config.get("ACCESSIBILITY_CONTACT"), email=config.get("ACCESSIBILITY_EMAIL"),
        phone=config.get("ACCESSIBILITY_PHONE"), published=_config_date("ACCESSIBILITY_PUBLISHED"),
        reviewed=_config_date("ACCESSIBILITY_REVIEWED"))


@bp.get("/privacy")
def privacy():
    """How the site processes personal data (RODO): accounts, cookies, and what the
    consultation forms collect (each consultation's own page names its organiser)."""
    return render_template("site/privacy.html", consultation=None)
