"""A new meeting's parts and sections made in one step (issue 18, "Before the meeting"):
from the consultation's planes and priorities in the 2018 layout, or copied from an earlier
meeting of any consultation."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from consult.core.enums import EntryKind
from consult.core.models import Revision
from consult.extensions import db
from consult.meetings import interchange
from consult.meetings.models import Entry, Meeting, Part
from tests.conftest import DEMO_FILE
from tests.pages import field_error, find, flashes, parse, text


def new_meeting_form(**changes) -> dict:
    data = {"title": "Spotkanie przygotowane z ramy", "date": "2027-03-18", "location": "Pałac Potockich"}
    data.update(changes)
    return data


@pytest.fixture
def framework(make, facilitator):
    consultation = make.consultation("Konsultacje programu współpracy na 2027 rok",
                                     facilitators=[facilitator], partner_short="UMK",
                                     program="Program Rozwoju Kultury")
    planes = [make.plane(consultation, n, title) for n, title in (
        (1, "Tworzenie polityk publicznych"), (2, "Współpraca finansowa"), (3, "Aktywność obywatelska"))]
    priorities = {code: make.priority(consultation, code, title) for code, title in (
        ("I.1", "Edukacja kulturalna"), ("I.1.1", "Edukacja dzieci"), ("III.2", "Dziedzictwo"))}
    return consultation, planes, priorities


def layout(meeting_id: int) -> list[tuple]:
    """The board's structure as stored: (part heading, question, [(subject, label, kind)…])."""
    db.session.expire_all()
    out = []
    for part in db.session.scalars(sa.select(Part).where(Part.meeting_id == meeting_id).order_by(Part.position)):
        sections = []
        for s in sorted(part.sections, key=lambda s: s.position):
            subject = (f"plane {s.plane.number}" if s.plane else s.priority.code if s.priority else s.topic)
            sections.append((subject, s.label, s.default_kind.value))
        out.append((part.heading, part.question, sections))
    return out


def test_the_form_offers_the_framework_with_every_plane_chosen_and_the_2018_headings(
        framework, facilitator, login_as):
    consultation, planes, priorities = framework
    page = parse(login_as(facilitator).get(f"/consultations/{consultation.id}/meetings/new").get_data(as_text=True))
    chosen = find(page, "input[name=structure][checked]")
    assert chosen["value"] == "framework"
    assert [box.has_attr("checked") for box in page.select("input[name=planes]")] == [True, True, True]
    assert [box.has_attr("checked") for box in page.select("input[name=priorities]")] == [False] * 3
    labels = [text(label) for label in page.select("input[name=priorities] + label")]
    assert labels == ["I.1 Edukacja kulturalna", "I.1.1 Edukacja dzieci", "III.2 Dziedzictwo"]
    assert find(page, "#planes_heading")["value"] == (
        "Opinie i postulaty dotyczące współpracy z UMK w płaszczyznach współpracy")
    assert find(page, "#priorities_heading")["value"] == (
        "Program Rozwoju Kultury – priorytety w zakresie współpracy z NGO")
    assert find(page, "#topics_heading")["value"] == "Nowe pomysły na współpracę"


