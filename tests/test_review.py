"""The participants' review of the minutes (issue 18, "After the meeting"): the facilitator
opens a review for some days; the registered and the addresses given get a personal link; on
the draft each comments on an entry or approves; the facilitator takes a comment in (the
entry changes, its revision names the comment) or answers it, and closes the review; the
summary then says "Uzgodniono z uczestnikami: N uwag, M uwzględnionych", never a name."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.core.enums import CommentStatus, ConsultationStatus
from consult.core.logging import redact
from consult.core.models import Revision
from consult.extensions import db
from consult.meetings.models import Entry
from consult.participants import services as participants
from consult.review import services
from consult.review.models import ReviewComment, Reviewer
from tests.conftest import PUBLIC_URL as PUBLIC
from tests.pages import field_error, find, flashes, parse, text
from tests.test_remarks import outbox

pytestmark = pytest.mark.usefixtures("public_url")


@pytest.fixture
def meeting(make, facilitator):
    consultation = make.consultation(title="Konsultacje programu", facilitators=[facilitator],
                                     status=ConsultationStatus.OPEN)
    meeting = make.meeting(consultation, title="Spotkanie konsultacyjne dla organizacji",
                           date=services.today() + timedelta(days=1), registration_open=True)
    section = make.section(meeting, heading="Opinie", topic="Współpraca")
    make.entry(section, "Brak kontaktu z radnymi")
    make.entry(section, "Dobra współpraca z wydziałem")
    participants.register(meeting, {"organisation": "Fundacja", "name": "Anna Kowalska",
                                    "email": "anna@example.org", "needs": None})
    db.session.commit()
    return meeting


def links(app) -> list[str]:
    found = []
    for mail in outbox(app):
        if "Prosimy o przejrzenie" in mail["Subject"]:
            body = mail.get_body(("plain",)).get_content()
            found += [u[len(PUBLIC):] for u in re.findall(re.escape(PUBLIC) + r"/public/review/\S+", body)]
    return found


def open_it(staff, meeting, addresses="jan@example.org\nEwa@Example.org"):
    return staff.submit(f"/meetings/{meeting.id}/review/open", {"days": "7", "addresses": addresses})


def test_a_review_from_invitation_to_the_published_line(app, client, meeting, facilitator, login_as):
    staff = login_as(facilitator)
    page = parse(staff.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    review_page = page.find("a", string="Uzgodnienie z uczestnikami")["href"]
    summary = staff.get(f"/meetings/{meeting.id}/summary").get_data(as_text=True)
    assert "Podsumowania nie uzgadniano z uczestnikami." in summary

    opened = open_it(staff, meeting)
    assert opened.status_code == 303
    shown = flashes(staff.get(opened.location).get_data(as_text=True))
    assert "3 wiadomości z osobistymi linkami są w drodze." in " ".join(shown)
    sent = links(app)
    assert len(sent) == 3 and all(redact(u) == "/public/review/[redacted]" for u in sent)
    [mail] = [m for m in outbox(app) if m["To"] == "anna@example.org" and "Prosimy" in m["Subject"]]
    assert "Uwagi przyjmujemy do" in mail.get_body(("plain",)).get_content()

    # A reviewer comments on an entry, with a proposed wording; another approves.
    anna = sent[0]
    reviewer_page = parse(client.get(anna).get_data(as_text=True))
    first, second = db.session.scalars(sa.select(Entry).order_by(Entry.id)).all()
    assert find(reviewer_page, f"#review-entry-{first.id}") is not None
    commented = client.submit(anna, {"entry_id": str(first.id), "text": "Mówiliśmy o radnych dzielnic",
                                     "proposed_wording": "Brak kontaktu z radnymi dzielnic"})
    assert commented.status_code == 303 and commented.location.endswith(f"#review-entry-{first.id}")
    client.submit(anna, {"entry_id": "", "text": "Brakuje nazwisk prowadzących"})
    assert "Dziękujemy: zatwierdzono podsumowanie." in " ".join(flashes(
        client.get(client.submit(sent[1], {"approve": "1"}).location).get_data(as_text=True)))

    # The facilitator sees the comments beside the entries, takes one in and answers the other.
    board = parse(staff.get(review_page).get_data(as_text=True))
    [on_first] = db.session.scalars(sa.select(ReviewComment).where(ReviewComment.entry_id == first.id)).all()
    block = find(board, f"#review-entry-{first.id} #comment-{on_first.id}")
    assert "Mówiliśmy o radnych dzielnic" in text(block)
    assert find(block, "textarea[name=text]").string == "Brak kontaktu z radnymi dzielnic"
    taken = staff.submit(f"/meetings/{meeting.id}/review/{on_first.review_id}/comments/{on_first.id}",
                         {"decision": "accept", "text": "Brak kontaktu z radnymi dzielnic", "version": "1"})
    assert taken.status_code == 303
    db.session.refresh(first)
    assert first.text == "Brak kontaktu z radnymi dzielnic"
    noted = db.session.scalar(sa.select(Revision).where(Revision.object_type == "entry", Revision.object_id == first.id,
                                                        Revision.action == "review"))
    assert noted.after["comment"] == "Mówiliśmy o radnych dzielnic"
    general = db.session.scalar(sa.select(ReviewComment).where(ReviewComment.entry_id.is_(None)))
    staff.submit(f"/meetings/{meeting.id}/review/{general.review_id}/comments/{general.id}",
                 {"decision": "answer", "answer": "Nazwisk nie publikujemy."})
    mine = parse(client.get(anna).get_data(as_text=True))
    assert "Nazwisk nie publikujemy." in text(mine)

    # Closed: the summary says how it went, and names nobody.
    staff.submit(f"/meetings/{meeting.id}/review/{general.review_id}/close", {})
    summary = staff.get(f"/meetings/{meeting.id}/summary").get_data(as_text=True)
    assert "Uzgodniono z uczestnikami: 2 uwagi, 1 uwzględniona." in summary
    assert "Anna" not in summary and "anna@example.org" not in summary
    late = client.submit(anna, {"entry_id": str(second.id), "text": "Za późno"})
    assert late.status_code == 409 and db.session.scalar(sa.select(sa.func.count(ReviewComment.id))) == 2


def test_a_comment_is_decided_once(app, meeting, facilitator, login_as):
    staff = login_as(facilitator)
    open_it(staff, meeting)
    reviewer = db.session.scalars(sa.select(Reviewer)).first()
    entry = db.session.scalars(sa.select(Entry)).first()
    found = services.comment(reviewer, entry.id, "Inaczej", None)
    db.session.commit()
    url = f"/meetings/{meeting.id}/review/{found.review_id}/comments/{found.id}"
    staff.submit(url, {"decision": "answer", "answer": "Tak było"})
    again = staff.submit(url, {"decision": "accept", "text": "Nowy tekst", "version": "1"})
    assert again.status_code == 409 and "Ta uwaga została już rozpatrzona." in again.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.text != "Nowy tekst"
    assert db.session.get(ReviewComment, found.id).status == CommentStatus.ANSWERED


@pytest.mark.parametrize("form, field, message", [
    ({"days": "0", "addresses": ""}, "days", "Podaj liczbę od 1 do 60."),
    ({"days": "7", "addresses": "to nie adres"}, "addresses", "„to” nie jest adresem e-mail."),
])
def test_bad_input_when_opening_is_shown_at_its_field(client, meeting, facilitator, login_as, form, field, message):
    response = login_as(facilitator).submit(f"/meetings/{meeting.id}/review/open", form)
    assert response.status_code == 422
    assert message in field_error(parse(response.get_data(as_text=True)), field)
    assert db.session.scalar(sa.select(sa.func.count(Reviewer.id))) == 0


def test_an_empty_comment_keeps_the_page_and_says_why(client, app, meeting, facilitator, login_as):
    open_it(login_as(facilitator), meeting)
    link = links(app)[0]
    entry = db.session.scalars(sa.select(Entry)).first()
    response = client.submit(link, {"entry_id": str(entry.id), "text": "  ", "proposed_wording": "Inne brzmienie"})
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    assert "Napisz, co powiedziano inaczej albo czego brakuje." in field_error(page, f"c-{entry.id}-text")
    assert find(page, f"#c-{entry.id}-wording").string == "Inne brzmienie"


def test_the_reviewers_and_their_comments_are_for_the_meetings_staff_only(client, meeting, official, login_as):
    assert login_as(official).get(f"/meetings/{meeting.id}/review").status_code == 403
    forged = client.get("/public/review/not-a-link")
    assert forged.status_code == 404 and "Ten link jest nieważny" in forged.get_data(as_text=True)
    assert client.post("/public/review/not-a-link", data={"text": "x"}).status_code in (400, 404)
    assert db.session.scalar(sa.select(sa.func.count(ReviewComment.id))) == 0
