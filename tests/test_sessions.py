"""Logins kept on the server (issue 15, finding 7): a logout ends the session everywhere its
cookies were copied, remember-me is short and ends with a logout, the CSRF token changes at
login, and an unattended login ends after the idle time."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from consult.auth.models import LoginSession
from consult.core.models import utcnow
from consult.extensions import db
from tests.conftest import PASSWORD, Client
from tests.pages import control_value

STAFF_PAGE = "/consultations/"


def new_client(app) -> Client:
    app.test_client_class = Client
    return app.test_client()


def cookie(client, name: str):
    return client.get_cookie(name)


def copy_cookies(source, target, *names: str) -> None:
    for name in names:
        found = source.get_cookie(name)
        if found is not None:
            target.set_cookie(name, found.value, domain=found.domain)


def opens_staff_pages(client) -> bool:
    response = client.get(STAFF_PAGE)
    return response.status_code == 200


def test_a_copied_session_cookie_opens_nothing_after_logout(app, client, admin):
    assert client.login("admin@example.org").status_code == 303
    thief = new_client(app)
    copy_cookies(client, thief, "session")
    assert opens_staff_pages(thief)  # the copy works while the login lasts…
    client.submit("/logout")
    assert not opens_staff_pages(client)
    assert not opens_staff_pages(thief)  # …and not after the logout
    assert thief.get(STAFF_PAGE).location.startswith("/login")


def test_the_remember_me_cookie_alone_opens_nothing_after_logout(app, client, admin):
    response = client.submit("/login", {"email": "admin@example.org", "password": PASSWORD,
                                        "remember": "y"})
    assert response.status_code == 303
    remembered = cookie(client, "remember_token")
    assert remembered is not None
    # Remember-me lasts two weeks (REMEMBER_DAYS), not a year.
    lifetime = remembered.expires - utcnow().replace(tzinfo=None) if remembered.expires.tzinfo is None \
        else remembered.expires - utcnow()
    assert timedelta(days=13) < lifetime <= timedelta(days=14, minutes=1)
    device = new_client(app)
    copy_cookies(client, device, "remember_token")
    assert opens_staff_pages(device)  # a new browser session on the same device
    client.submit("/logout")
    assert cookie(client, "remember_token") is None  # cleared at logout
    other = new_client(app)
    copy_cookies(device, other, "remember_token")
    assert not opens_staff_pages(other)
    assert not opens_staff_pages(device)


def test_logging_out_on_one_device_keeps_the_others(app, admin):
    laptop, projector = new_client(app), new_client(app)
    laptop.login("admin@example.org")
    projector.login("admin@example.org")
    laptop.submit("/logout")
    assert not opens_staff_pages(laptop)
    assert opens_staff_pages(projector)


def test_the_csrf_token_changes_at_login(app, client, admin):
    before = control_value(client.get("/login").get_data(as_text=True), "csrf_token")
    assert client.post("/login", data={"csrf_token": before, "email": "admin@example.org",
                                       "password": PASSWORD}).status_code == 303
    after = control_value(client.get("/admin/users/new").get_data(as_text=True), "csrf_token")
    assert after != before
    # The token of the page before the login is no good afterwards.
    refused = client.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert opens_staff_pages(client)


def test_an_idle_login_ends_and_a_remembered_one_lasts_its_days(app, admin):
    app.config["SESSION_IDLE_MINUTES"] = 30
    idle, remembered = new_client(app), new_client(app)
    idle.login("admin@example.org")
    remembered.submit("/login", {"email": "admin@example.org", "password": PASSWORD, "remember": "y"})
    assert opens_staff_pages(idle) and opens_staff_pages(remembered)

    def age(minutes: int) -> None:  # as if nothing had been asked for ``minutes``
        for login in db.session.scalars(sa.select(LoginSession)):
            login.last_seen_at -= timedelta(minutes=minutes)
        db.session.commit()

    age(29)
    assert opens_staff_pages(idle)  # used within the idle time: still logged in, and renewed
    age(31)
    assert not opens_staff_pages(idle)
    assert opens_staff_pages(remembered)  # "remember me" is not logged out by idleness
    db.session.execute(sa.update(LoginSession).where(LoginSession.remember.is_(True)).values(
        expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert not opens_staff_pages(remembered)  # …but by its expiry


def test_a_session_ends_after_its_longest_lifetime(app, client, admin):
    client.login("admin@example.org")
    [login] = db.session.scalars(sa.select(LoginSession)).all()
    assert timedelta(hours=11, minutes=59) < login.expires_at - login.created_at <= timedelta(hours=12)
    assert login.secret_hash not in (client.get_cookie("session").value or "")  # only a hash kept


def test_the_board_poll_stops_with_the_login(app, board, editor):
    meeting = board.meeting
    response = editor.get(f"/meetings/{meeting.id}/board/changes?since={meeting.revision}",
                          headers={"HX-Request": "true"})
    assert response.status_code == 204
    thief = new_client(app)
    copy_cookies(editor, thief, "session")
    editor.submit("/logout")
    refused = thief.get(f"/meetings/{meeting.id}/board/changes?since={meeting.revision}",
                        headers={"HX-Request": "true"})
    assert refused.status_code == 401


def test_a_new_password_ends_every_login_but_the_changing_one(app, admin_client, admin, login_as):
    elsewhere = login_as(admin)
    page = admin_client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    response = admin_client.submit(f"/admin/users/{admin.id}", {
        "email": admin.email, "name": admin.name, "role": "admin", "active": "y",
        "password": "a brand new password"})
    assert response.status_code == 303, page[:200]
    assert opens_staff_pages(admin_client)
    assert not opens_staff_pages(elsewhere)
