"""Consultations, their planes, priorities and facilitators, as staff see and edit them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from consult.consultations.models import Consultation, Plane, Priority
from consult.core.enums import ConsultationStatus, Role
from consult.core.models import Revision
from consult.extensions import db
from tests.pages import (
    checkbox_labels,
    checked,
    count,
    error_summary,
    facts,
    field_error,
    field_value,
    find,
    flashes,
    items,
    options,
    parse,
    section,
    text,
    texts,
)

REQUIRED = "To pole jest wymagane."
CODE_RULE = ("Użyj obszaru cyfrą rzymską i poziomów cyframi arabskimi rozdzielonych kropkami, "
             "np. I, I.1, I.1.1 lub III.2.")
STAFF = ["admin_client", "facilitator_client", "official_client"]
NON_ADMINS = ["facilitator_client", "official_client"]


def reload(obj):
    db.session.refresh(obj)
    return obj


def consultation_form(**changes) -> dict:
    data = {
        "title": "Konsultacje programu kultury 2026",
        "slug": "",
        "organizer": "Urząd Miasta Krakowa",
        "partner_short": "UMK",
        "program": "Program Rozwoju Kultury",
        "description": "Pierwszy akapit.\nDrugi akapit.",
        "submissions_open_at": "",
        "submissions_close_at": "",
    }
    data.update(changes)
    return data


def edit_form(consultation: Consultation, **changes) -> dict:
    data = {
        "title": consultation.title,
        "slug": consultation.slug,
        "organizer": consultation.organizer or "",
        "partner_short": consultation.partner_short or "",
        "program": consultation.program or "",
        "description": consultation.description or "",
        "submissions_open_at": "",
        "submissions_close_at": "",
        "status": consultation.status.value,
    }
    data.update(changes)
    return data


# Every staff member reads ----------------------------------------------------------------


@pytest.mark.parametrize("who", STAFF)
def test_staff_of_every_role_see_the_list(request, make, who):
    make.consultation(title="Konsultacje kultury", organizer="Wydział Kultury")
    make.consultation(title="Konsultacje sportu")
    response = request.getfixturevalue(who).get("/consultations/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Konsultacje kultury" in page and "Konsultacje sportu" in page
    assert "Stan: szkic" in text(page)
    assert ("Nowa konsultacja" in page) == (who == "admin_client")


def test_the_list_says_when_there_is_nothing(official_client):
    assert "Nie ma jeszcze konsultacji." in official_client.get("/consultations/").get_data(as_text=True)


@pytest.mark.parametrize("who", STAFF)
def test_staff_of_every_role_see_planes_and_priorities_in_reader_order(request, make, who):
    consultation = make.consultation(title="Konsultacje WPW", program="Program Rozwoju Kultury")
    make.plane(consultation, 3, "Tworzenie warunków do aktywności")
    make.plane(consultation, 1, "Tworzenie polityk publicznych")
    make.plane(consultation, 2, "Realizacja zadań")
    for code in ("I.10", "II", "I.2", "I", "I.1"):
        make.priority(consultation, code, f"Priorytet {code}")

    response = request.getfixturevalue(who).get(f"/consultations/{consultation.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    planes = texts(items(find(section(page, "planes-heading"), "ol")))
    assert [p.removesuffix(f" edytuj płaszczyzna {n}") for n, p in enumerate(planes, 1)] == [
        "1. Tworzenie polityk publicznych", "2. Realizacja zadań", "3. Tworzenie warunków do aktywności"]
    priorities = section(page, "priorities-heading")
    assert "Priorytety programu — Program Rozwoju Kultury" in text(priorities)
    assert texts(priorities.select("span.code")) == ["I", "I.1", "I.2", "I.10", "II"]
    assert "Priorytet I.10" in text(priorities)


@pytest.mark.parametrize("who", NON_ADMINS)
def test_non_admins_see_no_editing_links(request, make, who):
    consultation = make.consultation()
    make.plane(consultation, 1)
    make.priority(consultation, "I")
    page = request.getfixturevalue(who).get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Edytuj konsultację" not in page
    assert "Dodaj płaszczyznę" not in page and "Dodaj priorytet" not in page
    assert f"/consultations/{consultation.id}/edit" not in page


def test_detail_shows_the_facts_of_the_consultation(admin_client, make, facilitator):
    consultation = make.consultation(title="Konsultacje WPW", organizer="Urząd Miasta Krakowa",
                                     partner_short="UMK", facilitators=[facilitator])
    make.meeting(consultation, title="Spotkanie z NGO")
    page = admin_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    shown = dict(facts(page))
    assert shown["Stan"] == "szkic"
    assert shown["Organizator"] == "Urząd Miasta Krakowa"
    assert shown["Moderatorzy"] == "Fela Facilitator"
    assert shown["Zgłaszanie uwag"] == "nie ustalono terminu"
    assert "Spotkanie z NGO — 25 maja 2026 r." in text(section(page, "meetings-heading"))


def test_unknown_consultation_is_404(admin_client):
    assert admin_client.get("/consultations/424242").status_code == 404
    assert admin_client.get("/consultations/424242/edit").status_code == 404
    assert admin_client.get("/consultations/424242/planes/new").status_code == 404


# Creating a consultation -----------------------------------------------------------------


def test_admin_creates_a_consultation(admin_client, admin):
    response = admin_client.submit("/consultations/new", consultation_form())
    assert response.status_code == 303
    consultation = db.session.scalar(sa.select(Consultation))
    assert response.location == f"/consultations/{consultation.id}"
    assert consultation.title == "Konsultacje programu kultury 2026"
    assert consultation.slug == "konsultacje-programu-kultury-2026"
    assert consultation.status == ConsultationStatus.DRAFT
    assert consultation.organizer == "Urząd Miasta Krakowa"

    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Utworzono konsultację." in flashes(page)
    assert "<h1>Konsultacje programu kultury 2026</h1>" in page
    assert "<p>Pierwszy akapit.</p><p>Drugi akapit.</p>" in page

    revision = db.session.scalar(sa.select(Revision).where(Revision.object_type == "consultation"))
    assert (revision.action, revision.object_id, revision.user_id) == ("create", consultation.id, admin.id)
    assert revision.after["title"] == "Konsultacje programu kultury 2026"


def test_the_new_consultation_form_has_no_status(admin_client):
    page = admin_client.get("/consultations/new").get_data(as_text=True)
    assert 'id="title"' in page
    assert 'id="status"' not in page


def test_the_slug_comes_from_a_polish_title(admin_client):
    admin_client.submit("/consultations/new", consultation_form(title="Łódź, Żółć i Gęśl"))
    assert db.session.scalar(sa.select(Consultation.slug)) == "lodz-zolc-i-gesl"


def test_two_consultations_with_the_same_title_get_different_addresses(admin_client):
    for _ in range(2):
        assert admin_client.submit("/consultations/new", consultation_form()).status_code == 303
    slugs = db.session.scalars(sa.select(Consultation.slug).order_by(Consultation.id)).all()
    assert slugs == ["konsultacje-programu-kultury-2026", "konsultacje-programu-kultury-2026-2"]


@pytest.mark.parametrize("title", ["", "    "])
def test_empty_title_is_refused_and_nothing_is_saved(admin_client, title):
    response = admin_client.submit("/consultations/new", consultation_form(title=title))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REQUIRED in field_error(page, "title")
    assert field_value(page, "organizer") == "Urząd Miasta Krakowa"
    assert field_value(page, "partner_short") == "UMK"
    assert field_value(page, "description") == "Pierwszy akapit.\nDrugi akapit."
    assert count(Consultation) == 0


def test_over_long_title_is_refused_and_kept_in_the_form(admin_client):
    title = "K" * 501
    response = admin_client.submit("/consultations/new", consultation_form(title=title))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Najwyżej 500 znaków." in field_error(page, "title")
    assert field_value(page, "title") == title
    assert field_value(page, "program") == "Program Rozwoju Kultury"
    assert count(Consultation) == 0


def test_a_title_of_exactly_500_characters_is_fine(admin_client):
    assert admin_client.submit("/consultations/new", consultation_form(title="K" * 500)).status_code == 303
    assert len(db.session.scalar(sa.select(Consultation.title))) == 500


@pytest.mark.parametrize("opens, closes", [("2026-06-10T12:00", "2026-06-01T12:00"),
                                           ("2026-06-10T12:00", "2026-06-10T12:00")])
def test_window_closing_before_it_opens_is_refused(admin_client, opens, closes):
    response = admin_client.submit("/consultations/new", consultation_form(
        submissions_open_at=opens, submissions_close_at=closes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Koniec terminu musi nastąpić po jego początku." in field_error(page, "submissions_close_at")
    assert field_value(page, "submissions_open_at") == opens
    assert field_value(page, "submissions_close_at") == closes
    assert field_value(page, "title") == "Konsultacje programu kultury 2026"
    assert count(Consultation) == 0


def test_a_malformed_date_gets_a_message_not_an_error_page(admin_client):
    response = admin_client.submit("/consultations/new", consultation_form(submissions_open_at="jutro"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nieprawidłowa data" in field_error(page, "submissions_open_at")
    assert field_value(page, "submissions_open_at") == "jutro"
    assert count(Consultation) == 0


def test_the_window_is_typed_and_shown_in_local_time(admin_client):
    response = admin_client.submit("/consultations/new", consultation_form(
        submissions_open_at="2026-06-01T10:00", submissions_close_at="2026-12-01T10:00"))
    assert response.status_code == 303
    consultation = db.session.scalar(sa.select(Consultation))
    # Warsaw is UTC+2 in summer and UTC+1 in winter.
    assert consultation.submissions_open_at == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert consultation.submissions_close_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    page = admin_client.get(f"/consultations/{consultation.id}/edit").get_data(as_text=True)
    assert field_value(page, "submissions_open_at") == "2026-06-01T10:00"
    assert field_value(page, "submissions_close_at") == "2026-12-01T10:00"
    detail = admin_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "10:00" in dict(facts(detail))["Zgłaszanie uwag"]


def test_a_typed_slug_is_kept(admin_client):
    response = admin_client.submit("/consultations/new", consultation_form(slug="Kultura 2026"))
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Consultation.slug)) == "kultura-2026"


def test_a_typed_slug_already_in_use_is_refused_on_create(admin_client, make):
    other = make.consultation(title="Inna")
    response = admin_client.submit("/consultations/new", consultation_form(slug=other.slug))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ten adres ma już inna konsultacja." in field_error(page, "slug")
    assert field_value(page, "slug") == other.slug
    assert count(Consultation) == 1


# Editing a consultation ------------------------------------------------------------------


def test_the_edit_form_offers_only_allowed_status_moves(admin_client, make):
    consultation = make.consultation()
    page = admin_client.get(f"/consultations/{consultation.id}/edit").get_data(as_text=True)
    assert options(page, "status") == ["draft", "open"]
    assert field_value(page, "title") == consultation.title


@pytest.mark.parametrize("field, changes, message", [
    ("status", {"status": "reported", "title": "Nowy tytuł"}, "Nieprawidłowy wybór"),  # draft ↛ reported
    ("title", {"title": "", "organizer": "Nowy organizator"}, REQUIRED),
])
def test_a_refused_edit_keeps_what_was_typed_and_changes_nothing(admin_client, make, field, changes,
                                                                 message):
    consultation = make.consultation(title="Zostaje")
    response = admin_client.submit(f"/consultations/{consultation.id}/edit",
                                   edit_form(consultation, **changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    for name, typed in changes.items():
        if name != field:
            assert field_value(page, name) == typed, name
    reload(consultation)
    assert (consultation.status, consultation.title, consultation.organizer) == (
        ConsultationStatus.DRAFT, "Zostaje", None)


def test_draft_to_open_works(admin_client, make, admin):
    consultation = make.consultation()
    response = admin_client.submit(f"/consultations/{consultation.id}/edit",
                                   edit_form(consultation, status="open"))
    assert response.status_code == 303
    assert response.location == f"/consultations/{consultation.id}"
    assert reload(consultation).status == ConsultationStatus.OPEN
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Zapisano konsultację." in flashes(page)
    assert "<dt>Stan</dt><dd>otwarta</dd>" in page
    revision = db.session.scalar(sa.select(Revision).where(Revision.action == "update"))
    assert revision.before["status"] == "draft" and revision.after["status"] == "open"
    assert revision.user_id == admin.id
    # an open consultation may close, but not go back to draft
    page = admin_client.get(f"/consultations/{consultation.id}/edit").get_data(as_text=True)
    assert options(page, "status") == ["open", "closed"]


def test_slug_conflict_on_edit_gets_a_message(admin_client, make):
    make.consultation(title="Pierwsza")
    taken = db.session.scalar(sa.select(Consultation.slug))
    consultation = make.consultation(title="Druga")
    own = consultation.slug
    response = admin_client.submit(f"/consultations/{consultation.id}/edit",
                                   edit_form(consultation, slug=taken, title="Druga, poprawiona"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ten adres ma już inna konsultacja." in field_error(page, "slug")
    assert field_value(page, "slug") == taken
    assert field_value(page, "title") == "Druga, poprawiona"
    assert reload(consultation).slug == own
    assert consultation.title == "Druga"


def test_the_language_of_the_consultation_is_chosen_and_shown(admin_client):
    response = admin_client.submit("/consultations/new", consultation_form(language="en"))
    assert response.status_code == 303
    consultation = db.session.scalar(sa.select(Consultation))
    assert consultation.language == "en"
    page = admin_client.get(response.location).get_data(as_text=True)
    assert dict(facts(page))["Język konsultacji"] == "angielski"
    form = admin_client.get(f"/consultations/{consultation.id}/edit").get_data(as_text=True)
    assert options(form, "language") == ["pl", "en"]
    assert find(form, "#language option[selected]")["value"] == "en"


def test_a_language_without_a_catalog_is_refused(admin_client, make):
    consultation = make.consultation(title="Zostaje")
    response = admin_client.submit(f"/consultations/{consultation.id}/edit",
                                   edit_form(consultation, language="de", title="Nowy tytuł"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Wybierz język z listy." in field_error(page, "language")
    assert field_value(page, "title") == "Nowy tytuł"
    assert (reload(consultation).language, consultation.title) == ("pl", "Zostaje")


def test_edit_saves_typed_values(admin_client, make):
    consultation = make.consultation(title="Stary tytuł")
    response = admin_client.submit(f"/consultations/{consultation.id}/edit", edit_form(
        consultation, title="Nowy tytuł", slug="Nowy Adres", organizer=""))
    assert response.status_code == 303
    reload(consultation)
    assert (consultation.title, consultation.slug, consultation.organizer) == (
        "Nowy tytuł", "nowy-adres", None)


# Planes -----------------------------------------------------------------------------------


def test_admin_adds_a_plane_with_the_next_number_suggested(admin_client, make):
    consultation = make.consultation()
    make.plane(consultation, 1, "Pierwsza")
    page = admin_client.get(f"/consultations/{consultation.id}/planes/new").get_data(as_text=True)
    assert field_value(page, "number") == "2"
    response = admin_client.submit(f"/consultations/{consultation.id}/planes/new",
                                    {"number": "2", "title": "Współpraca finansowa"})
    assert response.status_code == 303
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Zapisano płaszczyznę." in flashes(page)
    assert "2. Współpraca finansowa" in text(section(page, "planes-heading"))


def test_duplicate_plane_number_gets_a_message_at_the_field(admin_client, make):
    consultation = make.consultation()
    make.plane(consultation, 1, "Pierwsza")
    response = admin_client.submit(f"/consultations/{consultation.id}/planes/new",
                                   {"number": "1", "title": "Druga pierwsza"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Płaszczyzna 1 już istnieje." in field_error(page, "number")
    assert field_value(page, "title") == "Druga pierwsza"
    assert count(Plane) == 1


def test_editing_a_plane_to_a_taken_number_gets_a_message(admin_client, make):
    consultation = make.consultation()
    make.plane(consultation, 1, "Pierwsza")
    second = make.plane(consultation, 2, "Druga")
    url = f"/consultations/{consultation.id}/planes/{second.id}"
    page = admin_client.get(url).get_data(as_text=True)
    assert field_value(page, "title") == "Druga"
    response = admin_client.submit(url, {"number": "1", "title": "Druga zmieniona"})
    assert response.status_code == 422
    assert "Płaszczyzna 1 już istnieje." in field_error(response.get_data(as_text=True), "number")
    assert (reload(second).number, second.title) == (2, "Druga")
    response = admin_client.submit(url, {"number": "5", "title": "Druga zmieniona"})
    assert response.status_code == 303
    assert (reload(second).number, second.title) == (5, "Druga zmieniona")


@pytest.mark.parametrize("number, message", [("0", "Podaj liczbę od 1 do 999."),
                                             ("1000", "Podaj liczbę od 1 do 999."),
                                             ("", "Podaj liczbę całkowitą."),
                                             ("dwa", "Nieprawidłowa liczba całkowita")])
def test_plane_number_must_be_a_number_from_1_to_999(admin_client, make, number, message):
    consultation = make.consultation()
    response = admin_client.submit(f"/consultations/{consultation.id}/planes/new",
                                   {"number": number, "title": "Płaszczyzna"})
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), "number")
    assert count(Plane) == 0


def test_plane_of_another_consultation_is_404(admin_client, make):
    mine, other = make.consultation(), make.consultation()
    plane = make.plane(other, 1, "Cudza")
    url = f"/consultations/{mine.id}/planes/{plane.id}"
    assert admin_client.get(url).status_code == 404
    assert admin_client.submit(url, {"number": "7", "title": "Przejęta"}).status_code == 404
    assert (reload(plane).number, plane.title) == (1, "Cudza")


# Priorities -------------------------------------------------------------------------------


def test_admin_adds_a_priority_and_the_code_is_tidied(admin_client, make):
    consultation = make.consultation()
    response = admin_client.submit(f"/consultations/{consultation.id}/priorities/new",
                                   {"code": " i 1. ", "title": "Aktywizacja"})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Priority.code)) == "I.1"
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Zapisano priorytet." in flashes(page)
    assert '<span class="code">I.1</span> Aktywizacja' in page


@pytest.mark.parametrize("code", ["1.1", "I.0", "abc", "IIII", "I..1", "I.1a"])
def test_malformed_priority_code_shows_the_rule(admin_client, make, code):
    consultation = make.consultation()
    response = admin_client.submit(f"/consultations/{consultation.id}/priorities/new",
                                   {"code": code, "title": "Priorytet"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert CODE_RULE in field_error(page, "code")
    assert field_value(page, "code") == code
    assert field_value(page, "title") == "Priorytet"
    assert count(Priority) == 0


@pytest.mark.parametrize("typed", ["I.1", "I 1", "i.1", "I.1."])
def test_duplicate_priority_code_gets_a_message(admin_client, make, typed):
    consultation = make.consultation()
    make.priority(consultation, "I.1", "Istniejący")
    response = admin_client.submit(f"/consultations/{consultation.id}/priorities/new",
                                   {"code": typed, "title": "Drugi"})
    assert response.status_code == 422
    assert "Priorytet I.1 już istnieje." in field_error(response.get_data(as_text=True), "code")
    assert count(Priority) == 1


def test_the_same_code_in_another_consultation_is_fine(admin_client, make):
    make.priority(make.consultation(), "I.1")
    consultation = make.consultation()
    response = admin_client.submit(f"/consultations/{consultation.id}/priorities/new",
                                   {"code": "I.1", "title": "Też I.1"})
    assert response.status_code == 303
    assert count(Priority) == 2


def test_editing_a_priority(admin_client, make):
    consultation = make.consultation()
    make.priority(consultation, "I.1")
    priority = make.priority(consultation, "I.2", "Stary")
    url = f"/consultations/{consultation.id}/priorities/{priority.id}"
    page = admin_client.get(url).get_data(as_text=True)
    assert field_value(page, "code") == "I.2"
    assert "Edycja priorytetu I.2" in page

    response = admin_client.submit(url, {"code": "I 1", "title": "Kolizja"})
    assert response.status_code == 422
    assert "Priorytet I.1 już istnieje." in field_error(response.get_data(as_text=True), "code")
    response = admin_client.submit(url, {"code": "1.2", "title": "Zły kod"})
    assert response.status_code == 422
    assert CODE_RULE in field_error(response.get_data(as_text=True), "code")
    assert (reload(priority).code, priority.title) == ("I.2", "Stary")

    response = admin_client.submit(url, {"code": "II.3", "title": "Nowy"})
    assert response.status_code == 303
    assert (reload(priority).code, priority.title) == ("II.3", "Nowy")


def test_priority_of_another_consultation_is_404(admin_client, make):
    mine, other = make.consultation(), make.consultation()
    priority = make.priority(other, "III.2", "Cudzy")
    url = f"/consultations/{mine.id}/priorities/{priority.id}"
    assert admin_client.get(url).status_code == 404
    assert admin_client.submit(url, {"code": "I", "title": "Przejęty"}).status_code == 404
    assert (reload(priority).code, priority.title) == ("III.2", "Cudzy")


# Facilitators -----------------------------------------------------------------------------


def test_only_facilitator_accounts_are_offered(admin_client, make, facilitator, official, admin):
    second = make.user(Role.FACILITATOR, email="druga@example.org", name="Beata Druga")
    consultation = make.consultation()
    page = admin_client.get(f"/consultations/{consultation.id}/facilitators").get_data(as_text=True)
    assert checkbox_labels(page) == {
        str(second.id): "Beata Druga (druga@example.org)",
        str(facilitator.id): "Fela Facilitator (facilitator@example.org)",
    }


def test_admin_assigns_facilitators(admin_client, make, facilitator, login_as):
    second = make.user(Role.FACILITATOR, email="druga@example.org", name="Beata Druga")
    consultation = make.consultation()
    url = f"/consultations/{consultation.id}/facilitators"
    response = admin_client.submit(url, {"facilitators": [str(facilitator.id)]})
    assert response.status_code == 303
    assert [u.id for u in reload(consultation).facilitators] == [facilitator.id]

    page = admin_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Zapisano moderatorów." in flashes(page)
    assert dict(facts(page))["Moderatorzy"] == "Fela Facilitator"
    assert checked(admin_client.get(url).get_data(as_text=True)) == [str(facilitator.id)]

    # the assigned facilitator may add meetings, the other one may not
    detail = f"/consultations/{consultation.id}"
    assert "Nowe spotkanie" in login_as(facilitator).get(detail).get_data(as_text=True)
    assert "Nowe spotkanie" not in login_as(second).get(detail).get_data(as_text=True)

    response = admin_client.submit(url, {"facilitators": [str(second.id)]})
    assert response.status_code == 303
    assert [u.id for u in reload(consultation).facilitators] == [second.id]
    response = admin_client.submit(url, {})
    assert response.status_code == 303
    assert reload(consultation).facilitators == []


def test_assigning_a_non_facilitator_is_refused(admin_client, make, facilitator, official):
    consultation = make.consultation()
    response = admin_client.submit(f"/consultations/{consultation.id}/facilitators",
                                   {"facilitators": [str(facilitator.id), str(official.id)]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Przypisać można tylko konta moderatorów." in error_summary(page)
    assert reload(consultation).facilitators == []


def test_a_facilitator_demoted_while_the_page_was_open_is_not_assigned(admin_client, make, facilitator):
    consultation = make.consultation()
    url = f"/consultations/{consultation.id}/facilitators"
    admin_client.get(url)
    facilitator.role = Role.OFFICIAL
    db.session.commit()
    response = admin_client.submit(url, {"facilitators": [str(facilitator.id)]})
    assert response.status_code == 422
    assert "Przypisać można tylko konta moderatorów." in error_summary(response.get_data(as_text=True))
    assert reload(consultation).facilitators == []


def test_the_facilitators_page_says_when_there_are_none(admin_client, make):
    consultation = make.consultation()
    page = admin_client.get(f"/consultations/{consultation.id}/facilitators").get_data(as_text=True)
    assert "Nie ma jeszcze kont moderatorów." in page


# Only admins change consultations --------------------------------------------------------


ADMIN_PAGES = [
    "/consultations/new",
    "/consultations/{c}/edit",
    "/consultations/{c}/facilitators",
    "/consultations/{c}/planes/new",
    "/consultations/{c}/planes/{plane}",
    "/consultations/{c}/priorities/new",
    "/consultations/{c}/priorities/{priority}",
]


@pytest.mark.parametrize("who", NON_ADMINS)
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_non_admins_get_403_on_admin_pages(request, make, facilitator, who, url):
    consultation = make.consultation(facilitators=[facilitator])  # even their own consultation
    plane = make.plane(consultation, 1)
    priority = make.priority(consultation, "I")
    response = request.getfixturevalue(who).get(url.format(c=consultation.id, plane=plane.id,
                                                           priority=priority.id))
    assert response.status_code == 403
    assert "Nie masz uprawnień do tej czynności." in response.get_data(as_text=True)


def snapshot_everything(consultation: Consultation) -> dict:
    db.session.expire_all()
    return {
        "consultations": db.session.scalars(sa.select(Consultation.title).order_by(Consultation.id)).all(),
        "status": consultation.status,
        "slug": consultation.slug,
        "planes": [(p.number, p.title) for p in consultation.planes],
        "priorities": sorted((p.code, p.title) for p in consultation.priorities),
        "facilitators": [u.id for u in consultation.facilitators],
        "revisions": count(Revision),
    }


def posts(consultation, plane, priority, facilitator) -> list[tuple[str, dict]]:
    c = consultation.id
    return [
        ("/consultations/new", consultation_form(title="Przejęta")),
        (f"/consultations/{c}/edit", edit_form(consultation, title="Przejęta", status="open")),
        (f"/consultations/{c}/facilitators", {"facilitators": [str(facilitator.id)]}),
        (f"/consultations/{c}/planes/new", {"number": "9", "title": "Przejęta"}),
        (f"/consultations/{c}/planes/{plane.id}", {"number": "8", "title": "Przejęta"}),
        (f"/consultations/{c}/priorities/new", {"code": "IX", "title": "Przejęty"}),
        (f"/consultations/{c}/priorities/{priority.id}", {"code": "X", "title": "Przejęty"}),
    ]


@pytest.mark.parametrize("who", NON_ADMINS)
def test_posts_of_non_admins_change_nothing(request, make, facilitator, who):
    consultation = make.consultation(title="Nietknięta")
    plane = make.plane(consultation, 1, "Nietknięta")
    priority = make.priority(consultation, "I", "Nietknięty")
    before = snapshot_everything(consultation)
    client = request.getfixturevalue(who)
    for url, data in posts(consultation, plane, priority, facilitator):
        assert client.submit(url, data).status_code == 403, url
    assert snapshot_everything(consultation) == before


def test_posts_without_csrf_token_are_refused_and_change_nothing(admin_client, make, facilitator):
    consultation = make.consultation(title="Nietknięta")
    plane = make.plane(consultation, 1, "Nietknięta")
    priority = make.priority(consultation, "I", "Nietknięty")
    before = snapshot_everything(consultation)
    for url, data in posts(consultation, plane, priority, facilitator):
        response = admin_client.post(url, data=data)
        assert response.status_code == 400, url
        assert "Formularz wygasł" in response.get_data(as_text=True)
    assert snapshot_everything(consultation) == before


def test_the_receipt_prefix_is_made_from_the_title_and_can_be_set(admin_client):
    response = admin_client.submit("/consultations/new", consultation_form(
        title="Konsultacje Wieloletniego Programu Współpracy"))
    assert response.status_code == 303
    consultation = db.session.scalar(sa.select(Consultation))
    assert consultation.receipt_prefix == "KWP"
    url = f"/consultations/{consultation.id}/edit"
    refused = admin_client.submit(url, edit_form(consultation, receipt_prefix="KW P!"))
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "receipt_prefix") == \
        "Błąd: Użyj tylko liter A–Z, cyfr i łączników."
    assert admin_client.submit(url, edit_form(consultation, receipt_prefix="wpw-k")).status_code == 303
    db.session.refresh(consultation)
    assert consultation.receipt_prefix == "WPW-K"


def test_a_forged_facilitator_id_beyond_integer_is_refused_with_a_message(admin_client, make):
    """Found by tests/test_fuzz.py on PostgreSQL (integer out of range → 500)."""
    consultation = make.consultation()
    response = admin_client.submit(f"/consultations/{consultation.id}/facilitators",
                                   {"facilitators": "2147483648"})
    assert response.status_code == 422
    assert "Przypisać można tylko konta moderatorów." in response.get_data(as_text=True)
    assert reload(consultation).facilitators == []


def test_a_new_consultation_copies_the_planes_and_priorities_of_an_earlier_one(admin_client, admin, make):
    earlier = make.consultation("Konsultacje 2026", program="Program Rozwoju Kultury")
    make.plane(earlier, 2, "Współpraca finansowa")
    make.plane(earlier, 1, "Tworzenie polityk publicznych")
    for code in ("I.1.1", "I", "I.1"):
        make.priority(earlier, code, f"Priorytet {code}")
    make.consultation("Bez ramy")  # nothing to copy: not offered
    page = parse(admin_client.get("/consultations/new").get_data(as_text=True))
    assert [(o["value"], text(o)) for o in page.select("#copy_framework_from option")] == [
        ("", "Nie – dodam je później"), (str(earlier.id), "Konsultacje 2026")]
    response = admin_client.submit("/consultations/new", consultation_form(
        title="Konsultacje 2027", copy_framework_from=str(earlier.id)))
    assert response.status_code == 303
    new = db.session.scalar(sa.select(Consultation).where(Consultation.title == "Konsultacje 2027"))
    assert [(p.number, p.title) for p in sorted(new.planes, key=lambda p: p.number)] == [
        (1, "Tworzenie polityk publicznych"), (2, "Współpraca finansowa")]
    assert [p.code for p in new.sorted_priorities] == ["I", "I.1", "I.1.1"]
    assert len(earlier.planes) == 2 and len(earlier.priorities) == 3  # the earlier one as it was
    made = db.session.scalars(sa.select(Revision).where(Revision.object_type.in_(("plane", "priority")),
                                                       Revision.user_id == admin.id)).all()
    assert len(made) == 5
    # a forged choice is said at its field, and nothing is made
    response = admin_client.submit("/consultations/new", consultation_form(
        title="Konsultacje 2028", copy_framework_from="999999"))
    assert response.status_code == 422
    assert "Wybierz konsultację, z której skopiować." in field_error(response.get_data(as_text=True),
                                                                    "copy_framework_from")
    assert db.session.scalar(sa.select(Consultation).where(Consultation.title == "Konsultacje 2028")) is None


def test_a_long_title_made_address_survives_an_edit_that_does_not_touch_it(admin_client, make):
    """The address made from a long title (up to the column's 120 characters) is no error
    in the form that shows it back: the 2018 demo's is 109 characters long."""
    from consult.consultations.services import unique_slug

    title = ("Konsultacje założeń Wieloletniego Programu Współpracy Gminy Miejskiej Kraków z "
             "organizacjami pozarządowymi na lata 2019–2022")
    consultation = make.consultation(title)
    consultation.slug = unique_slug(title)
    db.session.commit()
    assert len(consultation.slug) > 100
    response = admin_client.submit(f"/consultations/{consultation.id}/edit",
                                   edit_form(consultation, organizer="Urząd Miasta Krakowa, WKiDN"))
    assert response.status_code == 303, error_summary(response.get_data(as_text=True))
    assert reload(consultation).organizer == "Urząd Miasta Krakowa, WKiDN"
