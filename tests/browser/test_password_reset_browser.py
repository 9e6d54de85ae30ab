"""A staff member who forgot the password, on a phone (390 px): from the login page to the
link in the e-mail (the outbox), a new password, then logging in with it to the start page."""

from __future__ import annotations

import re

import pytest

from consult.core.enums import Role
from tests import mailbox

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed",
                    exc_type=ImportError)
from playwright.sync_api import expect  # noqa: E402

NEW_PASSWORD = "nowe hasło z telefonu 2026"


def reset_link(app) -> str:
    [message] = mailbox.sent(app)
    [link] = re.findall(r"\S+/password/reset/\S+", message.get_content())
    return link


def test_a_forgotten_password_is_set_anew_through_the_e_mailed_link(app, make, new_context, live_server):
    app.config["PUBLIC_URL"] = live_server  # the link of the e-mail is built on it
    make.user(Role.OFFICIAL, email="urzedniczka@example.org", name="Ula Urzędniczka")
    page = new_context().new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/login")
    page.get_by_role("link", name="Nie pamiętasz hasła?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nie pamiętam hasła")
    page.get_by_label("E-mail").fill("urzedniczka@example.org")
    page.get_by_role("button", name="Wyślij mi odnośnik").click()
    expect(page.get_by_role("status")).to_contain_text("Jeśli istnieje konto dla urzedniczka@example.org")

    link = reset_link(app)
    assert link.startswith(f"{live_server}/password/reset/")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ustaw nowe hasło")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.get_by_label("Nowe hasło", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Powtórz nowe hasło").fill("inne hasło niż pierwsze")
    page.get_by_role("button", name="Zapisz nowe hasło").click()
    expect(page.locator("#confirm-error")).to_have_text("Błąd: Oba hasła nie są takie same.")
    page.get_by_label("Nowe hasło", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Powtórz nowe hasło").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Zapisz nowe hasło").click()

    expect(page).to_have_url(f"{live_server}/login")
    expect(page.locator(".flashes")).to_contain_text("Twoje hasło zostało zmienione")
    page.fill("#email", "urzedniczka@example.org")
    page.fill("#password", NEW_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page).to_have_url(f"{live_server}/start")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mój pulpit")
    expect(page.get_by_text("Nic nie czeka")).to_be_visible()

    page.goto(link)  # used once: it says so, and offers a new one
    expect(page.get_by_role("alert")).to_contain_text("Ten link już nie działa")
    expect(page.get_by_role("link", name="Poproś o nowy link")).to_be_visible()
