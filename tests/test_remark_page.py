"""One remark's page says who acts next and leads on (issue 17, point 9): an official is told
who has to decide first, a decided remark no longer offers to be accepted, each reader gets
the next remark waiting for their work, and receipt numbers break only after a slash."""

from __future__ import annotations

from datetime import timedelta

from consult.core.enums import ConsultationStatus, Role
from consult.core.models import utcnow
from consult.extensions import db
from tests.pages import find, parse, text
from tests.test_remarks import consultation, moderator, received  # noqa: F401


def page_of(client, remark):
    return client.get(f"/remarks/{remark.id}").get_data(as_text=True)


def test_an_official_is_told_who_decides_first(consultation, moderator, official_client):
    submission, _token = received(consultation)
    page = page_of(official_client, submission.remarks[0])
    stance = text(find(page, "section[aria-labelledby=stance-heading]"))
    assert "czeka na decyzję moderatorów konsultacji" in stance
    assert moderator.name in stance and "Gdy zostanie przyjęta, tutaj zajmiesz wobec niej stanowisko." in stance
    assert parse(page).select("form[action$='/accept'], form[action$='/reject']") == []


def test_without_facilitators_the_official_learns_who_assigns_them(make, official_client):
    bare = make.consultation(status=ConsultationStatus.OPEN, submissions_open_at=utcnow() - timedelta(days=1),
                             submissions_close_at=utcnow() + timedelta(days=1))
    submission, _token = received(bare)
    stance = text(find(page_of(official_client, submission.remarks[0]), "section[aria-labelledby=stance-heading]"))
    assert "konsultacje nie mają jeszcze moderatorów: przypisuje ich administrator" in stance


def test_an_accepted_remark_is_not_offered_to_be_accepted_again(consultation, moderator, facilitator_client, make):
    submission, _token = received(consultation, remarks=("Pierwsza", "Druga"))
    first, second = submission.remarks
    assert facilitator_client.submit(f"/remarks/{first.id}/accept", {}).status_code == 303
    page = parse(page_of(facilitator_client, first))
    assert page.select("form[action$='/accept']") == []  # no meeting to add it to either
    assert text(page.select_one("form[action$='/reject'] h3")) == "Odrzucenie"  # still correctable

    meeting = make.meeting(consultation, title="Spotkanie w Nowej Hucie")
    make.section(meeting, heading="Pomysły", topic="Nowe pomysły")
    again = parse(page_of(facilitator_client, first)).select_one("form[action$='/accept']")
    assert text(again.h3) == "Dodanie do spotkania" and text(again.button) == "Dodaj do spotkania"
    assert facilitator_client.submit(f"/remarks/{second.id}/accept", {}).status_code == 303


def test_each_reader_is_led_to_the_next_remark_waiting_for_them(consultation, moderator, facilitator_client,
                                                                official_client, official):
    from consult.remarks import moderation, stances

    submission, _token = received(consultation, remarks=("Pierwsza", "Druga", "Trzecia"))
    first, second, third = submission.remarks
    moderation.accept(third, moderator)
    db.session.commit()
    link = find(page_of(facilitator_client, first), "p.next-remark a")
    assert text(link) == f"Następna uwaga czekająca na decyzję: {second.number}"
    assert link["href"] == f"/remarks/{second.id}"
    # The last one leads back to the first still waiting.
    assert find(page_of(facilitator_client, second), "p.next-remark a")["href"] == f"/remarks/{first.id}"
    official_link = find(page_of(official_client, first), "p.next-remark a")
    assert text(official_link) == f"Następna uwaga bez stanowiska: {third.number}"
    stances.set_stance(third, official, "accepted", None, None)
    db.session.commit()
    assert parse(page_of(official_client, first)).select("p.next-remark") == []  # nothing left


def test_receipt_numbers_break_only_after_a_slash(consultation, moderator, facilitator_client):
    submission, _token = received(consultation)
    heading = find(page_of(facilitator_client, submission.remarks[0]), "h1")
    number = submission.remarks[0].number  # e.g. KWP/2026/0001-1
    assert text(heading) == f"Uwaga {number}"
    parts = [text(span) for span in heading.select(".receipt-number .nobreak")]
    assert "".join(parts) == number and parts[-1].endswith("-1") and all(p.endswith("/") for p in parts[:-1])
    assert len(heading.select(".receipt-number wbr")) == len(parts) - 1


def test_roles_stay_as_they_were(consultation, moderator, login_as, make):
    """Officials answer, facilitators moderate (the access matrix holds it, tests/test_access.py):
    this page explains it; it does not change it."""
    submission, _token = received(consultation)
    official = login_as(make.user(Role.OFFICIAL, email="another.official@example.org"))
    assert official.submit(f"/remarks/{submission.remarks[0].id}/accept", {}).status_code == 403
