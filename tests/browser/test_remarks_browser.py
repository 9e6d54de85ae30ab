"""An NGO fills in the consultation form in Chromium: a second remark added in place (htmx),
focus on it, the receipt at the end."""

from __future__ import annotations

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
