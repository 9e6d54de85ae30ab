"""consult-meeting/1: import then export gives the same document back."""

import copy
import json
from datetime import UTC

import pytest
import sqlalchemy as sa

from consult.core.enums import EntryKind, EntrySource
from consult.extensions import db
from consult.meetings import interchange
from consult.meetings.models import Entry, Meeting
from tests.conftest import DEMO_FILE

DEEP_DOC = {
    "format": "consult-meeting/1",
    "consultation": {
        "title": "Konsultacje programu współpracy 2027",
        "organizer": None,
        "partner_short": "UMK",
        "program": "Strategia Kultury",
        "planes": [{"number": 1, "title": "Tworzenie polityk publicznych"},
                   {"number": 2, "title": "Zadania publiczne"}],
        "priorities": [{"code": "I", "title": "Obszar I"},
                       {"code": "I.2", "title": "Drugi"},
                       {"code": "I.10", "title": "Dziesiąty"},
                       {"code": "II.1.1", "title": "Trzeci poziom"}],
    },
    "meeting": {
        "title": "Spotkanie z organizacjami młodzieżowymi",
        "date": "2027-03-01",
        "location": "Kraków, ul. Powiśle 11",
        "goal": "Zebranie opinii",
        "participants": 0,
        "facilitator": "Jan Kowalski",
        "prepared_by": None,
        "agenda": ["Powitanie", "Dyskusja"],
    },
    "parts": [
        {"heading": "Płaszczyzny", "question": None, "sections": [
            {"plane": 2, "label": "Wnioski", "entries": [
                {"kind": "strength", "text": "Poziom 1",
                 "children": [
                     {"text": "Poziom 2 a", "children": [
                         {"text": "Poziom 3", "children": [{"text": "Poziom 4 — <b>&amp;</b> \"cytat\""}]},
                     ]},
                     {"text": "Poziom 2 b"},
                 ]},
                {"kind": "weakness", "text": "Druga słaba strona"},
                {"kind": "conclusion", "text": "Wniosek"},
            ]},
            {"plane": 1, "label": None, "entries": []},
        ]},
        {"heading": "Pomysły", "question": "Co dalej?", "sections": [
            {"topic": "Temat swobodny", "label": "Pomysły", "entries": [
                {"kind": "idea", "text": "Pomysł ze znakami ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ"}]},
            {"priority": "I.10", "entries": []},
            {"priority": "II.1.1", "label": "Pomysły", "entries": [
                {"kind": "idea", "text": "Na trzecim poziomie", "children": []}]},
        ]},
    ],
}


def roundtrip(doc):
    meeting = interchange.import_meeting(interchange.parse(json.dumps(doc)))
    db.session.commit()
    db.session.expire_all()
    return interchange.export_meeting(db.session.get(Meeting, meeting.id))


def test_demo_file_round_trips_exactly(app):
    original = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    exported = roundtrip(original)
    assert exported == original  # even without normalisation
    assert interchange.normalise(exported) == interchange.normalise(original)


def test_deep_sub_points_empty_sections_and_every_section_type_round_trip(app):
    exported = roundtrip(DEEP_DOC)
    assert interchange.normalise(exported) == interchange.normalise(DEEP_DOC)
    # exported documents are valid consult-meeting/1 themselves
    interchange.validate(exported)
    level4 = exported["parts"][0]["sections"][0]["entries"][0]["children"][0]["children"][0]["children"][0]
    assert level4 == {"text": "Poziom 4 — <b>&amp;</b> \"cytat\""}


def test_normalise_treats_null_absent_and_empty_children_alike():
    doc = copy.deepcopy(DEEP_DOC)
    other = copy.deepcopy(DEEP_DOC)
    del other["meeting"]["prepared_by"]
    del other["parts"][0]["question"]
    del other["parts"][1]["sections"][2]["entries"][0]["children"]
    assert interchange.normalise(doc) == interchange.normalise(other)
    other["parts"][1]["sections"][2]["entries"][0]["text"] = "changed"
    assert interchange.normalise(doc) != interchange.normalise(other)


def test_import_stores_kinds_sources_positions_and_inherits_kind_for_sub_points(app):
    meeting = interchange.import_meeting(copy.deepcopy(DEEP_DOC))
    db.session.commit()
    entries = db.session.scalars(sa.select(Entry).order_by(Entry.id)).all()
    assert {e.source for e in entries} == {EntrySource.IMPORT}
    top = [e for e in entries if e.text == "Poziom 1"][0]
    deepest = [e for e in entries if e.text.startswith("Poziom 4")][0]
    assert deepest.kind == EntryKind.STRENGTH
    assert deepest.parent.parent.parent is top
    assert meeting.agenda == ["Powitanie", "Dyskusja"]


def test_deleted_entries_are_not_exported(app, make):
    meeting = make.demo_meeting()
    entry = db.session.scalar(sa.select(Entry).where(Entry.text.like("Strona Magiczny%")))
    from datetime import datetime

    entry.deleted_at = datetime.now(UTC)
    db.session.commit()
    exported = interchange.export_meeting(meeting)
    texts = [e["text"] for e in exported["parts"][0]["sections"][0]["entries"]]
    assert len(texts) == 8 and "Strona Magiczny Kraków słabo funkcjonuje." not in texts


def test_second_meeting_joins_the_consultation_and_adds_missing_framework(app):
    first = interchange.import_meeting(copy.deepcopy(DEEP_DOC))
    db.session.commit()
    doc = copy.deepcopy(DEEP_DOC)
    doc["consultation"]["planes"].append({"number": 3, "title": "Warunki aktywności"})
    doc["meeting"]["date"] = "2027-03-08"
    second = interchange.import_meeting(doc)
    db.session.commit()
    assert second.consultation is first.consultation
    assert [p.number for p in first.consultation.planes] == [1, 2, 3]


def test_conflicting_framework_of_an_existing_consultation_is_refused(app):
    interchange.import_meeting(copy.deepcopy(DEEP_DOC))
    db.session.commit()
    doc = copy.deepcopy(DEEP_DOC)
    doc["consultation"]["planes"][0]["title"] = "Inny tytuł"
    with pytest.raises(interchange.InvalidDocument) as info:
        interchange.import_meeting(doc)
    assert [p.path for p in info.value.problems] == ["$.consultation.planes[0].title"]
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 1
