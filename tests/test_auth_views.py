"""Logging in and out, who reaches staff pages, and the administration of accounts."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import sqlalchemy as sa

from consult.auth.models import User
from consult.core.enums import Role
from consult.core.models import Revision
from consult.extensions import db
from tests.conftest import PASSWORD, Client
from tests.pages import count, error_summary, field_error, field_value, flashes, table_row

WRONG_CREDENTIALS = "Nieprawidłowy e-mail lub hasło."
SELF_CHANGE = "Nie możesz zmienić własnej roli ani dezaktywować własnego konta."
NEW_PASSWORD = "a brand new passphrase"


def new_client(app) -> Client:
    app.test_client_class = Client
    return app.test_client()


def get_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def is_logged_in(client: Client) -> bool:
    response = client.get("/consultations/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.location.startswith("/login"), response.status
    return False


def user_form(user: User | None = None, **changes) -> dict:
    """The account form as a browser sends it (an unchecked box is simply absent)."""
    data = {
        "name": user.name if user else "Nowa Osoba",
        "email": user.email if user else "nowa@example.org",
        "role": (user.role.value if user else Role.FACILITATOR.value),
        "active": "y",
        "password": "" if user else "dlugie haslo 123",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# Logging in ------------------------------------------------------------------------------


def test_login_page_is_public_and_polish(client):
    response = client.get("/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Zaloguj się</h1>" in page
    assert 'name="csrf_token"' in page


def test_login_with_the_right_password_goes_to_the_start_page(client, facilitator):
    response = client.login(facilitator.email)
    assert response.status_code == 303
    assert response.location == "/start"  # each role's own (tests/test_start_pages.py)
    page = client.get(response.location).get_data(as_text=True)
    assert "Fela Facilitator" in page
    assert "Wyloguj się" in page


def test_login_ignores_case_and_spaces_around_the_email(client, facilitator):
    response = client.login("  Facilitator@Example.ORG ")
    assert response.status_code == 303
    assert is_logged_in(client)


def test_wrong_password_and_unknown_email_get_the_same_message(client, facilitator):
    wrong_password = client.login(facilitator.email, "not the password")
    unknown_email = client.login("nobody@example.org", PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 422
    first = error_summary(wrong_password.get_data(as_text=True))
    second = error_summary(unknown_email.get_data(as_text=True))
    assert WRONG_CREDENTIALS in first
    assert first == second  # nothing tells which accounts exist
    assert not is_logged_in(client)


def test_the_typed_email_is_kept_but_the_password_is_not(client, facilitator):
    response = client.login("facilitator@example.org", "not the password")
    page = response.get_data(as_text=True)
    assert field_value(page, "email") == "facilitator@example.org"
    assert field_value(page, "password") == ""
    assert "not the password" not in page


def test_empty_login_form_says_what_is_missing(client):
    response = client.submit("/login", {"email": "", "password": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Podaj adres e-mail." in field_error(page, "email")
    assert "Podaj hasło." in field_error(page, "password")


def test_deactivated_user_cannot_log_in(client, make):
    user = make.user(email="gone@example.org", active=False)
    response = client.login(user.email)
    assert response.status_code == 422
    assert WRONG_CREDENTIALS in error_summary(response.get_data(as_text=True))
    assert not is_logged_in(client)


def test_an_invisible_nul_character_in_the_email_is_not_a_server_error(client, facilitator):
    response = client.login("nobody\x00@example.org", PASSWORD)
    assert response.status_code == 422
    assert WRONG_CREDENTIALS in error_summary(response.get_data(as_text=True))


def test_login_without_csrf_token_is_refused(client, facilitator):
    response = client.post("/login", data={"email": facilitator.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Formularz wygasł" in response.get_data(as_text=True)
    assert not is_logged_in(client)


# Logging out -----------------------------------------------------------------------------


def test_logout_is_post_only(facilitator_client):
    response = facilitator_client.get("/logout")
    assert response.status_code == 405
    assert is_logged_in(facilitator_client)


def test_logout_without_csrf_token_is_refused(facilitator_client):
    response = facilitator_client.post("/logout")
    assert response.status_code == 400
    assert "Formularz wygasł" in response.get_data(as_text=True)
    assert is_logged_in(facilitator_client)


def test_logout_with_the_token_logs_out(facilitator_client):
    response = facilitator_client.submit("/logout")
    assert response.status_code == 303
    assert response.location == "/login"
    page = facilitator_client.get("/login").get_data(as_text=True)
    assert "Wylogowano." in flashes(page)
    assert not is_logged_in(facilitator_client)


# Staff pages and the `next` parameter ----------------------------------------------------


@pytest.mark.parametrize("url", [
    "/consultations/",
    "/consultations/{consultation}",
    "/consultations/new",
    "/consultations/{consultation}/edit",
    "/consultations/{consultation}/facilitators",
    "/consultations/{consultation}/meetings/new",
    "/meetings/{meeting}",
    "/meetings/{meeting}/edit",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/{user}",
])
def test_anonymous_visitors_are_sent_to_the_login_page(client, make, url):
    meeting = make.meeting()
    user = make.user()
    url = url.format(consultation=meeting.consultation_id, meeting=meeting.id, user=user.id)
    response = client.get(url)
    assert response.status_code == 302
    assert response.location == f"/login?next={quote(url, safe='')}"
    page = client.get(response.location).get_data(as_text=True)
    assert "Zaloguj się, aby zobaczyć tę stronę." in flashes(page)


def test_after_login_the_user_lands_on_the_page_they_asked_for(client, make, facilitator):
    consultation = make.consultation()
    login_url = client.get(f"/consultations/{consultation.id}").location
    response = client.submit(login_url, {"email": facilitator.email, "password": PASSWORD})
    assert response.status_code == 303
    assert response.location == f"/consultations/{consultation.id}"


def test_a_local_next_with_a_query_is_kept(client, facilitator):
    response = client.submit("/login?next=" + quote("/consultations/?page=2", safe=""),
                             {"email": facilitator.email, "password": PASSWORD})
    assert response.location == "/consultations/?page=2"


EVIL_NEXT = [
    "//evil.example",
    "//evil.example/consultations/",
    "https://evil.example",
    "http://evil.example/login",
    "https:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_next_never_leaves_the_site(client, facilitator, target):
    response = client.submit("/login?next=" + quote(target, safe=""),
                             {"email": facilitator.email, "password": PASSWORD})
    assert response.status_code == 303
    assert response.location == "/start"


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_a_logged_in_user_opening_login_is_not_sent_elsewhere(facilitator_client, target):
    response = facilitator_client.get("/login?next=" + quote(target, safe=""))
    assert response.status_code in (302, 303)
    assert response.location == "/start"


# Sessions end when the account changes ---------------------------------------------------


def test_changing_a_password_logs_the_user_out_everywhere(app, admin_client, login_as, make):
    user = make.user(email="zmiana@example.org", name="Zofia Zmiana")
    laptop, phone = login_as(user), login_as(user)
    assert is_logged_in(laptop) and is_logged_in(phone)

    response = admin_client.submit(f"/admin/users/{user.id}", user_form(user, password=NEW_PASSWORD))
    assert response.status_code == 303

    assert not is_logged_in(laptop)
    assert not is_logged_in(phone)
    assert new_client(app).login(user.email, PASSWORD).status_code == 422
    fresh = new_client(app)
    assert fresh.login(user.email, NEW_PASSWORD).status_code == 303
    assert is_logged_in(fresh)


def test_saving_an_account_without_a_new_password_keeps_its_sessions(admin_client, login_as, make):
    user = make.user(email="zostaje@example.org", name="Stara Nazwa")
    session = login_as(user)
    response = admin_client.submit(f"/admin/users/{user.id}", user_form(user, name="Nowa Nazwa"))
    assert response.status_code == 303
    assert is_logged_in(session)
    assert get_user("zostaje@example.org").name == "Nowa Nazwa"


def test_deactivating_a_user_logs_them_out(app, admin_client, login_as, make):
    user = make.user(email="odchodzi@example.org", name="Olga Odchodzi")
    session = login_as(user)
    response = admin_client.submit(f"/admin/users/{user.id}", user_form(user, active=None))
    assert response.status_code == 303
    assert not is_logged_in(session)
    assert get_user(user.email).active is False
    row = table_row(admin_client.get("/admin/users").get_data(as_text=True), "Olga Odchodzi")
    assert "nieaktywne" in row
    assert new_client(app).login(user.email).status_code == 422


def test_admin_changing_their_own_password_stays_logged_in(app, admin_client, admin):
    response = admin_client.submit(f"/admin/users/{admin.id}", user_form(admin, password=NEW_PASSWORD))
    assert response.status_code == 303
    page = admin_client.get(response.location)
    assert page.status_code == 200
    assert "Zapisano konto admin@example.org." in flashes(page.get_data(as_text=True))
    assert new_client(app).login(admin.email, NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize("change", [{"active": None}, {"role": "facilitator"}, {"role": "official"}])
def test_admin_cannot_deactivate_or_demote_themselves(admin_client, admin, change):
    response = admin_client.submit(f"/admin/users/{admin.id}", user_form(admin, **change))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert SELF_CHANGE in field_error(page, "role")
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN and admin.active is True
    assert is_logged_in(admin_client)
    assert admin_client.get("/admin/users").status_code == 200


# Only admins administer accounts ---------------------------------------------------------


@pytest.mark.parametrize("who", ["facilitator_client", "official_client"])
@pytest.mark.parametrize("url", ["/admin/users", "/admin/users/new", "/admin/users/{user}"])
def test_non_admins_get_403_on_user_pages(request, make, who, url):
    user = make.user()
    response = request.getfixturevalue(who).get(url.format(user=user.id))
    assert response.status_code == 403
    assert "Brak dostępu" in response.get_data(as_text=True)


def test_non_admins_cannot_create_accounts_or_promote_themselves(facilitator_client, facilitator):
    before = count(User)
    response = facilitator_client.submit("/admin/users/new",
                                         user_form(email="intruz@example.org", role="admin"))
    assert response.status_code == 403
    response = facilitator_client.submit(f"/admin/users/{facilitator.id}",
                                         user_form(facilitator, role="admin"))
    assert response.status_code == 403
    assert count(User) == before
    assert get_user("intruz@example.org") is None
    db.session.refresh(facilitator)
    assert facilitator.role == Role.FACILITATOR


def test_the_users_menu_is_shown_to_admins_only(admin_client, official_client):
    assert 'href="/admin/users"' in admin_client.get("/consultations/").get_data(as_text=True)
    assert 'href="/admin/users"' not in official_client.get("/consultations/").get_data(as_text=True)


def test_unknown_user_is_404(admin_client):
    assert admin_client.get("/admin/users/999999").status_code == 404


# Creating and editing accounts -----------------------------------------------------------


def test_admin_creates_a_user_who_appears_in_the_list_and_can_log_in(app, admin_client):
    response = admin_client.submit("/admin/users/new", user_form(
        name="Marta Moderator", email="Marta@Example.org", role="facilitator",
        password="haslo marty 2026"))
    assert response.status_code == 303
    assert response.location == "/admin/users"

    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "Utworzono konto marta@example.org." in flashes(page)
    assert table_row(page, "Marta Moderator") == ["Marta Moderator", "marta@example.org", "moderator",
                                                  "aktywne", ""]

    user = get_user("marta@example.org")
    assert user.role == Role.FACILITATOR and user.active
    assert new_client(app).login("marta@example.org", "haslo marty 2026").status_code == 303


@pytest.mark.parametrize("email", ["admin@example.org", " ADMIN@example.org "])
def test_duplicate_email_gets_a_message_at_the_field(admin_client, email):
    before = count(User)
    response = admin_client.submit("/admin/users/new", user_form(name="Druga Ada", email=email,
                                                                 role="official"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Konto z tym adresem e-mail już istnieje." in field_error(page, "email")
    assert field_value(page, "name") == "Druga Ada"
    assert field_value(page, "email") == email.strip()
    assert field_value(page, "role") == "official"
    assert count(User) == before


@pytest.mark.parametrize("password", ["krotkie", "", "123456789"])
def test_short_or_missing_password_gets_a_message_and_typed_values_are_kept(admin_client, password):
    before = count(User)
    response = admin_client.submit("/admin/users/new", user_form(
        name="Piotr Krótki", email="piotr@example.org", role="official", password=password))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Hasło musi mieć co najmniej 10 znaków." in field_error(page, "password")
    assert field_value(page, "name") == "Piotr Krótki"
    assert field_value(page, "email") == "piotr@example.org"
    assert field_value(page, "role") == "official"
    assert count(User) == before


def test_invalid_email_gets_a_message(admin_client):
    response = admin_client.submit("/admin/users/new", user_form(email="to nie jest adres"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Podaj poprawny adres e-mail." in field_error(page, "email")
    assert field_value(page, "email") == "to nie jest adres"
    assert get_user("to nie jest adres") is None


@pytest.mark.parametrize("name", ["", "    "])
def test_a_name_is_required(admin_client, name):
    before = count(User)
    response = admin_client.submit("/admin/users/new", user_form(name=name))
    assert response.status_code == 422
    assert "To pole jest wymagane." in field_error(response.get_data(as_text=True), "name")
    assert count(User) == before


def test_a_user_cannot_be_renamed_to_blank(admin_client, make):
    user = make.user(email="nazwa@example.org", name="Ma Nazwę")
    response = admin_client.submit(f"/admin/users/{user.id}", user_form(user, name="   "))
    assert response.status_code == 422
    assert "To pole jest wymagane." in field_error(response.get_data(as_text=True), "name")
    assert get_user("nazwa@example.org").name == "Ma Nazwę"


def test_edit_form_shows_the_account(admin_client, make):
    user = make.user(Role.OFFICIAL, email="urzednik@example.org", name="Ula Urzędnik")
    page = admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert field_value(page, "name") == "Ula Urzędnik"
    assert field_value(page, "email") == "urzednik@example.org"
    assert field_value(page, "role") == "official"
    assert field_value(page, "password") == ""


def test_editing_to_another_accounts_email_is_refused(admin_client, make):
    user = make.user(email="pierwszy@example.org")
    make.user(email="drugi@example.org")
    response = admin_client.submit(f"/admin/users/{user.id}", user_form(user, email="DRUGI@example.org"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Konto z tym adresem e-mail już istnieje." in field_error(page, "email")
    assert field_value(page, "email") == "DRUGI@example.org"
    assert get_user("pierwszy@example.org") is not None


def test_admin_changes_a_role(admin_client, make):
    user = make.user(Role.FACILITATOR, email="awans@example.org")
    response = admin_client.submit(f"/admin/users/{user.id}", user_form(user, role="official"))
    assert response.status_code == 303
    assert get_user("awans@example.org").role == Role.OFFICIAL


def test_creating_a_user_without_csrf_token_saves_nothing(admin_client):
    before = count(User)
    response = admin_client.post("/admin/users/new", data=user_form(email="bez@example.org"))
    assert response.status_code == 400
    assert count(User) == before


# Revisions --------------------------------------------------------------------------------


def revisions(user_id: int) -> list[Revision]:
    return db.session.scalars(
        sa.select(Revision).where(Revision.object_type == "user", Revision.object_id == user_id)
        .order_by(Revision.id)
    ).all()


def test_creating_and_updating_a_user_writes_revisions(admin_client, admin):
    admin_client.submit("/admin/users/new", user_form(name="Rewizja", email="rew@example.org",
                                                      role="facilitator", password="pierwsze haslo"))
    user = get_user("rew@example.org")
    [created] = revisions(user.id)
    assert created.action == "create"
    assert created.user_id == admin.id
    assert created.before is None
    assert created.after == {"email": "rew@example.org", "name": "Rewizja", "role": "facilitator",
                             "active": True}

    response = admin_client.submit(f"/admin/users/{user.id}", user_form(
        user, role="official", password="drugie haslo 12"))
    assert response.status_code == 303
    created, updated = revisions(user.id)
    assert updated.action == "update"
    assert updated.user_id == admin.id
    assert updated.before["role"] == "facilitator"
    assert updated.after["role"] == "official"
    assert updated.after["password"] == "changed"
    assert "drugie haslo" not in str(updated.after)
    assert user.password_hash not in str(updated.after)


def test_a_refused_change_writes_no_revision(admin_client, admin):
    admin_client.submit(f"/admin/users/{admin.id}", user_form(admin, role="official"))
    assert revisions(admin.id) == []


def test_failed_logins_are_limited_per_account(app, client, admin):
    app.config["LOGIN_ACCOUNT_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.login("admin@example.org", "wrong password").status_code == 422
    refused = client.login("admin@example.org", PASSWORD)
    assert refused.status_code == 429  # even the right password waits now
    assert "Za dużo" in refused.get_data(as_text=True)
    other = app.test_client()  # another account is not affected
    assert other.post("/login").status_code in (400, 422)


def test_successful_logins_do_not_count(app, client, admin):
    app.config["LOGIN_ACCOUNT_LIMIT"] = "2 per minute"
    for _ in range(4):
        assert client.login("admin@example.org").status_code == 303
        client.submit("/logout")
