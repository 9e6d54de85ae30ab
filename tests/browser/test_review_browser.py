"""The participants' review (issue 18), in Chromium: the facilitator opens it, a participant
comments on an entry from a phone (390 px) by the link in the e-mail, the facilitator takes
the comment in by keyboard and closes the review, and the summary's preview and its PDF say
"Uzgodniono z uczestnikami" — without the reviewer's name."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed",
                    exc_type=ImportError)
from playwright.sync_api import expect  # noqa: E402

from tests.browser.test_capture_browser import facilitators, meeting, plane_section  # noqa: E402
from tests.browser.test_journeys_browser import RENDER_MS, download, pdf_text  # noqa: E402
from tests.test_remarks import outbox  # noqa: E402

__all__ = ["facilitators", "meeting"]  # fixtures used by name


def test_a_participant_comments_from_a_phone_and_the_summary_says_it_was_agreed(
        app, meeting, facilitators, logged_in, new_context, live_server):
    app.config["PUBLIC_URL"] = live_server
    staff = logged_in(facilitators[0])
    staff.goto(f"/meetings/{meeting.id}")
    staff.get_by_role("link", name="Uzgodnienie z uczestnikami").click()
    staff.get_by_label("Adresy e-mail innych uczestników").fill("ewa.nowak@example.org")
    staff.get_by_role("button", name="Rozpocznij uzgadnianie i wyślij linki").click()
    expect(staff.locator(".flashes")).to_contain_text("1 wiadomość z osobistym linkiem jest w drodze.")

    [mail] = [m for m in outbox(app) if m["To"] == "ewa.nowak@example.org"]
    link = re.search(r"https?://\S+/public/review/\S+", mail.get_body(("plain",)).get_content()).group(0)
    phone = new_context().new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(link)
    section = plane_section(meeting)
    first = section.entries[0]
    item = phone.locator(f"#review-entry-{first.id}")
    item.locator("summary").first.click()
    item.get_by_label("Co powiedziano inaczej albo czego brakuje").first.fill("Mówiono też o radnych dzielnic")
    item.get_by_label("Proponowane brzmienie (nieobowiązkowe)").first.fill(first.text + " – także z radnymi dzielnic")
    item.get_by_role("button", name="Wyślij uwagę").first.click()
    expect(phone.locator(f"#review-entry-{first.id} .review-comment")).to_contain_text("czeka na decyzję prowadzących")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The facilitator: the comment beside its entry; taken in by keyboard.
    staff.reload()
    comment = staff.locator(f"#review-entry-{first.id} .review-comment")
    expect(comment).to_contain_text("Mówiono też o radnych dzielnic")
    wording = comment.get_by_label("Brzmienie wpisu po zmianie")
    expect(wording).to_have_value(first.text + " – także z radnymi dzielnic")
    wording.focus()
    staff.keyboard.press("Tab")
    expect(comment.get_by_role("button", name="Uwzględnij")).to_be_focused()
    staff.keyboard.press("Enter")
    expect(staff.locator(".flashes")).to_contain_text("Uwagę uwzględniono")
    staff.get_by_role("button", name="Zakończ uzgadnianie").click()
    expect(staff.locator(".notice")).to_contain_text("Uzgodniono z uczestnikami: 1 uwaga, 1 uwzględniona.")

    # The summary says so, and names nobody; the phone sees its comment taken in.
    staff.goto(f"/meetings/{meeting.id}/summary")
    expect(staff.locator("main")).to_contain_text("Uzgodniono z uczestnikami: 1 uwaga, 1 uwzględniona.")
    expect(staff.locator("main")).to_contain_text(first.text + " – także z radnymi dzielnic")
    # Published: the stored PDF states the review, and names nobody.
    staff.goto(f"/meetings/{meeting.id}")
    staff.get_by_label("Rozumiem, opublikuj teraz").check()
    staff.get_by_role("button", name="Opublikuj podsumowanie jako wersję 1").click()
    expect(staff.get_by_role("status")).to_have_text("Gotowe: opublikowano wersję 1.", timeout=RENDER_MS)
    _name, data = download(staff, staff.get_by_role("link", name="Pobierz wersję 1"))
    words, _pages = pdf_text(data)
    assert "Uzgodniono z uczestnikami: 1 uwaga, 1 uwzględniona." in words
    assert first.text + " – także z radnymi dzielnic" in words
    assert "ewa.nowak" not in words and "Ewa Nowak" not in words
    phone.reload()
    expect(phone.locator(".notice")).to_contain_text("uzgadnianie dobiegło końca")
    expect(phone.locator(f"#review-entry-{first.id} .review-comment")).to_contain_text("uwzględniona w podsumowaniu")
