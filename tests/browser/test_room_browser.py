"""The room contributes (issue 18), in Chromium: the facilitator opens the input, the
projector shows the QR code and the short link, two participants send ideas from their
phones (390 px, no account), they appear beside their section on the board without a
reload, the facilitator accepts one by keyboard and dismisses the other, and the second
facilitator's board and the projector show the accepted one within 2 s — never the other."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed",
                    exc_type=ImportError)
from playwright.sync_api import expect  # noqa: E402

from consult.extensions import db  # noqa: E402
from tests.browser.test_capture_browser import (  # noqa: E402
    facilitators,
    meeting,
    open_board,
    plane_section,
)

__all__ = ["facilitators", "meeting"]  # fixtures used by name


def test_ideas_from_phones_reach_the_board_and_once_accepted_the_projector(
        meeting, facilitators, logged_in, new_context, live_server):
    board = open_board(logged_in(facilitators[0]), meeting)
    second = open_board(logged_in(facilitators[1]), meeting)
    section = plane_section(meeting)
    panel = board.locator("#room-panel")
    expect(panel).not_to_have_attribute("open", "")  # folded away while closed: the sections come first
    panel.locator("summary").click()
    board.get_by_role("button", name="Otwórz przyjmowanie pomysłów z sali").click()
    link = board.locator("#room-panel a.room-link")
    expect(link).to_be_visible()
    db.session.refresh(meeting)
    address = f"/r/{meeting.room_code}"
    assert link.get_attribute("href").endswith(address)

    projector = board.context.new_page()
    projector.goto(f"/meetings/{meeting.id}/projector")
    expect(projector.locator("#room-projector img")).to_be_visible()
    assert projector.locator("#room-projector img").evaluate("img => img.complete && img.naturalWidth > 0")
    expect(projector.locator(".room-projector__link")).to_have_text(link.get_attribute("href"))
    qr = projector.request.get(f"/meetings/{meeting.id}/room/qr.svg")
    assert qr.ok and qr.headers["content-type"] == "image/svg+xml"

    # Two participants' phones: no account, a narrow screen.
    phones = []
    for idea in ("Wspólny kalendarz wydarzeń organizacji", "Reklama mojej firmy"):
        phone = new_context().new_page()
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.goto(address)
        expect(phone.get_by_role("heading", name="Twój pomysł na spotkanie")).to_be_visible()
        phone.get_by_label("Sekcja").select_option(str(section.id))
        phone.get_by_label("Twój pomysł").fill(idea)
        phone.get_by_role("button", name="Wyślij pomysł").click()
        expect(phone.locator(".flashes")).to_contain_text("Dziękujemy!")
        phone.wait_for_load_state("load")  # measured with its style sheet (a slow server: not yet)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # reflows on a phone
        phones.append(phone)
    phone = phones[0]

    # Beside their section on the board, without a reload (the queue's poll).
    queue = board.locator(f"#room-queue-{section.id}")
    expect(queue).to_be_visible()
    expect(queue.locator("textarea")).to_have_count(2)
    expect(queue.locator("textarea").first).to_have_value("Wspólny kalendarz wydarzeń organizacji")
    expect(projector.locator("#board-parts")).not_to_contain_text("Wspólny kalendarz")

    # The second one dismissed: gone from both boards' queues, never on the projector.
    spam = queue.locator(".room-item").nth(1)
    spam.get_by_role("button", name="Odrzuć").click()
    expect(queue.locator(".room-item--undo")).to_contain_text("Pomysł odrzucono.")
    expect(second.locator(f"#room-queue-{section.id} textarea")).to_have_count(1, timeout=2000)

    # Accepted by keyboard, reworded: an entry of the section, on the projector too.
    text = queue.locator("textarea").first
    text.focus()
    text.fill("Wspólny kalendarz wydarzeń organizacji i instytucji")
    board.keyboard.press("Tab")
    expect(queue.get_by_role("button", name="Przyjmij jako wpis")).to_be_focused()
    board.keyboard.press("Enter")
    accepted = "Wspólny kalendarz wydarzeń organizacji i instytucji"
    expect(board.locator(f"#entries-{section.id}")).to_contain_text(accepted)
    expect(second.locator(f"#entries-{section.id}")).to_contain_text(accepted, timeout=2000)
    expect(projector.locator(f"#entries-{section.id}")).to_contain_text(accepted, timeout=2000)
    expect(second.locator(f"#room-queue-{section.id}")).to_be_hidden(timeout=2000)  # nothing waits
    expect(projector.locator("#board-parts")).not_to_contain_text("Reklama mojej firmy")

    # Closed: the phone is told, the projector drops the code.
    board.get_by_role("button", name="Zamknij przyjmowanie pomysłów z sali").click()
    expect(projector.locator("#room-projector")).to_be_hidden()
    phone.reload()
    expect(phone.locator(".notice")).to_contain_text("prowadzący nie przyjmują teraz pomysłów z sali")
