"""Meetings: the summary page (the 2018 meeting as the reference), creating and editing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from bs4 import Tag

from consult.core.enums import EntryKind
from consult.core.models import Revision
from consult.extensions import db
from consult.meetings.models import AgendaItem, Meeting
from tests.conftest import DEMO_FILE
from tests.pages import (
    controls,
    count,
    entries,
    error_summary,
    facts,
    field_error,
    find,
    flashes,
    form_values,
    items,
    meeting_summary,
    own_text,
    parse,
    summary_section,
    text,
    texts,
)

REQUIRED = "To pole jest wymagane."
KIND_LABELS = {"strength": "mocna strona", "weakness": "słaba strona", "conclusion": "wniosek",
               "idea": "pomysł"}
DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def meeting_form(**changes) -> dict:
    data = {
        "title": "Spotkanie w Nowej Hucie",
        "date": "2026-05-25",
        "location": "Dom Kultury",
        "goal": "Zebranie pomysłów na współpracę",
        "participants": "12",
        "facilitator": "Ewa Chromniak",
        "prepared_by": "Jan Kowalski",
        "agenda": "Powitanie\r\nPraca w grupach\r\n\r\n  Podsumowanie  ",
    }
    data.update(changes)
    return data


def same_text(typed: str) -> str:
    """A textarea sends CRLF; what the user sees is the same text."""
    return typed.replace("\r\n", "\n")


# The 2018 meeting ------------------------------------------------------------------------


@pytest.fixture
def demo(make):
    return make.demo_meeting()


def demo_page(client, meeting, query: str = "") -> Tag:
    response = client.get(f"/meetings/{meeting.id}{query}")
    assert response.status_code == 200
    return parse(response.get_data(as_text=True))


def test_the_meeting_header_reads_like_the_2018_summary(admin_client, demo):
    article = find(demo_page(admin_client, demo), "article.meeting")
    assert text(find(article, "h1")) == DEMO["meeting"]["title"]
    assert text(find(article, "p.meeting-date")) == "25 maja 2018 r."
    assert facts(article) == [
        ("Cel spotkania", DEMO["meeting"]["goal"]),
        ("Liczba uczestników", "10"),
        ("Prowadzenie", "Ewa Chromniak"),
    ]


def test_the_agenda_is_an_ordered_list_in_order(admin_client, demo):
    article = find(demo_page(admin_client, demo), "article.meeting")
    headings = texts(article.find_all("h2"))
    assert headings[0] == "Przebieg spotkania"
    agenda = texts(items(find(article, "ol.agenda")))
    assert agenda == DEMO["meeting"]["agenda"]
    assert agenda[0].startswith("Informacja o działaniach")


def test_parts_follow_in_order_with_their_questions(admin_client, demo):
    summary = meeting_summary(demo_page(admin_client, demo))
    assert texts(summary.select("h2.part-heading")) == [
        "Opinie i postulaty dotyczące współpracy z UMK w trzech płaszczyznach współpracy",
        "Nowe pomysły na współpracę",
        "Z Programu Rozwoju Kultury – priorytety w zakresie współpracy z NGO",
    ]
    assert texts(summary.select("p.part-question")) == [
        "W jakie obszary Programu Rozwoju Kultury priorytetowo należy włączyć organizacje pozarządowe?"]


def test_plane_1_lists_its_nine_entries_in_one_numbered_list(admin_client, demo):
    summary = meeting_summary(demo_page(admin_client, demo, "?kinds=0"))
    plane = summary_section(summary, "1. Płaszczyzna – Tworzenie polityk publicznych")
    assert text(find(plane, "p.section-label")) == "Wnioski:"
    lists = plane.find_all("ol", recursive=False)
    assert len(lists) == 1 and "entries" in lists[0].get("class", [])
    numbered = items(lists[0])
    expected = [e["text"] for e in DEMO["parts"][0]["sections"][0]["entries"]]
    assert len(numbered) == 9
    assert [own_text(li) for li in numbered] == expected
    assert own_text(numbered[0]).startswith("Kluczowa jest wzajemna otwartość")
    assert own_text(numbered[8]) == "Strona Magiczny Kraków słabo funkcjonuje."


def test_sub_points_of_entry_5_are_bullets_inside_entry_5(admin_client, demo):
    summary = meeting_summary(demo_page(admin_client, demo))
    numbered = entries(summary_section(summary, "1. Płaszczyzna – Tworzenie polityk publicznych"))
    fifth = numbered[4]
    assert "NGO są zapraszane do udziału w konsultacjach" in own_text(fifth)
    [bullets] = fifth.find_all("ul", recursive=False)
    assert texts(items(bullets)) == [
        "nie mają przekonania, że ich głos będzie brany pod uwagę,",
        "procesy konsultacyjne są prowadzone najczęściej przez internet oraz mało angażującymi metodami,",
        "informacja o konsultacjach rzadko trafia bezpośrednio do zainteresowanych.",
    ]
    assert all(li.find("ul") is None for i, li in enumerate(numbered) if i != 4)
    assert "NGO są zapraszane" not in text(bullets)


def test_sections_are_printed_in_summary_order_even_when_empty(admin_client, demo):
    summary = meeting_summary(demo_page(admin_client, demo))
    headings = texts(summary.find_all("h3"))
    assert headings[:3] == [
        "1. Płaszczyzna – Tworzenie polityk publicznych",
        "2. Płaszczyzna – Współpraca w zakresie realizacji zadań finansowych i pozafinansowych",
        "3. Płaszczyzna – Tworzenie warunków do aktywności społecznych i obywatelskich",
    ]
    assert headings[3].startswith("1. Systematycznie ubywa odbiorców kultury")
    assert texts(summary.select("h3 span.code")) == ["I.1", "I.1.1", "I.3", "I.3.1", "I.5.1", "III.1.3",
                                                     "III.2"]
    assert headings[-1] == "III.2 Współdziałanie na rzecz wzmacniania marki Miasta Literatury"
    for heading in headings[4:]:
        section = summary_section(summary, heading)
        code = text(find(section, "span.code"))
        if code in ("I.1", "I.3", "III.2"):
            assert section.find("ol") is None
            assert "Brak wpisów." in text(section)
        else:
            assert text(find(section, "p.section-label")) == "Pomysły:"
            assert entries(section)


def test_deeper_priorities_are_marked_as_deeper(admin_client, demo):
    summary = meeting_summary(demo_page(admin_client, demo))
    depth = {text(find(s, "span.code")): set(s["class"]) & {"depth-1", "depth-2"}
             for s in summary.select("section.summary-section--priority")}
    assert depth["I.1"] == {"depth-1"} and depth["I.1.1"] == {"depth-2"}
    assert depth["III.2"] == {"depth-1"} and depth["III.1.3"] == {"depth-2"}


def test_prepared_by_comes_last(admin_client, demo):
    article = find(demo_page(admin_client, demo), "article.meeting")
    blocks = article.find_all(recursive=False)
    prepared = find(article, "p.prepared-by")
    assert text(prepared) == "Opracowanie: Ewa Chromniak"
    assert blocks.index(prepared) > blocks.index(meeting_summary(article))
    assert blocks[-1] is prepared


def test_entry_kinds_are_shown_as_words_by_default(admin_client, demo):
    tree = demo_page(admin_client, demo)
    plane = summary_section(meeting_summary(tree), "1. Płaszczyzna – Tworzenie polityk publicznych")
    numbered = entries(plane)
    shown = [text(find(li, "span.kind")) for li in numbered]
    assert shown == [KIND_LABELS[e["kind"]] for e in DEMO["parts"][0]["sections"][0]["entries"]]
    assert shown[:4] == ["wniosek", "słaba strona", "słaba strona", "mocna strona"]
    # sub-points carry no marker of their own
    assert find(numbered[4], "ul").find("span", class_="kind") is None
    link = next(a for a in tree.find_all("a") if text(a) == "Ukryj rodzaje wpisów")
    assert link["href"] == f"/meetings/{demo.id}?kinds=0"


def test_entry_kinds_are_hidden_with_kinds_0(admin_client, demo):
    tree = demo_page(admin_client, demo, "?kinds=0")
    summary = meeting_summary(tree)
    assert summary.find("span", class_="kind") is None
    for label in ("słaba strona", "mocna strona", "wniosek"):  # "pomysł" is in "Pomysły:"
        assert label not in text(summary)
    written = [e for part in DEMO["parts"] for section in part["sections"] for e in section["entries"]]
    everything = len(written) + sum(len(e.get("children", [])) for e in written)
    assert len(summary.select("span.entry-text")) == everything == 32  # the text is all there
    assert any(text(a) == "Pokaż rodzaje wpisów" for a in tree.find_all("a"))


def test_deleted_entries_are_left_out_and_numbers_close_up(admin_client, make):
    meeting = make.meeting()
    section = make.section(meeting, topic="Temat")
    make.entry(section, "Pierwszy")
    gone = make.entry(section, "Usunięty")
    make.entry(section, "Trzeci")
    gone.deleted_at = datetime.now(UTC)
    db.session.commit()
    summary = meeting_summary(demo_page(admin_client, meeting, "?kinds=0"))
    assert texts(entries(summary)) == ["Pierwszy", "Trzeci"]


@pytest.mark.parametrize("who", ["facilitator_client", "official_client"])
def test_every_staff_member_reads_the_summary_but_only_editors_see_the_edit_link(request, demo, who):
    page = request.getfixturevalue(who).get(f"/meetings/{demo.id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "1. Płaszczyzna – Tworzenie polityk publicznych" in body
    assert "Edytuj spotkanie" not in body


def test_user_text_is_escaped(admin_client, make):
    consultation = make.consultation(title="<i>Konsultacje</i>")
    meeting = make.meeting(consultation, title="<b>Spotkanie</b>", goal="<em>cel</em>",
                           prepared_by="<u>Autor</u>")
    db.session.add(AgendaItem(meeting=meeting, position=0, text='<img src=x onerror="alert(1)">'))
    db.session.commit()
    section = make.section(meeting, heading="<h1>Część</h1>", topic="<marquee>temat</marquee>")
    parent = make.entry(section, "<script>alert(1)</script>", kind=EntryKind.WEAKNESS)
    make.entry(section, "<a href='javascript:alert(2)'>klik</a>", parent=parent)

    page = admin_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for raw in ("<script>alert(1)", "<b>Spotkanie", "<em>cel", "<u>Autor", "<img src=x",
                "<marquee>", "<h1>Część", "<a href='javascript", "<i>Konsultacje"):
        assert raw not in page
    tree = parse(page)
    summary = meeting_summary(tree)
    assert summary.find("script") is None and summary.find("marquee") is None
    assert own_text(entries(summary)[0]) == "słaba strona <script>alert(1)</script>"
    assert text(find(tree, "h1")) == "<b>Spotkanie</b>"


def test_a_meeting_with_nothing_captured_says_so(admin_client, make):
    meeting = make.meeting()
    tree = demo_page(admin_client, meeting)
    assert "Na tym spotkaniu nic jeszcze nie zanotowano." in text(meeting_summary(tree))
    assert tree.select_one("ol.agenda") is None


def test_unknown_meeting_is_404(admin_client, make):
    assert admin_client.get("/meetings/987654").status_code == 404
    assert admin_client.get("/meetings/987654/edit").status_code == 404
    assert admin_client.submit("/meetings/987654/edit", meeting_form()).status_code == 404
    assert admin_client.get("/consultations/987654/meetings/new").status_code == 404
    assert count(Meeting) == 0


# Creating and editing --------------------------------------------------------------------


def test_admin_creates_a_meeting_and_the_agenda_keeps_its_order(admin_client, admin, make):
    consultation = make.consultation()
    page = admin_client.get(f"/consultations/{consultation.id}/meetings/new").get_data(as_text=True)
    assert "Nowe spotkanie" in page

    response = admin_client.submit(f"/consultations/{consultation.id}/meetings/new", meeting_form())
    assert response.status_code == 303
    meeting = db.session.scalar(sa.select(Meeting))
    assert response.location == f"/meetings/{meeting.id}"
    assert meeting.consultation_id == consultation.id
    assert meeting.agenda == ["Powitanie", "Praca w grupach", "Podsumowanie"]
    assert (meeting.title, meeting.date, meeting.participants, meeting.location) == (
        "Spotkanie w Nowej Hucie", date(2026, 5, 25), 12, "Dom Kultury")

    response = admin_client.get(response.location)
    page = response.get_data(as_text=True)
    assert "Utworzono spotkanie." in flashes(page)
    tree = parse(page)
    assert text(find(tree, "p.meeting-date")) == "25 maja 2026 r., Dom Kultury"
    assert texts(items(find(tree, "ol.agenda"))) == ["Powitanie", "Praca w grupach", "Podsumowanie"]
    assert text(find(tree, "p.prepared-by")) == "Opracowanie: Jan Kowalski"

    revision = db.session.scalar(sa.select(Revision).where(Revision.object_type == "meeting"))
    assert (revision.action, revision.object_id, revision.user_id) == ("create", meeting.id, admin.id)
    assert revision.after["agenda"] == ["Powitanie", "Praca w grupach", "Podsumowanie"]

    listing = admin_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Spotkanie w Nowej Hucie — 25 maja 2026 r." in text(listing)


def test_optional_fields_may_stay_empty(admin_client, make):
    consultation = make.consultation()
    response = admin_client.submit(f"/consultations/{consultation.id}/meetings/new", {
        "title": "Krótkie spotkanie", "date": "2026-01-02", "location": "", "goal": "",
        "participants": "", "facilitator": "", "prepared_by": "", "agenda": ""})
    assert response.status_code == 303
    meeting = db.session.scalar(sa.select(Meeting))
    assert (meeting.location, meeting.goal, meeting.participants, meeting.agenda) == (None, None, None, [])
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Liczba uczestników" not in page and "Opracowanie" not in page


def test_an_assigned_facilitator_creates_and_edits_a_meeting(make, facilitator, login_as):
    consultation = make.consultation(facilitators=[facilitator])
    client = login_as(facilitator)
    detail = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Nowe spotkanie" in detail
    response = client.submit(f"/consultations/{consultation.id}/meetings/new", meeting_form())
    assert response.status_code == 303
    meeting = db.session.scalar(sa.select(Meeting))
    assert "Edytuj spotkanie" in client.get(response.location).get_data(as_text=True)
    response = client.submit(f"/meetings/{meeting.id}/edit", meeting_form(title="Po poprawkach"))
    assert response.status_code == 303
    db.session.refresh(meeting)
    assert meeting.title == "Po poprawkach"


def test_editing_reorders_and_removes_agenda_items(admin_client, make):
    consultation = make.consultation()
    admin_client.submit(f"/consultations/{consultation.id}/meetings/new",
                        meeting_form(agenda="Alfa\nBeta\nGamma\nDelta"))
    meeting = db.session.scalar(sa.select(Meeting))
    url = f"/meetings/{meeting.id}/edit"
    assert form_values(admin_client.get(url).get_data(as_text=True))["agenda"] == "Alfa\nBeta\nGamma\nDelta"

    response = admin_client.submit(url, meeting_form(agenda="Gamma\r\nAlfa\r\nEpsilon"))
    assert response.status_code == 303
    db.session.refresh(meeting)
    assert meeting.agenda == ["Gamma", "Alfa", "Epsilon"]
    assert count(AgendaItem) == 3
    page = admin_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Zapisano spotkanie." in flashes(page)
    assert texts(items(find(page, "ol.agenda"))) == ["Gamma", "Alfa", "Epsilon"]

    response = admin_client.submit(url, meeting_form(agenda=""))
    assert response.status_code == 303
    db.session.refresh(meeting)
    assert meeting.agenda == []
    assert count(AgendaItem) == 0

    revisions = db.session.scalars(sa.select(Revision).where(Revision.action == "update")
                                   .order_by(Revision.id)).all()
    assert [r.after["agenda"] for r in revisions] == [["Gamma", "Alfa", "Epsilon"], []]
    assert revisions[0].before["agenda"] == ["Alfa", "Beta", "Gamma", "Delta"]


def test_the_edit_form_shows_the_meeting(admin_client, demo):
    values = form_values(admin_client.get(f"/meetings/{demo.id}/edit").get_data(as_text=True))
    assert values["title"] == DEMO["meeting"]["title"]
    assert values["date"] == "2018-05-25"
    assert values["participants"] == "10"
    assert values["agenda"] == "\n".join(DEMO["meeting"]["agenda"])


# Who may create and edit -----------------------------------------------------------------


def meeting_state(meeting: Meeting) -> tuple:
    db.session.expire_all()
    return (meeting.title, meeting.date, meeting.goal, meeting.agenda, count(Meeting), count(Revision))


def assert_may_not_create_or_edit(client, meeting: Meeting) -> None:
    """The new-meeting form of its consultation and the meeting's edit form, opened or sent,
    get 403 and change nothing."""
    before = meeting_state(meeting)
    for url in (f"/consultations/{meeting.consultation_id}/meetings/new", f"/meetings/{meeting.id}/edit"):
        assert client.get(url).status_code == 403, url
        response = client.submit(url, meeting_form(title="Przejęte"))
        assert response.status_code == 403, url
        assert "Nie masz uprawnień do tej czynności." in response.get_data(as_text=True), url
    assert meeting_state(meeting) == before


def test_a_facilitator_not_assigned_gets_403_and_changes_nothing(facilitator_client, make):
    meeting = make.meeting(make.consultation(), title="Nietknięte")
    assert_may_not_create_or_edit(facilitator_client, meeting)
    page = facilitator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Edytuj spotkanie" not in page


def test_a_facilitator_of_another_consultation_cannot_edit_this_one(make, facilitator, login_as):
    make.consultation(facilitators=[facilitator])
    meeting = make.meeting(make.consultation(), title="Cudze")
    assert_may_not_create_or_edit(login_as(facilitator), meeting)


def test_an_official_reads_the_meeting_but_gets_403_on_edit(official_client, make):
    meeting = make.meeting(title="Do przeczytania")
    assert official_client.get(f"/meetings/{meeting.id}").status_code == 200
    assert_may_not_create_or_edit(official_client, meeting)


def test_posts_without_csrf_token_change_nothing(admin_client, make):
    meeting = make.meeting(title="Nietknięte")
    before = meeting_state(meeting)
    response = admin_client.post(f"/consultations/{meeting.consultation_id}/meetings/new",
                                 data=meeting_form())
    assert response.status_code == 400
    assert "Formularz wygasł" in response.get_data(as_text=True)
    assert admin_client.post(f"/meetings/{meeting.id}/edit", data=meeting_form()).status_code == 400
    assert meeting_state(meeting) == before


# Bad input --------------------------------------------------------------------------------


BAD_INPUT = [
    ("title", "", REQUIRED),
    ("title", "    ", REQUIRED),
    ("title", "T" * 501, "Najwyżej 500 znaków."),
    ("date", "", "Podaj datę spotkania."),
    ("date", "2018-02-30", "Nieprawidłowa data"),
    ("date", "25.05.2018", "Nieprawidłowa data"),
    ("participants", "-1", "Podaj liczbę od 0 do 100000."),
    ("participants", "100001", "Podaj liczbę od 0 do 100000."),
    ("participants", "dziesięć", "Nieprawidłowa liczba całkowita"),
    ("goal", "g" * 5001, "Najwyżej 5000 znaków."),
    ("location", "L" * 301, "Najwyżej 300 znaków."),
    ("prepared_by", "P" * 301, "Najwyżej 300 znaków."),
    ("agenda", "Powitanie\n" + "x" * 2001, "Punkt 2 ma więcej niż 2000 znaków."),
]


def assert_typed_values_kept(page: str, data: dict, bad_field: str) -> None:
    shown = form_values(page)
    for name, typed in data.items():
        if name == bad_field and typed != typed.strip():
            continue  # a value of spaces only is shown empty
        if name == "agenda":
            assert shown[name].strip() == same_text(typed).strip(), name
        else:
            assert shown[name] == typed, name


@pytest.mark.parametrize("field, value, message", BAD_INPUT)
def test_bad_input_on_create_gets_a_message_keeps_everything_and_saves_nothing(
        admin_client, make, field, value, message):
    consultation = make.consultation()
    data = meeting_form(**{field: value})
    response = admin_client.submit(f"/consultations/{consultation.id}/meetings/new", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert [f for f in data if field_error(page, f)] == [field]
    assert_typed_values_kept(page, data, field)
    assert count(Meeting) == 0 and count(AgendaItem) == 0 and count(Revision) == 0


@pytest.mark.parametrize("field, value, message", BAD_INPUT)
def test_bad_input_on_edit_gets_a_message_and_changes_nothing(admin_client, demo, field, value, message):
    before = meeting_state(demo)
    data = meeting_form(**{field: value})
    response = admin_client.submit(f"/meetings/{demo.id}/edit", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert_typed_values_kept(page, data, field)
    assert meeting_state(demo) == before


def test_several_mistakes_at_once_are_all_shown(admin_client, make):
    consultation = make.consultation()
    data = meeting_form(title="", date="jutro", participants="-5", goal="g" * 5001)
    response = admin_client.submit(f"/consultations/{consultation.id}/meetings/new", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REQUIRED in field_error(page, "title")
    assert "Nieprawidłowa data" in field_error(page, "date")
    assert "Podaj liczbę od 0 do 100000." in field_error(page, "participants")
    assert "Najwyżej 5000 znaków." in field_error(page, "goal")
    summary = error_summary(page)
    assert summary.startswith("Formularz zawiera błędy")
    for label in ("Tytuł", "Data", "Liczba uczestników", "Cel spotkania"):
        assert label in summary
    values = form_values(page)
    assert (values["date"], values["participants"], values["location"]) == ("jutro", "-5", "Dom Kultury")
    assert count(Meeting) == 0


def test_an_invisible_nul_character_is_dropped_not_a_server_error(admin_client, make):
    consultation = make.consultation()
    response = admin_client.submit(f"/consultations/{consultation.id}/meetings/new", meeting_form(
        title="Spotkanie\x00 w Hucie", goal="cel\x00", agenda="Punkt\x00 pierwszy"))
    assert response.status_code == 303
    meeting = db.session.scalar(sa.select(Meeting))
    assert (meeting.title, meeting.goal, meeting.agenda) == ("Spotkanie w Hucie", "cel", ["Punkt pierwszy"])


def test_fields_are_marked_required_and_invalid_only_when_they_are(admin_client, make):
    consultation = make.consultation()
    url = f"/consultations/{consultation.id}/meetings/new"
    page = admin_client.get(url).get_data(as_text=True)
    inputs = {name: control.attrs for name, control in controls(page).items()}
    assert "required" in inputs["title"] and "required" in inputs["date"]
    for name in ("location", "goal", "participants", "facilitator", "prepared_by", "agenda"):
        assert "required" not in inputs[name], name
    assert all("aria-invalid" not in attrs for attrs in inputs.values())
    assert '="None"' not in page
    assert inputs["agenda"]["aria-describedby"] == "agenda-hint"

    page = admin_client.submit(url, meeting_form(title="")).get_data(as_text=True)
    inputs = {name: control.attrs for name, control in controls(page).items()}
    assert inputs["title"]["aria-invalid"] == "true"
    assert inputs["title"]["aria-describedby"] == "title-error"
    assert "aria-invalid" not in inputs["location"]


def test_the_entry_kinds_setting_is_a_checkbox_of_the_meeting_form(admin_client, demo):
    url = f"/meetings/{demo.id}/edit"
    form = find(admin_client.get(url).get_data(as_text=True), "main form")
    box = find(form, "input[name=show_kinds]")
    assert box["type"] == "checkbox" and box.has_attr("checked")
    assert find(form, f"label[for={box['id']}]").get_text(strip=True) == \
        "Pokazuj rodzaje wpisów w podsumowaniu"
    data = form_values(admin_client.get(url).get_data(as_text=True))
    data.pop("show_kinds", None)  # unticked: the browser sends nothing
    assert admin_client.submit(url, data).status_code == 303
    db.session.refresh(demo)
    assert demo.show_kinds is False
    assert 'class="doc-kind"' not in admin_client.get(f"/meetings/{demo.id}/summary").get_data(as_text=True)
    assert admin_client.submit(url, {**data, "show_kinds": "y"}).status_code == 303
    db.session.refresh(demo)
    assert demo.show_kinds is True
    assert 'class="doc-kind"' in admin_client.get(f"/meetings/{demo.id}/summary").get_data(as_text=True)
