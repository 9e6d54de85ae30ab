"""Staff password reset (issue 17, point 12): a link by e-mail — the same answer for any
address, limited, single-use, expiring, built on PUBLIC_URL — and a password an admin sets or
a link an admin sends; either ends every other login of the account and leaves a revision."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.auth.models import PasswordReset, User
from consult.core.enums import Role
from consult.core.logging import MARKER, redact
from consult.core.models import Revision, utcnow
from consult.extensions import db
from tests.conftest import PASSWORD
from tests.pages import control_value, error_summary, field_error, find, flashes, parse, text
from tests.test_remarks import outbox

PUBLIC = "https://konsultacje.krakow.example"
NEW_PASSWORD = "nowe hasło urzędnika 2026"
SAME_ANSWER = "Jeśli istnieje konto dla"


@pytest.fixture
def public_url(app):
    app.config["PUBLIC_URL"] = PUBLIC
    return PUBLIC


def ask(client, email: str):
    return client.submit("/password/forgot", {"email": email})


def link_in(message) -> str:
    [link] = re.findall(r"\S+/password/reset/\S+", message.get_content())
    return link


def path_of(link: str) -> str:
    return link.removeprefix(PUBLIC)


def choose(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    token = control_value(client.get(path).get_data(as_text=True), "csrf_token")
    return client.post(path, data={"csrf_token": token, "password": password,
                                   "confirm": password if confirm is None else confirm})


def revisions(user, action: str) -> list[Revision]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Revision).where(
        Revision.object_type == "user", Revision.object_id == user.id, Revision.action == action)))


# Asking for a link -----------------------------------------------------------------------


def test_the_login_page_leads_to_the_form(client):
    login = client.get("/login").get_data(as_text=True)
    link = find(login, "a[href='/password/forgot']")
    assert text(link) == "Nie pamiętasz hasła?"
    page = client.get(link["href"])
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    email = find(html, "input#email")
    assert email["autocomplete"] == "email" and text(find(html, "label[for=email]")) == "E-mail"


def test_a_known_and_an_unknown_address_get_the_same_answer_and_only_the_known_a_mail(
        app, client, official, public_url):
    known = ask(client, "  Official@Example.org ")  # as people type it: the same account
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200

    def answer(response, email):
        return text(find(response.get_data(as_text=True), "main")).replace(email, "ADDRESS")

    assert answer(known, "Official@Example.org") == answer(unknown, "nobody@example.org")
    assert SAME_ANSWER in answer(known, "Official@Example.org")
    [message] = outbox(app)
    assert message["To"] == "official@example.org"
    assert message["Subject"] == "Ustawienie nowego hasła do consult"
    link = link_in(message)
    assert link.startswith(f"{PUBLIC}/password/reset/")  # PUBLIC_URL, not the request's host
    assert "localhost" not in message.get_content()
    [row] = db.session.scalars(sa.select(PasswordReset)).all()
    token = link.rsplit("/", 1)[1]
    assert token not in (row.token_hash,) and len(row.token_hash) == 64  # only its hash
    assert len(revisions(official, "reset_link")) == 1


def test_a_deactivated_account_gets_no_link(app, client, make):
    make.user(Role.OFFICIAL, email="former@example.org", active=False)
    assert SAME_ANSWER in text(find(ask(client, "former@example.org").get_data(as_text=True), "main"))
    assert outbox(app) == []


def test_a_bad_address_is_told_at_its_field(client):
    response = ask(client, "to nie jest adres")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "email") == "Błąd: Podaj poprawny adres e-mail."


def test_requests_are_limited_per_account_and_per_address(app, client, official):
    app.config["PASSWORD_RESET_ACCOUNT_LIMIT"] = "2 per hour"
    app.config["PASSWORD_RESET_ADDRESS_LIMIT"] = "5 per hour"
    assert [ask(client, "official@example.org").status_code for _ in range(2)] == [200, 200]
    over = ask(client, "OFFICIAL@example.org")  # the same account, spelt otherwise
    assert over.status_code == 429 and int(over.headers["Retry-After"]) > 0
    assert "Zbyt wiele próśb" in error_summary(over.get_data(as_text=True))
    assert len(outbox(app)) == 2
    # An unknown account counts the same way: the limit tells nothing either.
    assert [ask(client, "nobody@example.org").status_code for _ in range(2)] == [200, 200]
    assert ask(client, "someone-else@example.org").status_code == 429  # the address's 6th


# Using the link --------------------------------------------------------------------------


def test_the_link_sets_a_new_password_once_and_ends_every_other_login(
        app, client, login_as, official, public_url):
    elsewhere = login_as(official)  # logged in on another device
    assert elsewhere.get("/consultations/").status_code == 200
    ask(client, official.email)
    path = path_of(link_in(outbox(app)[0]))
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    html = page.get_data(as_text=True)
    assert find(html, "meta[name=referrer]")["content"] == "no-referrer"
    assert [find(html, f"input#{name}")["autocomplete"] for name in ("password", "confirm")] == [
        "new-password", "new-password"]
    assert text(find(html, "label[for=password]")) == "Nowe hasło"

    done = choose(client, path)
    assert done.status_code == 303 and done.location == "/login"
    assert "Twoje hasło zostało zmienione" in " ".join(flashes(client.get("/login").get_data(as_text=True)))
    assert elsewhere.get("/consultations/").status_code == 302  # that login has ended
    assert client.login(official.email, PASSWORD).status_code == 422  # the old password is gone
    assert client.login(official.email, NEW_PASSWORD).status_code == 303
    [changed] = [m for m in outbox(app) if "/password/reset/" not in m.get_content()]
    assert changed["To"] == official.email and changed["Subject"] == "Hasło do consult zostało zmienione"
    assert "Zaloguj się nowym hasłem:" in changed.get_content()
    assert [r.after for r in revisions(official, "password_reset")] == [{"password": "changed"}]

    again = client.get(path)  # used: a clear page, with the way to a new link
    assert again.status_code == 404
    html = again.get_data(as_text=True)
    assert "Ten link już nie działa" in error_summary(html)
    assert find(html, "a[href='/password/forgot']")
    assert choose(client, path, "jeszcze inne hasło 1").status_code == 404


def test_a_password_against_the_rules_is_told_at_its_field_and_keeps_the_link(app, client, official):
    ask(client, official.email)
    path = path_of(link_in(outbox(app)[0]))
    short = choose(client, path, "krótkie")
    assert short.status_code == 422
    assert field_error(short.get_data(as_text=True), "password") == "Błąd: Hasło musi mieć co najmniej 10 znaków."
    different = choose(client, path, NEW_PASSWORD, confirm="inne hasło niż pierwsze")
    assert different.status_code == 422
    assert field_error(different.get_data(as_text=True), "confirm") == "Błąd: Oba hasła nie są takie same."
    assert choose(client, path).status_code == 303  # the link still works


def test_an_expired_link_is_refused(app, client, official):
    ask(client, official.email)
    path = path_of(link_in(outbox(app)[0]))
    db.session.execute(sa.update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 404 and "Ten link już nie działa" in error_summary(response.get_data(as_text=True))
    assert choose(client, path).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, official.id).check_password(PASSWORD)


def test_a_new_link_ends_the_earlier_one(app, client, official):
    ask(client, official.email)
    [first] = [path_of(link_in(m)) for m in outbox(app)]
    ask(client, official.email)
    [second] = [path for path in (path_of(link_in(m)) for m in outbox(app)) if path != first]
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_a_made_up_token_is_a_clear_page_not_an_error(client):
    for token in ("x", "Zm9yZ2VkLXRva2Vu" * 20, "%00", "%C4%85%20", "a.b"):
        response = client.get(f"/password/reset/{token}")
        assert response.status_code == 404
        assert "Ten link już nie działa" in error_summary(response.get_data(as_text=True))


def test_the_reset_token_is_redacted_in_the_logs(app, client, official, public_url):
    ask(client, official.email)
    path = path_of(link_in(outbox(app)[0]))
    token = path.rsplit("/", 1)[1]
    assert redact(f'GET {path}?x=1 HTTP/1.1" 200') == f'GET /password/reset/{MARKER}?x=1 HTTP/1.1" 200'
    assert token not in redact(f"/password/%72eset/{token}") and token not in redact(f"/password//reset/{token}")
    from consult.core.logging import FILTER

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"GET %s HTTP/1.1" 200', (path,), None)
    FILTER.filter(record)
    assert token not in record.getMessage()


# An administrator ------------------------------------------------------------------------


def user_form(user, **changes) -> dict:
    data = {"email": user.email, "name": user.name, "role": user.role.value, "active": "y", "password": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_admin_sets_a_password_the_user_is_told_and_logged_out_everywhere(
        app, admin_client, login_as, official):
    elsewhere = login_as(official)
    response = admin_client.submit(f"/admin/users/{official.id}", user_form(official, password=NEW_PASSWORD))
    assert response.status_code == 303
    assert elsewhere.get("/consultations/").status_code == 302
    [message] = outbox(app)
    assert message["To"] == official.email
    assert message["Subject"] == "Hasło do consult ustawił administrator"
    assert NEW_PASSWORD not in message.get_content()
    [revision] = revisions(official, "update")
    assert revision.after["password"] == "changed" and revision.user_id is not None
    trail = admin_client.get("/admin/revisions", query_string={"object_type": "user"}).get_data(as_text=True)
    assert "Hasło — → nowe (nigdy nie jest pokazywane)" in text(find(trail, "table.revisions"))
    db.session.expire_all()
    assert db.session.get(User, official.id).check_password(NEW_PASSWORD)


def test_an_admin_sends_a_reset_link_from_the_edit_page(app, admin_client, official, public_url):
    page = admin_client.get(f"/admin/users/{official.id}").get_data(as_text=True)
    form = find(page, f"form[action='/admin/users/{official.id}/reset-link']")
    assert "Wyślij" in text(form.button)
    response = admin_client.submit(form["action"])
    assert response.status_code == 303
    assert "Link do ustawienia nowego hasła jest w drodze na adres official@example.org." in flashes(
        admin_client.get(response.location).get_data(as_text=True))
    [message] = outbox(app)
    assert message["To"] == official.email and link_in(message).startswith(f"{PUBLIC}/password/reset/")
    assert "Administrator consult wysłał Ci link" in message.get_content()
    [revision] = revisions(official, "reset_link")
    assert revision.user_id is not None  # who sent it
    db.session.expire_all()
    assert db.session.get(User, official.id).check_password(PASSWORD)  # unchanged until used


def test_a_password_set_by_an_admin_ends_the_links_sent_before(app, client, admin_client, official):
    ask(client, official.email)
    path = path_of(link_in(outbox(app)[0]))
    admin_client.submit(f"/admin/users/{official.id}", user_form(official, password=NEW_PASSWORD))
    assert client.get(path).status_code == 404


def test_the_reset_pages_are_not_found_by_the_wrong_people(client, official_client, official):
    assert client.submit(f"/admin/users/{official.id}/reset-link").status_code == 302  # to log in
    assert official_client.submit(f"/admin/users/{official.id}/reset-link").status_code == 403
    assert parse(client.get("/password/forgot").get_data(as_text=True)).find("form") is not None


def test_no_link_is_sent_to_a_deactivated_account(app, admin_client, make):
    former = make.user(Role.OFFICIAL, email="former@example.org", active=False)
    response = admin_client.submit(f"/admin/users/{former.id}/reset-link")
    assert response.status_code == 303
    assert "Wyłączone konto nie może się logować: najpierw je włącz." in flashes(
        admin_client.get(response.location).get_data(as_text=True))
    assert outbox(app) == [] and db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == 0