def test_a_meeting_made_from_the_framework_has_the_2018_layout_and_opens_its_board(
        framework, facilitator, login_as):
    consultation, planes, priorities = framework
    client = login_as(facilitator)
    response = client.submit(f"/consultations/{consultation.id}/meetings/new", new_meeting_form(
        structure="framework", planes=[planes[0].id, planes[2].id], split_planes="no",
        priorities=[priorities["III.2"].id, priorities["I.1.1"].id],
        topics="Odbiorcy kultury\r\n\r\n  Przestrzenie dla NGO  ",
        topics_question="W jakie obszary włączyć organizacje?",
        planes_heading="Opinie i postulaty dotyczące współpracy z UMK w dwóch płaszczyznach",
        topics_heading="Nowe pomysły na współpracę",
        priorities_heading="Z Programu Rozwoju Kultury – priorytety"))
    meeting = db.session.scalar(sa.select(Meeting))
    assert response.status_code == 303
    assert response.location == f"/meetings/{meeting.id}/board"
    assert "Utworzono spotkanie z 6 sekcjami." in flashes(client.get(response.location).get_data(as_text=True))
    assert layout(meeting.id) == [
        ("Opinie i postulaty dotyczące współpracy z UMK w dwóch płaszczyznach", None,
         [("plane 1", "Wnioski", "conclusion"), ("plane 3", "Wnioski", "conclusion")]),
        ("Nowe pomysły na współpracę", "W jakie obszary włączyć organizacje?",
         [("Odbiorcy kultury", "Pomysły", "idea"), ("Przestrzenie dla NGO", "Pomysły", "idea")]),
        ("Z Programu Rozwoju Kultury – priorytety", None,
         [("I.1.1", "Pomysły", "idea"), ("III.2", "Pomysły", "idea")]),  # in the programme's order
    ]
    db.session.refresh(meeting)
    first = layout(meeting.id)[0]
    assert meeting.active_section_id is not None and first  # the projector starts at the first
    # every part and section is in the audit trail, made by the facilitator
    made = db.session.scalars(sa.select(Revision).where(Revision.object_type.in_(("part", "section")),
                                                       Revision.action == "create")).all()
    assert len(made) == 9 and {r.user_id for r in made} == {facilitator.id}


def test_planes_split_into_strengths_weaknesses_and_conclusions_take_their_kind(
        framework, facilitator, login_as):
    consultation, planes, _priorities = framework
    client = login_as(facilitator)
    client.submit(f"/consultations/{consultation.id}/meetings/new", new_meeting_form(
        structure="framework", planes=[planes[1].id], split_planes="yes"))
    meeting = db.session.scalar(sa.select(Meeting))
    [(heading, _question, sections)] = layout(meeting.id)
    assert heading == "Opinie i postulaty dotyczące współpracy z UMK w płaszczyznach współpracy"  # the default
    assert sections == [("plane 2", "Mocne strony", "strength"), ("plane 2", "Słabe strony", "weakness"),
                        ("plane 2", "Wnioski", "conclusion")]
    # the board's input of "Mocne strony" starts on its kind; an entry sent without a kind takes it
    board = parse(client.get(f"/meetings/{meeting.id}/board").get_data(as_text=True))
    strengths = meeting.parts[0].sections[0]
    assert find(board, f"form#add-{strengths.id} input[name=kind][checked]")["value"] == "strength"
    client.submit(f"/meetings/{meeting.id}/board/entries",
                  {"section_id": strengths.id, "text": "Dobra komunikacja", "kind": "", "client_key": "k1"})
    assert db.session.scalar(sa.select(Entry.kind)) == EntryKind.STRENGTH
    # and the interchange format keeps the section's kind
    doc = interchange.export_meeting(meeting)
    assert [s.get("kind") for s in doc["parts"][0]["sections"]] == ["strength", "weakness", "conclusion"]
    again = interchange.import_meeting(interchange.parse(interchange.dumps(doc)))
    db.session.commit()
    assert [s[2] for s in layout(again.id)[0][2]] == ["strength", "weakness", "conclusion"]


def test_the_language_of_the_layout_is_the_consultations(make, admin_client):
    consultation = make.consultation("Cooperation programme 2027", language="en", partner_short="the City")
    plane = make.plane(consultation, 1, "Public policies")
    admin_client.submit(f"/consultations/{consultation.id}/meetings/new", new_meeting_form(
        structure="framework", planes=[plane.id], split_planes="yes", planes_heading="", topics_heading=""))
    meeting = db.session.scalar(sa.select(Meeting))
    [(heading, _q, sections)] = layout(meeting.id)
    assert heading == "Opinions and proposals on the cooperation with the City in the planes of cooperation"
    assert [label for _s, label, _k in sections] == ["Strengths", "Weaknesses", "Conclusions"]


