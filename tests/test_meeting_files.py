"""A meeting as a file and back: consult-meeting/1 JSON and a CSV of its entries, exported
from the meeting's page and the command line, imported from the interface (with a preview)
and the command line — every problem with its row and column, nothing written on error."""

import csv
import io
import json

import pytest
import sqlalchemy as sa

from consult.extensions import db
from consult.meetings import csvfile, interchange
from consult.meetings.models import Entry, Meeting
from tests.conftest import DEMO_FILE
from tests.pages import control_value, find

FACTS = {"title": "Spotkanie z notatek", "date": "2018-05-26"}


@pytest.fixture
def demo(make, facilitator):
    meeting = make.demo_meeting()
    meeting.consultation.facilitators.append(facilitator)
    db.session.commit()
    return meeting


def meeting_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Meeting.id)))


def rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_has_one_row_per_entry_with_number_kind_section_and_level(app, demo):
    with app.test_request_context():
        table = rows(csvfile.export_csv(demo))
    assert table[0] == ["Część", "Pytanie części", "Sekcja", "Podpis", "Lp.", "Poziom", "Rodzaj", "Treść",
                        "Rodzaj nowych wpisów w sekcji"]
    first = table[1]
    assert first[2] == "1. Płaszczyzna – Tworzenie polityk publicznych"
    assert first[3:8] == ["Wnioski", "1", "1", "wniosek", "Kluczowa jest wzajemna otwartość obu stron i wola "
                          "współpracy, warto uwzględnić to fundamentalne założenie w preambule WPW."]
    sub_point = table[6]
    assert sub_point[4:7] == ["5.1", "2", ""]  # sub-points inherit their entry's kind
    entries = db.session.scalar(sa.select(sa.func.count(Entry.id)))
    empty_sections = [row for row in table[1:] if not row[7]]
    assert len(table) - 1 == entries + len(empty_sections)
    assert {row[2] for row in empty_sections} == {"I.1 Aktywizacja i wspieranie kreatywności lokalnej "
                                                  "społeczności", *{row[2] for row in empty_sections}}
    assert len(empty_sections) == 3  # I.1, I.3 and III.2 have no entries in 2018


def test_a_csv_of_the_2018_meeting_imports_to_the_same_meeting_as_its_json(app, demo, runner, tmp_path):
    file = tmp_path / "2018.csv"
    result = runner.invoke(args=["meeting", "export", str(demo.id), "--format", "csv", "-o", str(file)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["meeting", "import", str(file), "--consultation", str(demo.consultation_id),
                                 "--title", demo.title, "--date", demo.date.isoformat()])
    assert result.exit_code == 0, result.output
    from_csv = db.session.get(Meeting, int(result.output.strip().splitlines()[-1]))
    exported = interchange.normalise(interchange.export_meeting(from_csv))
    original = interchange.normalise(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    assert exported["parts"] == original["parts"]  # every part, section, entry, kind and sub-point
    assert exported["meeting"]["title"] == original["meeting"]["title"]
    assert exported["consultation"] == original["consultation"]


def test_a_spreadsheet_saved_by_hand_is_read_as_people_type_it(app, make):
    """Semicolons and the Windows code page (Polish Excel), headings in any case, blank
    cells as in the row above, kinds by name, levels from the number."""
    consultation = make.consultation("Konsultacje z arkusza")
    make.plane(consultation, 1, "Tworzenie polityk publicznych")
    make.priority(consultation, "I.1", "Aktywizacja")
    text = ("część;SEKCJA;Lp.;Rodzaj;Treść\r\n"
            "Opinie;Płaszczyzna 1;1;mocna strona;Dobra współpraca z domami kultury\r\n"
            ";;2;słaba strona;Za mało informacji\r\n"
            ";;2.1;;na stronie miasta\r\n"
            ";;;;   \r\n"
            "Pomysły;I.1;;pomysł;=SUMA(A1) to nie formuła\r\n"
            ";Temat swobodny;;;Bez rodzaju: pomysł\r\n")
    with app.test_request_context():
        doc = csvfile.parse_csv(text.encode("cp1250"), consultation, FACTS)
    opinions, ideas = doc["parts"]
    assert opinions["sections"] == [{"plane": 1, "entries": [
        {"kind": "strength", "text": "Dobra współpraca z domami kultury"},
        {"kind": "weakness", "text": "Za mało informacji", "children": [{"text": "na stronie miasta"}]}]}]
    assert ideas["sections"][0] == {"priority": "I.1",
                                    "entries": [{"kind": "idea", "text": "=SUMA(A1) to nie formuła"}]}
    assert ideas["sections"][1] == {"topic": "Temat swobodny",
                                    "entries": [{"kind": "idea", "text": "Bez rodzaju: pomysł"}]}


def test_formula_leading_text_is_escaped_in_the_file_and_read_back_as_typed(app, make):
    consultation = make.consultation("Konsultacje z formułą")
    meeting = make.meeting(consultation)
    section = make.section(meeting, "=Część", topic="+Temat")
    make.entry(section, "=HYPERLINK(\"http://example.com\")")
    make.entry(section, "@zwykły tekst")
    with app.test_request_context():
        content = csvfile.export_csv(meeting)
        table = rows(content)
        assert table[1][0] == "'=Część" and table[1][2] == "'+Temat"
        assert [row[7] for row in table[1:]] == ["'=HYPERLINK(\"http://example.com\")", "'@zwykły tekst"]
        doc = csvfile.parse_csv(content, consultation, FACTS)
    assert doc["parts"][0]["heading"] == "=Część"
    assert doc["parts"][0]["sections"][0]["topic"] == "+Temat"
    assert [e["text"] for e in doc["parts"][0]["sections"][0]["entries"]] == [
        "=HYPERLINK(\"http://example.com\")", "@zwykły tekst"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Nieznana;Część;Sekcja;Treść\r\nx;A;Temat;t\r\n",
     ["wiersz 1: Nieznana kolumna „Nieznana”; kolumny to: Część, Pytanie części, Sekcja, Podpis, Lp., Poziom, "
      "Rodzaj, Treść, Rodzaj nowych wpisów w sekcji."]),
    ("Część;Treść\r\nA;t\r\n", ["wiersz 1: Brakuje kolumn: Sekcja."]),
    ("Część;Sekcja;Poziom;Rodzaj;Treść\r\n"
     "A;Płaszczyzna 7;1;wniosek;t\r\n"
     "A;Temat;1;silna strona;t\r\n"
     "A;Temat;3;;za głęboko\r\n"
     "A;Temat;x;;t\r\n"
     ";;;;\r\n"
     ";Temat;1;pomysł;" + "x" * 5001 + "\r\n"
     "A;I.9;1;pomysł;t\r\n",
     ["wiersz 2, kolumna „Sekcja”: Te konsultacje nie mają płaszczyzny 7.",
      "wiersz 3, kolumna „Rodzaj”: Nieznany rodzaj „silna strona”; rodzaje to: mocna strona, słaba strona, "
      "wniosek, pomysł.",
      "wiersz 4, kolumna „Poziom”: Poziom 3 następuje zaraz po poziomie 1: podpunkt jest o jeden poziom niżej "
      "niż jego wpis.",
      "wiersz 5, kolumna „Poziom”: Poziom to liczba całkowita od 1 do 6.",
      "wiersz 8, kolumna „Sekcja”: Te konsultacje nie mają priorytetu I.9."]),
])
def test_every_problem_is_told_at_its_row_and_column(app, make, text, expected):
    consultation = make.consultation("Konsultacje z błędami")
    with app.test_request_context():
        with pytest.raises(interchange.InvalidDocument) as caught:
            csvfile.parse_csv(text.encode(), consultation, FACTS)
    assert [str(problem) for problem in caught.value.problems] == expected


