"""Browser fixtures: the app served on a free local port, Chromium, logged-in contexts.

The live server runs the ``app`` of tests/conftest.py (migrated, emptied after each test, on
SQLite or on ``TEST_DATABASE_URL``) with werkzeug in a background thread, so the browser and
the test share one database and the test can check what was stored.

Chromium is Debian's (``/usr/bin/chromium``, or ``$CHROMIUM``); Playwright's own browser
downloads are not used. Without Chromium or Playwright every browser test is skipped, with
the reason in pytest's summary.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler

from tests.conftest import PASSWORD, serving

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
TIMEOUT_MS = 5000  # every wait of a browser test is bounded by this (unless it says less)


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    if reason is None:
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # one line per poll would drown the output
        pass


@pytest.fixture
def live_server(app):
    """The app on http://127.0.0.1:<free port>; yields the base URL."""
    with serving(app, request_handler=_QuietHandler) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """``new_context()``: a fresh browser context (own cookies and storage), closed after the
    test (before the live server stops). A script error on any of its pages fails the test."""
    contexts, errors = [], []

    def new():
        context = browser.new_context(base_url=live_server, locale="pl-PL",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        def watch(page):
            page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
            # A resource the Content-Security-Policy refused is a bug as much as a script error.
            page.on("console", lambda message: errors.append(f"{page.url}: {message.text}")
                    if "Content Security Policy" in message.text else None)

        context.on("page", watch)
        contexts.append(context)
        return context

    yield new
    for context in contexts:
        context.close()
    assert not errors, "script errors in the browser:\n" + "\n".join(errors)


def log_in(context, email: str, password: str = PASSWORD):
    """Log the context in through the real login form; returns the page (now logged in)."""
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert "/login" not in page.url, f"login of {email} failed: {page.url}"
    return page


@pytest.fixture
def logged_in(new_context):
    """``logged_in(user)``: a new context logged in as ``user``; returns its page."""
    return lambda user: log_in(new_context(), user.email)


def fill_organisation(page, name: str, legal_form: str, krs: str, address: str, person: str,
                      email: str) -> None:
    """The organisation part of the public consultation form, as an NGO types it."""
    page.get_by_label("Nazwa organizacji").fill(name)
    page.get_by_label("Forma prawna").select_option(label=legal_form)
    page.get_by_label("Numer KRS").fill(krs)
    page.get_by_label("Adres organizacji").fill(address)
    page.get_by_label("Osoba do kontaktu").fill(person)
    page.get_by_label("E-mail").fill(email)