@pytest.mark.parametrize("changes, field, message", [
    ({"planes": []}, "planes", "Wybierz co najmniej jedną płaszczyznę lub priorytet albo wpisz temat."),
    ({"planes": ["999999"]}, "planes", "Wybierz płaszczyzny tej konsultacji."),
    ({"priorities": ["999999"]}, "priorities", "Wybierz priorytety tej konsultacji."),
    ({"topics": "\n".join(f"Temat {n}" for n in range(51))}, "topics", "Najwyżej 50 tematów."),
    ({"structure": "magic"}, "structure", "Wybierz, skąd wziąć części i sekcje spotkania."),
    ({"structure": "copy", "copy_from": "999999"}, "copy_from", "Wybierz spotkanie do skopiowania."),
    ({"planes_heading": "x" * 501}, "planes_heading", "Najwyżej 500 znaków."),
])
def test_a_wrong_choice_is_said_at_its_field_and_nothing_is_made(
        framework, facilitator, login_as, changes, field, message):
    consultation, planes, _priorities = framework
    other = db.session.get(type(consultation), consultation.id)
    foreign = interchange.import_meeting(interchange.parse(DEMO_FILE.read_bytes()))  # not this person's
    db.session.commit()
    data = new_meeting_form(structure="framework", planes=[], split_planes="no")
    data.update(changes)
    if changes.get("planes") == ["999999"]:
        data["planes"] = [str(planes[0].id), str(foreign.consultation.planes[0].id)]
    response = login_as(facilitator).submit(f"/consultations/{other.id}/meetings/new", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert find(parse(page), "#title")["value"] == "Spotkanie przygotowane z ramy"  # kept as typed
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 1  # only the foreign one


def test_the_structure_of_an_earlier_meeting_of_another_consultation_is_copied_without_entries(
        framework, facilitator, login_as):
    consultation, planes, priorities = framework
    demo = interchange.import_meeting(interchange.parse(DEMO_FILE.read_bytes()))
    demo.consultation.facilitators.append(facilitator)  # a board this person may read
    db.session.commit()
    entries_before = db.session.scalar(sa.select(sa.func.count(Entry.id)))
    client = login_as(facilitator)
    page = parse(client.get(f"/consultations/{consultation.id}/meetings/new").get_data(as_text=True))
    assert [o["value"] for o in page.select("#copy_from option")] == [str(demo.id)]
    response = client.submit(f"/consultations/{consultation.id}/meetings/new", new_meeting_form(
        structure="copy", copy_from=str(demo.id)))
    assert response.status_code == 303
    copy = db.session.scalar(sa.select(Meeting).where(Meeting.id != demo.id))
    copied, source = layout(copy.id), layout(demo.id)
    assert [(h, q, len(s)) for h, q, s in copied] == [(h, q, len(s)) for h, q, s in source]
    # planes 1-3 and the priorities I.1, I.1.1 and III.2 exist here; I.3, I.3.1 and III.1.3 become topics
    assert copied[0][2] == source[0][2]
    subjects = [s for s, _label, _kind in copied[2][2]]
    assert [s.split(" ")[0] for s in subjects] == ["I.1", "I.1.1", "I.3", "I.3.1", "I.5.1", "III.1.3", "III.2"]
    topics = [s for s in subjects if " " in s]  # the ones this consultation has not: "code title"
    assert [t.split(" ")[0] for t in topics] == ["I.3", "I.3.1", "I.5.1", "III.1.3"]
    assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == entries_before  # no entries
    flash = flashes(client.get(response.location).get_data(as_text=True))
    assert any("skopiowano je jako tematy: I.3 " in f for f in flash)


def test_a_consultation_without_planes_or_priorities_offers_an_empty_board(make, admin_client):
    consultation = make.consultation()
    page = parse(admin_client.get(f"/consultations/{consultation.id}/meetings/new").get_data(as_text=True))
    assert find(page, "input[name=structure][checked]")["value"] == "empty"
    assert page.select("input[name=planes]") == [] and page.select("#copy_from") == []
    response = admin_client.submit(f"/consultations/{consultation.id}/meetings/new",
                                   {"title": "Bez struktury", "date": date(2027, 1, 5).isoformat(),
                                    "structure": "empty"})
    meeting = db.session.scalar(sa.select(Meeting))
    assert response.location == f"/meetings/{meeting.id}" and layout(meeting.id) == []