def test_a_rule_of_the_format_is_told_at_the_row_it_breaks(app, make):
    """Checked by the interchange format (as the command line does), told at the row."""
    consultation = make.consultation("Konsultacje z długim wpisem")
    text = "Część;Sekcja;Treść\r\nA;Temat;krótki\r\nA;Temat;" + "x" * 5001 + "\r\n"
    with app.test_request_context():
        with pytest.raises(interchange.InvalidDocument) as caught:
            csvfile.parse_csv(text.encode(), consultation, FACTS)
    [problem] = caught.value.problems
    assert problem.path == "wiersz 3, kolumna „Treść”"
    assert "too long" in problem.message


def test_not_a_text_file_and_an_empty_file(app, make):
    consultation = make.consultation("Konsultacje z plikiem binarnym")
    with app.test_request_context():
        for raw in (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\x81", b"", "Część;Sekcja;Treść\r\n".encode()):
            with pytest.raises(interchange.InvalidDocument):
                csvfile.parse_csv(raw, consultation, FACTS)


# The interface --------------------------------------------------------------------------------


def upload(client, consultation_id, content: bytes, name: str, **fields):
    return client.submit(f"/consultations/{consultation_id}/meetings/import",
                         {"file": (io.BytesIO(content), name), **fields},
                         content_type="multipart/form-data")


def test_import_from_the_interface_previews_then_writes_on_confirmation(app, demo, facilitator_client):
    consultation_id = demo.consultation_id
    page = facilitator_client.get(f"/consultations/{consultation_id}").get_data(as_text=True)
    assert f"/consultations/{consultation_id}/meetings/import" in page
    exported = facilitator_client.get(f"/meetings/{demo.id}/export.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert "attachment" in exported.headers["Content-Disposition"]
    before = meeting_count()

    preview = upload(facilitator_client, consultation_id, exported.data, "notatki.csv",
                     title="Spotkanie z notatek", date="2018-05-26")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Plik jest poprawny: oto co powstanie" in html
    entries = sum(len(s["entries"]) for p in interchange.export_meeting(demo)["parts"] for s in p["sections"])
    assert f"{entries} wpis" in html
    assert meeting_count() == before  # a preview writes nothing

    token = control_value(html, "document")
    done = facilitator_client.submit(f"/consultations/{consultation_id}/meetings/import/confirm",
                                     {"document": token})
    assert done.status_code == 303
    assert meeting_count() == before + 1
    imported = db.session.scalar(sa.select(Meeting).where(Meeting.title == "Spotkanie z notatek"))
    assert done.headers["Location"].endswith(f"/meetings/{imported.id}")
    assert interchange.normalise(interchange.export_meeting(imported))["parts"] == \
        interchange.normalise(interchange.export_meeting(demo))["parts"]


def test_a_json_file_imports_from_the_interface_too(app, demo, facilitator_client):
    exported = facilitator_client.get(f"/meetings/{demo.id}/export.json")
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    preview = upload(facilitator_client, demo.consultation_id, exported.data, "spotkanie.json")
    assert preview.status_code == 200, preview.get_data(as_text=True)
    token = control_value(preview.get_data(as_text=True), "document")
    facilitator_client.submit(f"/consultations/{demo.consultation_id}/meetings/import/confirm", {"document": token})
    assert meeting_count() == 2


def test_a_bad_file_shows_its_problems_and_writes_nothing(app, demo, facilitator_client):
    before = meeting_count()
    bad = "Część;Sekcja;Rodzaj;Treść\r\nA;Płaszczyzna 9;wniosek;t\r\nA;Temat;xx;t\r\n".encode()
    response = upload(facilitator_client, demo.consultation_id, bad, "notatki.csv", title="Notatki",
                      date="2018-05-26")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Plik ma 2 problemy; niczego nie zaimportowano." in html
    assert "wiersz 2, kolumna „Sekcja”" in html and "wiersz 3, kolumna „Rodzaj”" in html
    assert meeting_count() == before

    missing = upload(facilitator_client, demo.consultation_id, "Część;Sekcja;Treść\r\nA;T;t\r\n".encode(),
                     "notatki.csv")
    assert missing.status_code == 422
    assert "Plik CSV nie podaje spotkania: wpisz jego tytuł." in missing.get_data(as_text=True)

    broken = upload(facilitator_client, demo.consultation_id, b"{not json", "x.json")
    assert broken.status_code == 422
    assert "not JSON" in broken.get_data(as_text=True)
    assert meeting_count() == before


def test_a_forged_or_tampered_preview_writes_nothing(app, demo, facilitator_client):
    before = meeting_count()
    response = facilitator_client.submit(f"/consultations/{demo.consultation_id}/meetings/import/confirm",
                                         {"document": "eyJmb3JtYXQiOiJ4In0.forged"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/consultations/{demo.consultation_id}/meetings/import")
    follow = facilitator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Podgląd wygasł albo jest nieważny" in follow
    assert meeting_count() == before


def test_only_the_consultations_editors_import_and_its_staff_export(app, demo, make, login_as):
    from consult.core.enums import Role

    stranger = login_as(make.user(Role.FACILITATOR, email="inny@example.org"))
    assert stranger.get(f"/consultations/{demo.consultation_id}/meetings/import").status_code == 403
    assert stranger.get(f"/meetings/{demo.id}/export.csv").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get(f"/meetings/{demo.id}/export.json").status_code in (302, 303)


def test_deep_sub_points_every_kind_of_section_and_an_empty_part_survive_the_csv(app):
    import copy

    from tests.test_interchange import DEEP_DOC

    doc = copy.deepcopy(DEEP_DOC)
    doc["parts"].append({"heading": "Część jeszcze bez sekcji", "question": "Co dalej?", "sections": []})
    doc["parts"][0]["sections"][0]["kind"] = "weakness"  # a plane split by kinds: new entries' kind
    meeting = interchange.import_meeting(interchange.parse(json.dumps(doc)))
    db.session.commit()
    with app.test_request_context():
        content = csvfile.export_csv(meeting)
        again = csvfile.parse_csv(content, meeting.consultation, {"title": "Kopia", "date": "2027-03-02"})
    assert interchange.normalise(again)["parts"] == interchange.normalise(doc)["parts"]


def test_an_import_too_large_for_one_request_is_refused_at_the_file(app, demo, facilitator_client, monkeypatch):
    from consult.meetings import imports

    monkeypatch.setattr(imports, "MAX_ENTRIES", 10)
    exported = facilitator_client.get(f"/meetings/{demo.id}/export.json")
    response = upload(facilitator_client, demo.consultation_id, exported.data, "spotkanie.json")
    assert response.status_code == 422
    assert "Wpisów i podpunktów w pliku: 32; jeden import przyjmuje najwyżej 10" in response.get_data(as_text=True)
    assert meeting_count() == 1


def test_problems_of_a_json_file_say_their_language(app, demo, facilitator_client):
    """The format's own problems (its schema's words, at JSON paths) are in English."""
    broken = json.dumps({"format": "consult-meeting/1", "consultation": {}, "meeting": {}, "parts": []}).encode()
    response = upload(facilitator_client, demo.consultation_id, broken, "x.json")
    assert response.status_code == 422
    problems = find(response.get_data(as_text=True), ".import-problems").select("li")
    assert problems and all(li.get("lang") == "en" and li.strong.text.startswith("$") for li in problems)
