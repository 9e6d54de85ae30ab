"""End-to-end journeys of the three kinds of users, in Chromium, each from its first page to
what that person checks at the end — on screen, in the e-mail or in the downloaded file.

- A facilitator prepares a meeting, captures it live on the board (kinds, a sub-point, a
  plane and a priority), fills in the meeting's details, publishes the summary and reads the
  PDF: the 2018 layout with what was typed, numbered, in order.
- An organisation finds the open consultation, sends two remarks, follows them by the link of
  its e-mail receipt, and later reads the official stance on each there.
- An official sets a stance on every accepted remark, publishes them, publishes the
  consultation report and reads its PDF: the table of remarks with the stances and reasons,
  the organisation's name and never its contact person.

Only what a person does in the browser drives each journey; what happens between people
(an administrator set up the consultation, a facilitator accepted the remarks) is prepared
through the services, as those people would have done it on their own pages.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from consult.core.enums import ConsultationStatus, EntryKind, Role
from consult.core.models import utcnow
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.remarks import mail as remark_mail
from consult.remarks import moderation as remark_moderation
from consult.remarks import stances
from consult.remarks.models import Remark
from tests import mailbox
from tests.test_remarks import received

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed",
                    exc_type=ImportError)
from playwright.sync_api import expect  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from tests.browser.conftest import fill_organisation, log_in  # noqa: E402

RENDER_MS = 30_000  # a PDF rendered by the background job of the live server


def pdf_text(data: bytes) -> tuple[str, int]:
    """The text of a PDF in reading order, on one line, words hyphenated at a line end (in
    the report's narrow columns) joined again, and its number of pages."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    return text.replace("\u2010 ", ""), len(reader.pages)


def in_order(text: str, *parts: str) -> None:
    """Each part occurs in ``text``, after the one before it."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after position {at} in: {text[at:at + 400]!r}…"
        at = found + len(part)


def download(page, link) -> tuple[str, bytes]:
    with page.expect_download(timeout=RENDER_MS) as info:
        link.click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


@pytest.fixture
def consultation(make):
    """An open consultation as an administrator sets it up: planes, priorities, a window."""
    consultation = make.consultation(
        title="Konsultacje Programu Współpracy w Kulturze 2027",
        organizer="Wydział Kultury i Dziedzictwa Narodowego",
        status=ConsultationStatus.OPEN,
        submissions_open_at=utcnow() - timedelta(days=1),
        submissions_close_at=utcnow() + timedelta(days=14))
    make.plane(consultation, 1, "Tworzenie polityk publicznych")
    make.plane(consultation, 2, "Realizacja zadań finansowych i pozafinansowych")
    make.priority(consultation, "I", "Rozwój kultury")
    make.priority(consultation, "I.1", "Edukacja kulturalna")
    make.priority(consultation, "I.1.1", "Zajęcia dla dzieci i młodzieży")
    return consultation


# The facilitator ----------------------------------------------------------------------------


def add_entry(page, section, text: str, kind: str | None = None, sub: bool = False) -> None:
    """Type an entry into a section's input as a facilitator does: the kind by its shortcut,
    Tab for a sub-point of the last entry, Enter to save; then it shows on the board."""
    field = section.locator("textarea.add-entry__text")
    field.focus()
    if kind:
        field.press({"strength": "Alt+1", "weakness": "Alt+2", "conclusion": "Alt+3",
                     "idea": "Alt+4"}[kind])
    if sub:
        field.press("Tab")
    field.type(text)
    field.press("Enter")
    # Saved (not only waiting in the outbox of unsent entries):
    expect(section.locator("li[data-entry] .entry__text", has_text=text)).to_be_visible()
    expect(section.locator("li.entry--pending")).to_have_count(0)
    expect(field).to_have_value("")
    if sub:
        field.press("Shift+Tab")  # back to the top level for the next entry


def open_details(details) -> None:
    """Unfold a <details> (left as it is when it is open already)."""
    if not details.evaluate("d => d.open"):
        details.locator(":scope > summary").click()


def add_part(page, heading: str, question: str = ""):
    open_details(page.locator("details.add-part"))
    form = page.locator("details.add-part form")
    form.get_by_label("Nagłówek części").fill(heading)
    if question:
        form.get_by_label("Pytanie (nieobowiązkowe)").fill(question)
    form.get_by_role("button", name="Dodaj część").click()
    part = page.locator("section.board-part").filter(
        has=page.get_by_role("heading", level=2, name=heading))
    expect(part).to_be_visible()
    return part


def add_section(page, part, option: str, caption: str):
    """A section of a part about a plane or a priority, chosen in the list by its label
    (choosing it there is all it takes)."""
    open_details(part.locator("details.add-section"))
    form = part.locator("details.add-section form")
    form.get_by_label("Czego dotyczy sekcja").select_option(label=option)
    form.get_by_label("Podpis nad wpisami").fill(caption)
    form.get_by_role("button", name="Dodaj sekcję").click()
    section = part.locator("section.board-section").filter(has_text=option.split(". ", 1)[-1])
    expect(section).to_be_visible()
    return section


def test_a_facilitator_captures_a_meeting_and_publishes_its_summary(make, consultation, new_context):
    facilitator = make.user(Role.FACILITATOR, email="ewa@example.org", name="Ewa Kowalska")
    consultation.facilitators.append(facilitator)
    db.session.commit()
    page = log_in(new_context(), facilitator.email)

    # Before the meeting: the meeting is made from the consultation's page.
    page.get_by_role("link", name="Konsultacje", exact=True).first.click()
    page.get_by_role("link", name=consultation.title).click()
    page.get_by_role("link", name="Nowe spotkanie").click()
    page.get_by_label("Tytuł").fill("Spotkanie konsultacyjne dla organizacji kultury")
    page.get_by_label("Data").fill("2027-03-18")
    page.get_by_label("Miejsce").fill("Pałac Potockich, Rynek Główny 20")
    page.get_by_label("Na razie żadnych – dodam je na tablicy").check()  # parts typed on the board here
    page.get_by_role("button", name="Zapisz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Spotkanie konsultacyjne dla organizacji kultury")
    expect(page.locator(".meeting-date")).to_contain_text("18 marca 2027")

    # During the meeting: the capture board.
    page.get_by_role("link", name="Tablica notatek").click()
    expect(page.locator("#board[data-editable=true]")).to_be_attached()
    opinions = add_part(page, "Opinie i postulaty dotyczące współpracy",
                        "Co działa dobrze, a co należy zmienić?")
    plane = add_section(page, opinions, "Płaszczyzna 1. Tworzenie polityk publicznych", "Wnioski")
    add_entry(page, plane, "Zespoły konsultacyjne działają regularnie", "strength")
    add_entry(page, plane, "Za mało informacji o terminach spotkań", "weakness")
    add_entry(page, plane, "Publikować kalendarz konsultacji z wyprzedzeniem", "conclusion")
    add_entry(page, plane, "co najmniej dwa tygodnie przed spotkaniem", sub=True)
    ideas = add_part(page, "Nowe pomysły do programu")
    priority = add_section(page, ideas, "I.1.1 Zajęcia dla dzieci i młodzieży", "Pomysły")
    add_entry(page, priority, "Bony kulturalne dla uczniów", "idea")
    # A typo is corrected in place: Enter on the entry edits it, Enter saves.
    priority.locator("textarea.add-entry__text").press("ArrowUp")
    page.keyboard.press("Enter")
    editor = priority.locator(".entry-editor textarea")
    expect(editor).to_be_focused()
    editor.fill("Bony kulturalne dla uczniów szkół podstawowych")
    editor.press("Enter")
    expect(priority.locator(".entry__text")).to_have_text(["Bony kulturalne dla uczniów szkół podstawowych"])

    # After the meeting: its details, from the board.
    open_details(page.locator("details.board-details__edit"))
    details = page.locator("#meeting-details form")
    details.get_by_label("Cel spotkania").fill("Zebranie opinii o współpracy w 2026 roku.")
    details.get_by_label("Liczba uczestników").fill("23")
    details.get_by_label("Prowadzenie").fill("Ewa Kowalska")
    details.get_by_label("Opracowanie").fill("Ewa Kowalska, Wydział Kultury")
    details.get_by_label("Przebieg spotkania").fill("Powitanie\nPraca w grupach\nPodsumowanie")
    details.get_by_role("button", name="Zapisz informacje").click()
    expect(page.locator("#meeting-details")).to_contain_text("Zebranie opinii o współpracy w 2026 roku.")

    # The summary: checked on the meeting page, then published and downloaded.
    page.get_by_role("link", name="Podsumowanie", exact=True).click()
    summary = page.locator("article.meeting")
    expect(summary).to_contain_text("Publikować kalendarz konsultacji z wyprzedzeniem")
    page.get_by_label("Rozumiem, opublikuj teraz").check()  # a published version stays as it is
    page.get_by_role("button", name="Opublikuj podsumowanie jako wersję 1").click()
    expect(page.get_by_role("status")).to_have_text("Gotowe: opublikowano wersję 1.",
                                                    timeout=RENDER_MS)
    name, data = download(page, page.get_by_role("link", name="Pobierz wersję 1"))
    assert name == "podsumowanie-2027-03-18-dla-organizacji-kultury-v1.pdf"
    text, pages = pdf_text(data)
    in_order(text,
             "Podsumowanie spotkania konsultacyjnego dla organizacji kultury", "18 marca 2027 r.",
             "Cel spotkania: Zebranie opinii o współpracy w 2026 roku.",
             "Liczba uczestników: 23", "Prowadzenie: Ewa Kowalska",
             "Przebieg spotkania:", "1. Powitanie", "2. Praca w grupach", "3. Podsumowanie",
             "OPINIE I POSTULATY DOTYCZĄCE WSPÓŁPRACY", "CO DZIAŁA DOBRZE, A CO NALEŻY ZMIENIĆ?",
             "1. Płaszczyzna – Tworzenie polityk publicznych", "Wnioski:",
             "1.", "Zespoły konsultacyjne działają regularnie",
             "2.", "Za mało informacji o terminach spotkań",
             "3.", "Publikować kalendarz konsultacji z wyprzedzeniem",
             "co najmniej dwa tygodnie przed spotkaniem",
             "NOWE POMYSŁY DO PROGRAMU", "I.1.1 Zajęcia dla dzieci i młodzieży", "POMYSŁY:",
             "1.", "Bony kulturalne dla uczniów szkół podstawowych",
             "Opracowanie: Ewa Kowalska, Wydział Kultury")
    assert text.count("CO DZIAŁA DOBRZE") == 1  # the second part has no question
    assert "mocna strona Zespoły konsultacyjne" in text  # the discreet kind markers
    assert f"1 / {pages}" in text  # page numbers "n / N"
    # What was stored is what the facilitator typed, with its kinds.
    db.session.rollback()
    meeting = db.session.scalars(sa.select(Meeting)).one()
    kinds = {e.text: e.kind for p in meeting.parts for s in p.sections for e in s.entries}
    assert kinds["Za mało informacji o terminach spotkań"] is EntryKind.WEAKNESS
    assert kinds["Bony kulturalne dla uczniów szkół podstawowych"] is EntryKind.IDEA

    # The published summary is on the consultation's public page for everyone.
    visitor = new_context().new_page()
    visitor.goto(f"/public/{consultation.slug}")
    _name, public = download(visitor, visitor.get_by_role("link", name=re.compile("Podsumowanie spotkania \\(PDF\\)")))
    assert public == data


# The organisation ---------------------------------------------------------------------------


def outbox(app) -> list[email.message.EmailMessage]:
    return mailbox.sent(app)


def test_an_organisation_sends_two_remarks_and_follows_them(app, make, consultation, new_context):
    page = new_context().new_page()
    page.goto("/")
    page.get_by_role("link", name=consultation.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(consultation.title)
    page.get_by_role("link", name="Wypełnij formularz konsultacyjny").click()

    fill_organisation(page, "Stowarzyszenie Teatr Ludowy", "stowarzyszenie", "0000654321",
                      "ul. Gazowa 4, Kraków", "Marta Wiśniewska", "marta@example.org")
    page.locator("#remarks-0-target").select_option(label="Płaszczyzna 1. Tworzenie polityk publicznych")
    page.locator("#remarks-0-remark").fill("Konsultacje powinny trwać co najmniej 30 dni.")
    page.locator("#remarks-0-justification").fill("Organizacje działają społecznie i potrzebują czasu.")
    page.get_by_role("button", name="Dodaj kolejną uwagę").click()
    page.locator("#remarks-1-target").select_option(label="I.1.1 Zajęcia dla dzieci i młodzieży")
    page.locator("#remarks-1-remark").fill("Dopisać zajęcia dla seniorów.")
    page.locator("#remarks-1-proposed_wording").fill("Zajęcia dla dzieci, młodzieży i seniorów")

    # Sent without the information clause: the form says what is missing and keeps the text.
    page.get_by_role("button", name="Wyślij uwagi").click()
    errors = page.get_by_role("alert")
    expect(errors).to_be_focused()  # announced and read first
    expect(errors).to_contain_text("klauzul")
    consent = page.get_by_label("Zapoznałem(-am) się z klauzulą informacyjną")
    expect(consent).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#remarks-1-remark")).to_have_value("Dopisać zajęcia dla seniorów.")
    expect(page.locator("#remarks-0-justification")).to_have_value(
        "Organizacje działają społecznie i potrzebują czasu.")
    expect(page.get_by_role("link", name="Pełna informacja o przetwarzaniu danych osobowych")
           ).to_have_attribute("href", f"/public/{consultation.slug}/privacy")
    consent.check()
    page.get_by_role("button", name="Wyślij uwagi").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dziękujemy: Twoje uwagi zostały przyjęte")
    receipt = page.locator(".success-panel strong").inner_text()
    assert re.fullmatch(r"[A-Z]+/\d{4}/\d{4}", receipt), receipt
    expect(page.locator("ol.remark-list > li")).to_have_count(2)
    expect(page.locator(".tracking-link")).to_contain_text("marta@example.org")

    # The e-mail receipt carries the number and the private link.
    [mail] = outbox(app)
    assert mail["To"] == "marta@example.org"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert receipt in body
    link = re.search(r"https?://\S+/public/tracking/\S+", body).group(0)

    # Days later, from the e-mail: both remarks, not yet answered.
    later = new_context().new_page()
    later.goto(link)
    expect(later.get_by_role("heading", level=1)).to_have_text(f"Twoje uwagi: {receipt}")
    remarks = later.locator("ol.remark-list > li")
    expect(remarks).to_have_count(2)
    expect(remarks.nth(0)).to_contain_text("Konsultacje powinny trwać co najmniej 30 dni.")
    expect(remarks.nth(1)).to_contain_text("Dopisać zajęcia dla seniorów.")
    expect(later.locator("body")).not_to_contain_text("Stanowisko")

    # The department answers (the facilitator accepts both, the official decides and publishes).
    db.session.rollback()
    facilitator = make.user(Role.FACILITATOR)
    official = make.user(Role.OFFICIAL)
    consultation.facilitators.append(facilitator)
    first, second = db.session.scalars(sa.select(Remark).order_by(Remark.id)).all()
    for remark in (first, second):
        remark_moderation.accept(remark, facilitator)
    stances.set_stance(first, official, "partly", "Wydłużamy konsultacje do 21 dni.", None)
    stances.set_stance(second, official, "accepted", None, "Dodano seniorów do I.1.1.")
    answered = stances.publish_stances(consultation, official)
    with app.test_request_context():  # as the publishing page does, in its transaction
        assert remark_mail.stances_published(answered) == 1
    db.session.commit()

    later.reload()
    expect(remarks.nth(0)).to_contain_text("uwzględniona częściowo")
    expect(remarks.nth(0)).to_contain_text("Wydłużamy konsultacje do 21 dni.")
    expect(remarks.nth(1)).to_contain_text("uwzględniona")
    expect(remarks.nth(1)).to_contain_text("Dodano seniorów do I.1.1.")
    # … and the e-mail that says so.
    [stances_mail] = [m for m in outbox(app) if m["Subject"] != mail["Subject"]]
    assert stances_mail["To"] == "marta@example.org"
    answer = stances_mail.get_body(preferencelist=("plain",)).get_content()
    # Each remark by its number with the department's answer; the remark's own text stays
    # on the private page (a mail never repeats what a stranger typed).
    in_order(" ".join(answer.split()), receipt, "Uwaga 1", "uwzględniona częściowo",
             "Wydłużamy konsultacje do 21 dni.", "Uwaga 2", "uwzględniona", f"/public/{consultation.slug}")
    assert "Konsultacje powinny trwać" not in answer


# The official -------------------------------------------------------------------------------


def test_an_official_sets_stances_and_publishes_the_consultation_report(make, consultation,
                                                                         new_context):
    official = make.user(Role.OFFICIAL, email="urszula@example.org", name="Urszula Nowak")
    facilitator = make.user(Role.FACILITATOR)
    consultation.facilitators.append(facilitator)
    submission, _ = received(consultation, "Fundacja Scena Otwarta",
                             ("Zwiększyć pulę małych grantów.", "Ogłaszać konkursy w styczniu."))
    received(consultation, "Stowarzyszenie Sąsiedzi", ("Lokale dla organizacji w dzielnicach.",))
    for remark in db.session.scalars(sa.select(Remark)):
        remark_moderation.accept(remark, facilitator)
    db.session.commit()
    numbers = [p.number for p in db.session.scalars(sa.select(Remark).order_by(Remark.id))]

    page = log_in(new_context(), official.email)
    page.get_by_role("link", name="Konsultacje", exact=True).first.click()
    page.get_by_role("link", name=consultation.title).click()
    page.get_by_role("link", name="3 uwagi zgłoszone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uwagi organizacji")

    decisions = {
        numbers[0]: ("uwzględniona", "", "Pula małych grantów wzrośnie o 20%."),
        numbers[1]: ("nieuwzględniona", "Terminy konkursów wynikają z uchwały budżetowej.", ""),
        numbers[2]: ("wyjaśniona", "Lokale przydziela Zarząd Budynków Komunalnych.", ""),
    }
    # A stance "not accepted" without a reason is refused, and nothing typed is lost.
    page.get_by_role("link", name=numbers[1], exact=True).click()
    page.get_by_role("combobox", name="Stanowisko").select_option(label="nieuwzględniona")
    page.get_by_role("button", name="Zapisz roboczą wersję stanowiska").click()
    errors = page.get_by_role("alert")
    expect(errors).to_be_focused()  # announced and read first
    expect(errors).to_contain_text("Uzasadnienie")
    expect(page.get_by_label("Uzasadnienie")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("combobox", name="Stanowisko")).to_have_value("not_accepted")
    page.get_by_role("link", name="Uwagi organizacji").click()

    for number, (stance, reasoning, change) in decisions.items():
        page.get_by_role("link", name=number, exact=True).click()
        page.get_by_role("combobox", name="Stanowisko").select_option(label=stance)
        if reasoning:
            page.get_by_label("Uzasadnienie").fill(reasoning)
        if change:
            page.get_by_label("Wynikająca zmiana w dokumencie").fill(change)
        page.get_by_role("button", name="Zapisz roboczą wersję stanowiska").click()
        expect(page.locator(".flashes")).to_have_text(
            f"Zapisano roboczą wersję stanowiska wobec uwagi {number}.")
        page.get_by_role("link", name="Uwagi organizacji").click()
        row = page.locator("table.remarks-table tbody tr").filter(has_text=number)
        expect(row.locator("td").last).to_have_text(f"{stance} wersja robocza")  # the stance: the last column

    rows = page.locator("table.remarks-table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#stances-heading + p")).to_contain_text("nieopublikowane: 3")
    page.get_by_role("button", name="Opublikuj wszystkie stanowiska").click()
    expect(page.locator("body")).to_contain_text("nieopublikowane: 0")

    # The report: published as version 1, then read as a PDF.
    page.get_by_role("link", name=consultation.title).first.click()
    page.locator("#report-documents").get_by_label("Rozumiem, opublikuj teraz").check()  # remarks may still come
    page.get_by_role("button", name="Opublikuj raport jako wersję 1").click()
    expect(page.get_by_role("status")).to_contain_text("opublikowano wersję 1", timeout=RENDER_MS)
    page.get_by_role("link", name=re.compile("Wróć do")).first.click()
    report = page.locator("#report-documents")
    expect(report.locator("table.versions tbody tr")).to_have_count(1)
    name, data = download(page, report.get_by_role("link", name=re.compile(r"^PDF")).first)
    assert name.startswith("raport-z-konsultacji-") and name.endswith("-v1.pdf")
    text, _pages = pdf_text(data)
    in_order(text, "Raport z konsultacji", consultation.title,
             "Organizator: Wydział Kultury i Dziedzictwa Narodowego",
             "Zgłoszone uwagi: 3 (zgłoszenia: 2, organizacje: 2)",
             "uwzględniona 1", "uwzględniona częściowo 0", "nieuwzględniona 1", "wyjaśniona 1")
    for organisation, remark, (stance, reasoning, change) in [
            ("Fundacja Scena Otwarta", "Zwiększyć pulę małych grantów.", decisions[numbers[0]]),
            ("Fundacja Scena Otwarta", "Ogłaszać konkursy w styczniu.", decisions[numbers[1]]),
            ("Stowarzyszenie Sąsiedzi", "Lokale dla organizacji w dzielnicach.", decisions[numbers[2]])]:
        in_order(text, "ZESTAWIENIE UWAG", organisation, remark, stance, reasoning, change)
    assert "Jan Kowalski" not in text  # the contact person is never published
    assert submission.email not in text
