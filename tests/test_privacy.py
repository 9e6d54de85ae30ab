"""Personal data only to those who need it (issue 15, finding 14): an organisation's contact
details with its remarks only for the consultation's own staff and admins; pages with
personal data are never stored by a browser or proxy; the board's offline outbox belongs
to one person."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.core.enums import Role
from consult.extensions import db
from consult.meetings.models import Entry
from tests.pages import find, text
from tests.test_remarks import consultation, form_url, valid  # noqa: F401

CONTACTS = ("Jan Kowalski", "anna.kontakt@example.org", "0000123456", "ul. Długa 5, Kraków")


@pytest.fixture
def remark(consultation):
    from consult.remarks import intake

    data = {"organisation": "Fundacja Kultura Razem", "legal_form": "foundation",
            "krs": "0000123456", "address": "ul. Długa 5, Kraków", "contact_person": "Jan Kowalski",
            "email": "anna.kontakt@example.org", "phone": "+48 600 100 200",
            "remarks": [{"target": "general", "remark": "Więcej spotkań w dzielnicach.",
                         "document_ref": None, "proposed_wording": None, "justification": None}]}
    result = intake.submit(consultation, data)
    db.session.commit()
    return result.submission.remarks[0]


def detail(client, remark) -> str:
    response = client.get(f"/remarks/{remark.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return text(find(response.get_data(as_text=True), "main"))


def test_contact_details_are_for_the_consultations_own_staff(consultation, remark, make, login_as,
                                                              admin_client):
    own = make.user(Role.FACILITATOR, email="own@example.org")
    consultation.facilitators.append(own)
    db.session.commit()
    other = make.user(Role.FACILITATOR, email="other@example.org")
    official = make.user(Role.OFFICIAL, email="urzednik@example.org")
    for client in (login_as(own), admin_client):
        page = detail(client, remark)
        for value in CONTACTS + ("+48 600 100 200",):
            assert value in page
    for client in (login_as(other), login_as(official)):
        page = detail(client, remark)
        assert "Fundacja Kultura Razem" in page and "fundacja" in page
        for value in CONTACTS + ("+48 600 100 200",):
            assert value not in page
        assert "Widzą je tylko osoby prowadzące tę konsultację i administratorzy." in page


@pytest.mark.parametrize("url", ["/consultations/", "/admin/users", "/admin/revisions", "/documents/"])
def test_staff_pages_are_never_stored(admin_client, url):
    assert admin_client.get(url).headers["Cache-Control"] == "no-store"


def test_a_form_shown_again_with_what_was_typed_is_never_stored(client, consultation):
    page = client.submit(form_url(consultation), valid(consultation, email="zly adres"))
    assert page.status_code == 422
    assert "Jan" in page.get_data(as_text=True) or "Anna Nowak" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"


def test_an_entry_typed_for_another_account_is_not_saved_under_this_one(board, editor, make, login_as):
    section = board.plane_section
    before = db.session.scalar(sa.select(sa.func.count(Entry.id)))
    other = make.user(Role.FACILITATOR, email="druga@example.org")
    board.meeting.consultation.facilitators.append(other)
    db.session.commit()
    second = login_as(other, htmx=True)
    refused = second.submit(f"/meetings/{board.meeting.id}/board/entries", {
        "section_id": section.id, "text": "Wpis pierwszej osoby", "client_key": "k-123456789",
        "typed_by": str(board.facilitator.id)})
    assert refused.status_code == 403
    assert "inna osoba zalogowana w tej przeglądarce" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == before
    mine = second.submit(f"/meetings/{board.meeting.id}/board/entries", {
        "section_id": section.id, "text": "Wpis drugiej osoby", "typed_by": str(other.id)})
    assert mine.status_code == 200
