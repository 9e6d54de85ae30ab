"""Security headers, cookies and limits every response carries (issue 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import make_app

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split(" ", 1)[1] for part in policy.split(";") if part.strip()
            for part in [part.strip()]}


@pytest.mark.parametrize("url", ["/login", "/public/", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    policy = csp(response)
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP in development


def test_no_template_has_inline_script_or_style():
    """The CSP forbids them: every script and style is a file of static/."""
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), f"inline script in {path}"
        assert not re.search(r"<style\b", source), f"<style> in {path}"
        assert not re.search(r"\sstyle=\"", source), f"style attribute in {path}"
        assert not re.search(r"\son[a-z]+=\"", source), f"inline event handler in {path}"


def test_session_cookies_are_httponly_and_samesite(client, admin):
    response = client.login("admin@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development over plain HTTP
    assert client.application.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024


def test_over_https_cookies_are_secure_and_hsts_is_sent(migrated, tmp_path, monkeypatch):
    monkeypatch.setenv("HTTPS", "1")
    monkeypatch.setenv("PUBLIC_URL", "https://consult.example")
    app = make_app(migrated, tmp_path / "instance")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    client = app.test_client()
    response = client.get("/login", base_url="https://consult.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"]
    app.testing = False  # Talisman leaves test requests alone; a real one is redirected
    plain = client.get("/login", base_url="http://consult.example")
    assert plain.status_code in (301, 302) and plain.location.startswith("https://consult.example/login")


def test_behind_a_proxy_the_client_address_and_scheme_are_taken_from_it(migrated, tmp_path, monkeypatch):
    monkeypatch.setenv("HTTPS", "1")
    monkeypatch.setenv("PROXY_COUNT", "1")
    monkeypatch.setenv("PUBLIC_URL", "https://consult.example")
    app = make_app(migrated, tmp_path / "instance")
    app.testing = False
    response = app.test_client().get("/login", base_url="http://consult.example",
                                     headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"})
    assert response.status_code == 200  # the proxy said https: no redirect
    assert response.headers["Strict-Transport-Security"]
