"""Each role lands on its own start page (issue 17, point 12): a facilitator on their meetings,
an official on the remarks waiting for a stance, an admin on an overview — after logging in
and at the site's home; a safe ``next`` always wins."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from consult.extensions import db
from tests.conftest import PASSWORD
from tests.pages import find, parse, section, table_row, text, texts
from tests.test_remarks import consultation, received  # noqa: F401


def today() -> date:
    return datetime.now(ZoneInfo("Europe/Warsaw")).date()


def start_page(client) -> str:
    response = client.get("/start")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


def test_login_and_the_home_page_lead_to_the_start_page(client, facilitator):
    response = client.login(facilitator.email)
    assert response.status_code == 303 and response.location == "/start"
    assert client.get("/").location == "/start"
    page = start_page(client)
    assert text(find(page, "h1")) == "Mój pulpit"
    current = find(page, "nav a[aria-current=page]")
    assert text(current) == "Mój pulpit" and current["href"] == "/start"


def test_a_safe_next_wins_over_the_start_page(client, facilitator):
    response = client.submit("/login?next=" + quote("/documents/", safe=""),
                             {"email": facilitator.email, "password": PASSWORD})
    assert response.location == "/documents/"
    evil = client.submit("/login?next=" + quote("//evil.example/", safe=""),
                         {"email": facilitator.email, "password": PASSWORD})
    assert evil.location == "/start"  # already logged in: sent to the start page, not away


def test_a_facilitator_sees_the_meetings_of_their_consultations_upcoming_first(make, facilitator, login_as):
    mine = make.consultation(title="Konsultacje Moje", facilitators=[facilitator])
    theirs = make.consultation(title="Konsultacje Cudze")
    soon = make.meeting(mine, title="Spotkanie za tydzień", date=today() + timedelta(days=7))
    later = make.meeting(mine, title="Spotkanie za miesiąc", date=today() + timedelta(days=30))
    now = make.meeting(mine, title="Spotkanie dzisiaj", date=today())
    past = make.meeting(mine, title="Spotkanie miesiąc temu", date=today() - timedelta(days=30))
    recent = make.meeting(mine, title="Spotkanie wczoraj", date=today() - timedelta(days=1))
    make.meeting(theirs, title="Spotkanie cudze", date=today() + timedelta(days=2))
    page = start_page(login_as(facilitator))
    upcoming = section(page, "upcoming-heading")
    assert [text(li.a) for li in upcoming.select("li")] == [
        "Spotkanie dzisiaj", "Spotkanie za tydzień", "Spotkanie za miesiąc"]
    assert [text(li.a) for li in section(page, "recent-heading").select("li")] == [
        "Spotkanie wczoraj", "Spotkanie miesiąc temu"]
    first = upcoming.select("li")[0]
    assert [a["href"] for a in first.select("a")] == [f"/meetings/{now.id}", f"/meetings/{now.id}/board"]
    assert "Tablica" in text(first.select("a")[1])
    assert "Spotkanie cudze" not in page
    assert {soon.id, later.id, past.id, recent.id}  # all of them shown above
    assert texts(section(page, "mine-heading").select("li > a:first-child")) == ["Konsultacje Moje"]


def test_a_facilitator_without_a_consultation_is_told_so(facilitator_client):
    assert "Nie prowadzisz jeszcze żadnych konsultacji." in text(find(start_page(facilitator_client), "main"))


def test_an_official_sees_the_remarks_waiting_for_a_stance(consultation, official, official_client):  # noqa: F811
    from consult.remarks import moderation, stances

    page = start_page(official_client)
    assert "Nic nie czeka" in text(section(page, "waiting-heading"))
    waiting, _token = received(consultation, "Fundacja Alfa", ["Więcej spotkań", "Mniej formularzy"])
    untouched, _token = received(consultation, "Stowarzyszenie Beta", ["Jeszcze nierozpatrzona"])
    moderation.accept(waiting.remarks[0], official)
    moderation.accept(waiting.remarks[1], official)
    stances.set_stance(waiting.remarks[1], official, "accepted", None, None)  # a draft only
    db.session.commit()
    listed = section(start_page(official_client), "waiting-heading")
    assert text(listed.h3) == consultation.title
    items = listed.select("li")
    assert [li.a["href"] for li in items] == [f"/remarks/{r.id}" for r in waiting.remarks]
    assert "Więcej spotkań" in text(items[0]) and "brak stanowiska" in text(items[0])
    assert "projekt stanowiska: uwzględniona" in text(items[1])
    assert "Jeszcze nierozpatrzona" not in text(listed)
    assert "2 uwagi czekają" in text(listed)

    stances.set_stance(waiting.remarks[0], official, "accepted", None, None)
    stances.publish_stances(consultation, official)
    db.session.commit()
    assert "Nic nie czeka" in text(section(start_page(official_client), "waiting-heading"))


def test_an_admin_sees_every_consultation_with_what_waits_in_it(make, consultation, admin_client, official):  # noqa: F811
    from consult.remarks import moderation

    make.consultation(title="Konsultacje Robocze")
    make.meeting(consultation)
    first, _token = received(consultation, "Fundacja Alfa", ["Pierwsza", "Druga", "Trzecia"])
    received(consultation, "Bot", ["Kup tanio"], spam=True)  # not counted
    moderation.accept(first.remarks[0], official)
    db.session.commit()
    page = start_page(admin_client)
    row = table_row(page, consultation.title)
    # (each count that links to the queue says, to a screen reader, what it counts)
    assert [cell.split(" — ")[0] for cell in row[1:]] == ["otwarta", "1", "2", "1"]
    assert table_row(page, "Konsultacje Robocze")[1:] == ["szkic", "0", "0", "0"]
    links = {a["href"] for a in parse(page).select("main a")}
    assert {"/admin/users", "/consultations/new", "/admin/revisions",
            f"/consultations/{consultation.id}/remarks?status=submitted"} <= links
