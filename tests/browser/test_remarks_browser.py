"""An NGO fills in the consultation form in Chromium: a second remark added in place (htmx),
focus on it, the receipt at the end."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from consult.core.enums import ConsultationStatus
from consult.core.models import utcnow

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed",
                    exc_type=ImportError)
from playwright.sync_api import expect  # noqa: E402

from tests.browser.conftest import fill_organisation  # noqa: E402


def test_an_organisation_sends_two_remarks(make, new_context):
    consultation = make.consultation(
        title="Konsultacje Wieloletniego Programu Współpracy", status=ConsultationStatus.OPEN,
        submissions_open_at=utcnow() - timedelta(days=1), submissions_close_at=utcnow() + timedelta(days=7))
    make.plane(consultation, 1, "Tworzenie polityk publicznych")
    page = new_context().new_page()
    page.goto(f"/public/{consultation.slug}")
    page.get_by_role("link", name="Wypełnij formularz konsultacyjny").click()
    fill_organisation(page, "Fundacja Kultura Razem", "fundacja", "0000123456",
                      "ul. Floriańska 1, Kraków", "Anna Nowak", "anna@example.org")
    page.locator("#remarks-0-target").select_option(label="Płaszczyzna 1. Tworzenie polityk publicznych")
    page.locator("#remarks-0-remark").fill("Zespoły powinny zbierać się co kwartał.")

    url_before = page.url
    page.get_by_role("button", name="Dodaj kolejną uwagę").click()
    second = page.locator("#remarks-1-target")
    expect(second).to_be_focused()  # htmx swapped the list in place and moved focus to it
    assert page.url == url_before
    expect(page.locator("#remarks-0-remark")).to_have_value("Zespoły powinny zbierać się co kwartał.")
    expect(page.get_by_label("Nazwa organizacji")).to_have_value("Fundacja Kultura Razem")
    page.keyboard.press("Tab")  # on to the provision field of the new remark
    page.locator("#remarks-1-remark").fill("Dopisać organizacje nieformalne.")

    page.get_by_label("Zapoznałem(-am) się z klauzulą informacyjną").check()
    page.get_by_role("button", name="Wyślij uwagi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dziękujemy: Twoje uwagi zostały przyjęte")
    expect(page.locator(".success-panel")).to_contain_text("KWP/")
    expect(page.locator("ol.remark-list > li")).to_have_count(2)
    link = page.locator(".tracking-link a")
    tracking = link.get_attribute("href")
    other = new_context().new_page()
    other.goto(tracking)
    expect(other.get_by_role("heading", level=1)).to_contain_text("Twoje uwagi: KWP/")


@pytest.mark.parametrize("width", [320, 390])
def test_an_organisation_reads_its_receipt_and_the_answers_on_a_phone(make, new_context, official, width):
    """Every public page an organisation goes through fits the phone's width (WCAG 1.4.10):
    the form (also with its errors), the receipt, the tracking page with the city's answers;
    long values wrap; each remark is numbered once; the city's reasoning is labelled apart
    from the organisation's own justification."""
    from consult.extensions import db
    from consult.remarks import moderation, stances
    from tests.browser.test_accessibility_browser import wider_than_the_window
    from tests.test_remarks import received

    consultation = make.consultation(
        title="Konsultacje projektu Programu Współpracy Gminy Miejskiej Kraków na 2027 rok",
        status=ConsultationStatus.OPEN, submissions_open_at=utcnow() - timedelta(days=1),
        submissions_close_at=utcnow() + timedelta(days=7))
    make.plane(consultation, 1, "Tworzenie polityk publicznych")
    page = new_context().new_page()
    page.set_viewport_size({"width": width, "height": 800})

    page.goto(f"/public/{consultation.slug}/remarks")
    page.get_by_role("button", name="Wyślij uwagi").click()  # nothing filled in: errors
    expect(page.locator(".error-summary, [role=alert]").first).to_be_visible()
    assert wider_than_the_window(page) == []

    submission, token = received(
        consultation, organisation="Stowarzyszenie Przyjaciół Teatru Łaźnia Nowa i Nowohuckiego Centrum Kultury",
        remarks=("Wydłużyć konsultacje do 21 dni.", "Dodać seniorów."),
        email="sekretariat.stowarzyszenia.przyjaciol.teatru@organizacja-pozarzadowa.example.org")
    first, second = submission.remarks
    first.justification = "Organizacje potrzebują czasu na uchwały zarządu."
    moderation.accept(first, official)
    moderation.accept(second, official)
    stances.set_stance(first, official, "partly", "Wydłużamy konsultacje do 14 dni.", None)
    stances.set_stance(second, official, "accepted", None, None)
    stances.publish_stances(consultation, official)
    db.session.commit()

    for url in (f"/public/tracking/{token}?received=1", f"/public/tracking/{token}"):
        page.goto(url)
        assert wider_than_the_window(page) == [], url
        # The receipt number breaks only after a slash, never as "0001-" / "2".
        for part in page.locator(".receipt-number .nobreak").all():
            assert part.evaluate("el => el.getClientRects().length") == 1, part.text_content()
        items = page.locator("ol.remark-list > li")
        expect(items).to_have_count(2)
        assert items.first.evaluate("li => getComputedStyle(li).listStyleType") == "none"
        expect(items.first.get_by_role("heading", level=3)).to_have_text(re.compile(r"^Uwaga 1 \("))
        expect(items.first).to_contain_text("Uzasadnienie stanowiska: Wydłużamy konsultacje do 14 dni.")
        expect(items.first.locator("dt:text-is('Uzasadnienie') + dd")).to_have_text(
            "Organizacje potrzebują czasu na uchwały zarządu.")
