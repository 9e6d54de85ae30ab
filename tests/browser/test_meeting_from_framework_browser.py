"""A facilitator prepares a meeting from the consultation's planes and priorities and
captures it in the lean board by keyboard (issue 18: "Before the meeting", "During")."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.core.enums import EntryKind, Role
from consult.extensions import db
from consult.meetings.models import Entry, Meeting

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed",
                    exc_type=ImportError)
from playwright.sync_api import expect  # noqa: E402

from tests.browser.conftest import log_in  # noqa: E402


def test_a_meeting_from_the_framework_is_ready_to_capture_by_keyboard(make, new_context):
    facilitator = make.user(Role.FACILITATOR, email="ewa@example.org", name="Ewa Kowalska")
    consultation = make.consultation("Konsultacje Programu Współpracy 2027", facilitators=[facilitator],
                                     partner_short="UMK", program="Program Rozwoju Kultury")
    make.plane(consultation, 1, "Tworzenie polityk publicznych")
    make.plane(consultation, 2, "Współpraca finansowa")
    make.priority(consultation, "I.1", "Edukacja kulturalna")
    make.priority(consultation, "I.1.1", "Zajęcia dla dzieci i młodzieży")
    page = log_in(new_context(), facilitator.email)

    page.goto(f"/consultations/{consultation.id}")
    page.get_by_role("link", name="Nowe spotkanie").click()
    page.get_by_label("Tytuł").fill("Spotkanie konsultacyjne w Nowej Hucie")
    page.get_by_label("Data").fill("2027-03-18")
    expect(page.get_by_label("Z płaszczyzn i priorytetów konsultacji (układ z 2018 roku)")).to_be_checked()
    page.get_by_label("Płaszczyzna 2. Współpraca finansowa").uncheck()
    page.get_by_label("Trzy sekcje: mocne strony, słabe strony, wnioski").check()
    page.get_by_label("I.1.1 Zajęcia dla dzieci i młodzieży").check()
    page.get_by_label("Wolne tematy").fill("Przestrzenie dla organizacji")
    page.get_by_role("button", name="Zapisz").click()

    # The board, with every section made in the 2018 layout.
    expect(page.locator("#board[data-editable=true]")).to_be_attached()
    expect(page.locator(".flash")).to_contain_text("Utworzono spotkanie z 5 sekcjami.")
    expect(page.locator("section.board-part h2")).to_have_text([
        "Opinie i postulaty dotyczące współpracy z UMK w płaszczyznach współpracy",
        "Nowe pomysły na współpracę",
        "Program Rozwoju Kultury – priorytety w zakresie współpracy z NGO"])
    expect(page.locator("section.board-section h3")).to_have_text([
        "1. Płaszczyzna – Tworzenie polityk publicznych — Mocne strony",
        "1. Płaszczyzna – Tworzenie polityk publicznych — Słabe strony",
        "1. Płaszczyzna – Tworzenie polityk publicznych — Wnioski",
        "1. Przestrzenie dla organizacji — Pomysły",
        "I.1.1 Zajęcia dla dzieci i młodzieży — Pomysły"])

    # By keyboard: in "Mocne strony" an entry is a strength without choosing it; Tab writes a
    # sub-point; ↑ goes to the entries, Enter edits, Enter saves.
    meeting = db.session.scalar(sa.select(Meeting))
    strengths = meeting.parts[0].sections[0]
    field = page.locator(f"#add-text-{strengths.id}")
    field.focus()
    field.type("Dobra komunikacja z Wydziałem Kultury")
    field.press("Enter")
    entries = page.locator(f"#entries-{strengths.id} > li[data-entry]")
    expect(entries).to_have_count(1)
    expect(entries.first.locator(".kind")).to_have_text("mocna strona")
    field.press("Tab")
    field.type("szczególnie przy grantach")
    field.press("Enter")
    expect(entries.first.locator("ul.subpoints > li[data-entry]")).to_have_count(1)
    field.press("Shift+Tab")
    field.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(entries.first).to_be_focused()
    page.keyboard.press("Enter")
    editor = page.locator(".entry-editor textarea")
    expect(editor).to_be_focused()
    editor.fill("Bardzo dobra komunikacja z Wydziałem Kultury")
    editor.press("Enter")
    expect(entries.first.locator(":scope > .entry__body .entry__text")).to_have_text(
        "Bardzo dobra komunikacja z Wydziałem Kultury")
    db.session.expire_all()
    stored = db.session.scalars(sa.select(Entry).order_by(Entry.id)).all()
    assert [(e.text, e.kind, e.parent_id is not None) for e in stored] == [
        ("Bardzo dobra komunikacja z Wydziałem Kultury", EntryKind.STRENGTH, False),
        ("szczególnie przy grantach", EntryKind.STRENGTH, True)]
