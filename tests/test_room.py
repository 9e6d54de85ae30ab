"""The room contributes (issue 18, "During the meeting"): a participant opens the short link
on a phone, without an account, and sends an idea to a section; it waits in a queue beside
that section on the board until a facilitator accepts it (an entry "from the room"), merges
it into an entry, or dismisses it. Limited per phone and per meeting, with a honeypot;
closed by the facilitator; the projector shows the QR code, and only accepted ideas."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from consult.core.enums import ContributionStatus, EntrySource
from consult.extensions import db
from consult.meetings.models import Entry
from consult.room.models import Contribution
from tests.conftest import PUBLIC_URL as PUBLIC
from tests.pages import control_value, field_error, find, flashes, parse, text

pytestmark = pytest.mark.usefixtures("public_url")


@pytest.fixture
def room(board, editor):
    """The board fixture's meeting with the room's input opened by its facilitator."""
    response = editor.submit(f"/meetings/{board.meeting.id}/room/state", {"open": "1"})
    assert response.status_code == 303
    db.session.refresh(board.meeting)
    return board


def phone_url(meeting) -> str:
    return f"/r/{meeting.room_code}"


def send(client, meeting, idea: str, to=None, **extra):
    page = client.get(phone_url(meeting)).get_data(as_text=True)
    data = {"csrf_token": control_value(page, "csrf_token"), "client_key": control_value(page, "client_key"),
            "section": str((to or meeting.parts[0].sections[0]).id), "text": idea, **extra}
    return client.post(phone_url(meeting), data=data)


def contributions() -> list[Contribution]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Contribution).order_by(Contribution.id)))


def test_a_participant_sends_an_idea_which_waits_beside_its_section_until_accepted(app, client, room, editor):
    meeting = room.meeting
    board_page = parse(editor.get(f"/meetings/{meeting.id}/board").get_data(as_text=True))
    link = find(board_page, "#room-panel a.room-link")
    assert re.fullmatch(re.escape(PUBLIC) + r"/r/[a-z2-9]{6}", link["href"])  # on PUBLIC_URL, short
    assert not re.search(r"[01ilo]", meeting.room_code)  # nothing to misread on the projector

    phone = parse(client.get(phone_url(meeting)).get_data(as_text=True))
    assert text(find(phone, "h1")) == "Twój pomysł na spotkanie"
    section = meeting.parts[0].sections[0]
    assert find(phone, f"#section option[value='{section.id}']").has_attr("selected")
    sent = send(client, meeting, "Dyżury prawników dla organizacji w domach kultury")
    assert sent.status_code == 303
    assert "Dziękujemy! Twój pomysł trafił do prowadzących" in " ".join(
        flashes(client.get(sent.location).get_data(as_text=True)))
    [waiting] = contributions()
    assert waiting.status == ContributionStatus.PENDING and waiting.section_id == section.id

    # Beside its section on the board; the projector does not show it.
    queue = find(parse(editor.get(f"/meetings/{meeting.id}/board").get_data(as_text=True)),
                 f"#room-queue-{section.id}")
    assert "Z sali (1)" in text(queue)
    assert find(queue, "textarea").string == "Dyżury prawników dla organizacji w domach kultury"
    projector = editor.get(f"/meetings/{meeting.id}/projector").get_data(as_text=True)
    assert "Dyżury prawników" not in projector
    assert find(parse(projector), "#room-projector img")["alt"] == "Kod QR linku do wysłania pomysłu"

    # Accepted, as the facilitator worded it: an entry of the section, marked as from the room.
    accepted = editor.submit(f"/meetings/{meeting.id}/room/{waiting.id}/accept",
                             {"text": "Dyżury prawników w domach kultury"})
    assert accepted.status_code == 303 and accepted.location.endswith(f"#room-queue-{section.id}")
    entry = db.session.scalar(sa.select(Entry).where(Entry.text == "Dyżury prawników w domach kultury"))
    assert entry.section_id == section.id and entry.source == EntrySource.ROOM
    [done] = contributions()
    assert done.status == ContributionStatus.ACCEPTED and done.entry_id == entry.id
    board_page = parse(editor.get(f"/meetings/{meeting.id}/board").get_data(as_text=True))
    assert "z sali" in text(find(board_page, f"#entry-{entry.id}"))
    assert "Z sali (0)" in text(find(board_page, f"#room-queue-{section.id}"))
    assert "Dyżury prawników w domach kultury" in editor.get(f"/meetings/{meeting.id}/projector").get_data(as_text=True)

    # Decided once: a second facilitator's click on the same idea is refused, nothing doubles.
    again = editor.submit(f"/meetings/{meeting.id}/room/{waiting.id}/accept", {"text": "x"})
    assert "Ten pomysł został już rozpatrzony" in " ".join(flashes(editor.get(again.location).get_data(as_text=True)))
    assert db.session.scalar(sa.select(sa.func.count(Entry.id)).where(Entry.source == EntrySource.ROOM)) == 1


def test_merging_and_dismissing_with_undo(client, room, editor):
    meeting = room.meeting
    section = meeting.parts[0].sections[0]
    from tests.conftest import Factory  # noqa: F401 - the board fixture's factory made it

    target = Entry(section_id=section.id, kind=section.default_kind, text="Pierwszy wpis", position=0)
    db.session.add(target)
    db.session.commit()
    send(client, meeting, "To samo co pierwszy wpis")
    send(client, meeting, "Nie na temat")
    first, second = contributions()
    page = parse(editor.get(f"/meetings/{meeting.id}/room/{first.id}/merge").get_data(as_text=True))
    assert find(page, f"#merge-{target.id}") is not None
    merged = editor.submit(f"/meetings/{meeting.id}/room/{first.id}/merge", {"entry_id": str(target.id)})
    assert merged.status_code == 303 and merged.location.endswith(f"#entry-{target.id}")
    dismissed = editor.submit(f"/meetings/{meeting.id}/room/{second.id}/dismiss", {})
    undo = find(parse(editor.get(dismissed.location).get_data(as_text=True)), ".flashes form")
    assert "Pomysł odrzucono." in text(undo)
    first, second = contributions()
    assert (first.status, first.entry_id, second.status) == (
        ContributionStatus.MERGED, target.id, ContributionStatus.DISMISSED)
    editor.submit(undo["action"], {})
    assert contributions()[1].status == ContributionStatus.PENDING
    assert "Z sali (1)" in text(find(parse(editor.get(f"/meetings/{meeting.id}/board").get_data(as_text=True)),
                                     f"#room-queue-{section.id}"))


def test_the_queue_poll_says_nothing_changed_or_sends_only_the_changes(client, room, editor):
    meeting = room.meeting
    since = meeting.room_rev
    url = f"/meetings/{meeting.id}/room/queue?room_since={since}"
    assert editor.get(url, headers={"HX-Request": "true"}).status_code == 204
    send(client, meeting, "Nowy pomysł z sali")
    [waiting] = contributions()
    delta = editor.get(url, headers={"HX-Request": "true"})
    assert delta.status_code == 200
    html = delta.get_data(as_text=True)
    assert f'data-hx-swap-oob="beforeend:#room-queue-list-{waiting.section_id}"' in html
    assert "Nowy pomysł z sali" in html and f'"room_since": "{since + 1}"' in html
    editor.submit(f"/meetings/{meeting.id}/room/{waiting.id}/dismiss", {})
    later = editor.get(f"/meetings/{meeting.id}/room/queue?room_since={since + 1}").get_data(as_text=True)
    assert f'id="contribution-{waiting.id}" data-hx-swap-oob="delete"' in later


def test_closed_input_refuses_and_says_so_keeping_nothing(client, room, editor):
    meeting = room.meeting
    page = client.get(phone_url(meeting)).get_data(as_text=True)
    editor.submit(f"/meetings/{meeting.id}/room/state", {"open": "0"})
    refused = client.post(phone_url(meeting), data={
        "csrf_token": control_value(page, "csrf_token"), "section": str(meeting.parts[0].sections[0].id),
        "text": "Spóźniony pomysł"})
    assert refused.status_code == 409
    assert "prowadzący nie przyjmują teraz pomysłów z sali" in text(find(parse(refused.get_data(as_text=True)),
                                                                         ".notice"))
    assert contributions() == []
    assert client.get("/r/nosuch").status_code == 404


@pytest.mark.parametrize("changes, field, message", [
    ({"text": "   "}, "text", "To pole jest wymagane."),
    ({"text": "x" * 1001}, "text", "Najwyżej 1000 znaków."),
    ({"section": "999999"}, "section", "Wybierz sekcję z listy."),
])
def test_bad_input_is_shown_at_its_field(client, room, changes, field, message):
    response = send(client, room.meeting, "Pomysł", **changes)
    assert response.status_code == 422
    assert message in field_error(parse(response.get_data(as_text=True)), field)
    assert contributions() == []


def test_a_section_of_another_meeting_is_refused(client, room):
    response = send(client, room.meeting, "Pomysł", to=room.other_section)
    assert response.status_code == 422 and contributions() == []


def test_a_phone_is_limited_and_a_bot_keeps_nothing(app, client, room):
    app.config["ROOM_DEVICE_LIMIT"] = "2 per minute"
    assert [send(client, room.meeting, f"Pomysł {n}").status_code for n in (1, 2)] == [303, 303]
    over = send(client, room.meeting, "Pomysł 3")
    assert over.status_code == 429 and int(over.headers["Retry-After"]) > 0
    assert find(parse(over.get_data(as_text=True)), "#text").string.strip() == "Pomysł 3"
    another_phone = app.test_client()
    assert send(another_phone, room.meeting, "Z innego telefonu").status_code == 303
    assert send(another_phone, room.meeting, "Bot", website="http://spam.example").status_code == 303
    assert [c.text for c in contributions()] == ["Pomysł 1", "Pomysł 2", "Z innego telefonu"]


def test_the_same_form_sent_twice_is_one_idea(client, room):
    page = client.get(phone_url(room.meeting)).get_data(as_text=True)
    data = {"csrf_token": control_value(page, "csrf_token"), "client_key": control_value(page, "client_key"),
            "section": str(room.meeting.parts[0].sections[0].id), "text": "Raz"}
    assert [client.post(phone_url(room.meeting), data=data).status_code for _ in range(2)] == [303, 303]
    assert len(contributions()) == 1


def test_two_facilitators_accepting_one_idea_at_once_make_one_entry(app, room, facilitator, make, login_as):
    """Through a real server: the row lock lets one accept; the other is told."""
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from consult.room import services
    from tests.conftest import PASSWORD, serving

    other = make.user(email="druga@example.org")
    room.meeting.consultation.facilitators.append(other)
    contribution = services.contribute(room.meeting, room.meeting.parts[0].sections[0].id, "Wspólny pomysł",
                                       "telefon", None)
    db.session.commit()
    meeting_id, contribution_id = room.meeting.id, contribution.id
    emails = [facilitator.email, other.email]
    barrier = threading.Barrier(2, timeout=60)

    def one(email: str) -> int:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login = opener.open(base + "/login", timeout=60).read().decode()
        opener.open(base + "/login", data=urllib.parse.urlencode({
            "csrf_token": control_value(login, "csrf_token"), "email": email, "password": PASSWORD}).encode())
        board = opener.open(f"{base}/meetings/{meeting_id}/board", timeout=60).read().decode()
        body = urllib.parse.urlencode({"csrf_token": control_value(board, "csrf_token"), "text": "Wspólny"}).encode()
        barrier.wait()
        return opener.open(f"{base}/meetings/{meeting_id}/room/{contribution_id}/accept", data=body,
                           timeout=60).status

    with serving(app) as base, ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(one, emails)) == [200, 200]  # both sent back to the board
    assert db.session.scalar(sa.select(sa.func.count(Entry.id)).where(Entry.source == EntrySource.ROOM)) == 1


def test_the_qr_code_is_an_svg_of_the_short_link(room, editor):
    response = editor.get(f"/meetings/{room.meeting.id}/room/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<svg") and b'xmlns="http://www.w3.org/2000/svg"' in response.data
    assert b"https://konsultacje.krakow.example/r/" in response.data  # its title: the link it encodes
