"""Sub-points have at most MAX_ENTRY_DEPTH (6) levels: the board refuses to go deeper, the
interchange import refuses deeper files (listing where), and a meeting made deeper before
the limit still shows and prints, its deeper points at the sixth level."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from consult.consultations.models import Consultation
from consult.extensions import db
from consult.meetings import interchange
from consult.meetings.models import MAX_ENTRY_DEPTH, Entry, Meeting
from tests.pages import count, find, flashes, parse
from tests.test_capture_views import add_form, board_page, everything, html, hx, message, outline
from tests.test_interchange import DEEP_DOC
from tests.test_reports import pdf_text

ROOT = Path(__file__).resolve().parent.parent
LIMIT = "Podpunkty mogą mieć najwyżej 6 poziomów."


def test_the_limit_is_six_levels():
    assert MAX_ENTRY_DEPTH == 6


# The board -----------------------------------------------------------------------------------


def chain(make, section, levels: int, name: str, parent=None) -> list[Entry]:
    """``levels`` sub-points, each below the one before, made as the board made them."""
    made = []
    for level in range(1, levels + 1):
        parent = make.entry(section, f"{name} {level}", parent=parent)
        made.append(parent)
    return made


def levels_shown(page, section) -> list[int]:
    """The level of each entry of a section as the board shows it (1: a numbered entry)."""
    return [(len(line) - len(line.lstrip())) // 2 + 1 for line in outline(page, section)]


def test_a_sub_point_of_a_sixth_level_point_is_refused_one_level_up_is_saved(board, editor, make):
    section = board.topic_section
    points = chain(make, section, 6, "Poziom")
    before = everything()
    data = add_form(section, "Siódmy poziom", parent_id=points[5].id, client_key="k-7")
    response = hx(editor, f"{board.url}/board/entries", data)
    assert response.status_code == 422
    assert message(response) == LIMIT
    response = editor.submit(f"{board.url}/board/entries", {**data, "client_key": "k-7b"})
    assert response.status_code == 303
    page = board_page(editor, board)
    assert flashes(page) == [LIMIT]
    assert everything() == before
    # one level up is still fine: a sixth-level point
    response = hx(editor, f"{board.url}/board/entries",
                  add_form(section, "Szósty poziom", parent_id=points[4].id, client_key="k-6"))
    assert response.status_code == 200
    page = board_page(editor, board)
    assert outline(page, section)[-2:] == ["          – Poziom 6", "          – Szósty poziom"]
    assert max(levels_shown(page, section)) == 6


def test_indent_that_would_take_sub_points_below_the_sixth_level_is_refused(board, editor, make):
    section = board.topic_section
    make.entry(section, "Alfa")
    beta = chain(make, section, 6, "Beta")
    before = everything()
    refusal = f"{LIMIT} Gdyby ten wpis stał się podpunktem, jego podpunkty znalazłyby się na poziomie 7."
    response = hx(editor, f"{board.url}/entries/{beta[0].id}/indent")
    assert response.status_code == 422
    assert message(response) == refusal
    assert editor.submit(f"{board.url}/entries/{beta[0].id}/indent").status_code == 303
    assert flashes(board_page(editor, board)) == [refusal]
    assert everything() == before
    # with its deepest sub-point one level up, the whole entry fits as a sub-point
    assert hx(editor, f"{board.url}/entries/{beta[5].id}/outdent").status_code == 200
    response = hx(editor, f"{board.url}/entries/{beta[0].id}/indent")
    assert response.status_code == 200
    assert outline(board_page(editor, board), section) == [
        "1. Alfa", "  – Beta 1", "    – Beta 2", "      – Beta 3", "        – Beta 4",
        "          – Beta 5", "          – Beta 6"]
    # a sixth-level point cannot become a sub-point of the one above it
    response = hx(editor, f"{board.url}/entries/{beta[5].id}/indent")
    assert response.status_code == 422
    assert message(response) == f"{LIMIT} Gdyby ten wpis stał się podpunktem, znalazłby się na poziomie 7."


def test_restoring_is_refused_when_it_would_bring_back_a_point_below_the_sixth_level(board, editor, make):
    section = board.topic_section
    make.entry(section, "Alfa")
    beta = chain(make, section, 6, "Beta")
    assert hx(editor, f"{board.url}/entries/{beta[1].id}/delete").status_code == 200
    assert hx(editor, f"{board.url}/entries/{beta[0].id}/indent").status_code == 200  # fits now
    before = everything()
    refusal = f"{LIMIT} Po przywróceniu ten wpis wraz z podpunktami sięgnąłby poziomu 7."
    response = hx(editor, f"{board.url}/entries/{beta[1].id}/restore")
    assert response.status_code == 422
    assert message(response) == refusal
    assert editor.submit(f"{board.url}/entries/{beta[1].id}/restore").status_code == 303
    assert flashes(board_page(editor, board)) == [refusal]
    assert everything() == before
    # back at the top level, the entry gets its sub-points back
    assert hx(editor, f"{board.url}/entries/{beta[0].id}/outdent").status_code == 200
    assert hx(editor, f"{board.url}/entries/{beta[1].id}/restore").status_code == 200
    assert levels_shown(board_page(editor, board), section) == [1, 1, 2, 3, 4, 5, 6]


# A meeting made deeper before the limit ----------------------------------------------------


@pytest.fixture
def deep(board, make):
    """The board's topic section with an entry and 110 nested sub-points below it."""
    top = make.entry(board.topic_section, "Wpis na górze")
    board.deep = make.nested(board.topic_section, 110, parent=top)
    return board


def deepest_list_nesting(page) -> int:
    """How many lists deep the most deeply nested item of a page is."""
    return max((len(li.find_parents(["ol", "ul"])) for li in page.find_all("li")), default=0)


def test_the_summary_pdf_of_110_nested_sub_points_prints_them_all_in_order(deep, editor):
    response = editor.get(f"/meetings/{deep.meeting.id}/summary.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    printed = pdf_text(response.data)
    places = [printed.find(f"Podpunkt {level:03d}") for level in range(1, 111)]
    assert -1 not in places, [level for level, place in enumerate(places, 1) if place == -1]
    assert places == sorted(places)


def test_the_preview_nests_no_deeper_than_six_levels_and_keeps_the_order(deep, editor):
    response = editor.get(f"/meetings/{deep.meeting.id}/summary")
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    section = find(page, "ol.doc-entries")
    assert deepest_list_nesting(section) == MAX_ENTRY_DEPTH
    points = [str(li.contents[0]).strip() for li in section.select("ul li")]
    assert points == [f"Podpunkt {n:03d}" for n in range(1, 111)]


def test_the_compilation_of_a_meeting_with_110_nested_sub_points_is_printed(deep, editor):
    response = editor.get(f"/consultations/{deep.consultation.id}/summaries.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "Podpunkt 110" in pdf_text(response.data)


def test_publishing_a_meeting_with_110_nested_sub_points_makes_version_1(deep, editor):
    from tests.test_publications import publish

    job = publish(editor, deep.meeting)
    assert job.status.value == "done", job.error


def test_the_board_projector_and_meeting_page_show_110_nested_sub_points(deep, editor):
    page = board_page(editor, deep)
    assert max(levels_shown(page, deep.topic_section)) == MAX_ENTRY_DEPTH
    lines = outline(page, deep.topic_section)
    assert [line.strip("– ") for line in lines[1:]] == [f"Podpunkt {n:03d}" for n in range(1, 111)]
    for url in (f"{deep.url}/projector", deep.url,
                f"{deep.url}/entries/{deep.deep[-1]}", f"{deep.url}/entries/{deep.deep[-1]}/move"):
        response = editor.get(url)
        assert response.status_code == 200, url
        assert deepest_list_nesting(html(response)) <= MAX_ENTRY_DEPTH + 1, url  # the move form: +1 list


def test_the_deep_points_can_still_be_moved_up_and_out_but_not_further_in(deep, editor):
    deepest, above = deep.deep[-1], deep.deep[-2]
    before = everything()
    response = hx(editor, f"{deep.url}/entries/{deepest}/indent")  # it has nothing above it
    assert response.status_code == 422
    response = hx(editor, f"{deep.url}/board/entries",
                  add_form(deep.topic_section, "Jeszcze głębiej", parent_id=above, client_key="k-deep"))
    assert response.status_code == 422
    assert message(response) == LIMIT
    assert everything() == before
    assert hx(editor, f"{deep.url}/entries/{deepest}/outdent").status_code == 200
    db.session.expire_all()
    assert db.session.get(Entry, deepest).parent_id == deep.deep[-3]
    response = hx(editor, f"{deep.url}/entries/{deep.deep[50]}/move",
                  {"section_id": deep.plane_section.id, "position": "1"})
    assert response.status_code == 200
    page = board_page(editor, deep)
    assert outline(page, deep.plane_section)[0] == "1. Podpunkt 051"
    assert max(levels_shown(page, deep.plane_section)) == MAX_ENTRY_DEPTH


def test_the_export_of_a_deep_meeting_is_a_file_that_imports(deep, runner, tmp_path):
    out = tmp_path / "deep.json"
    result = runner.invoke(args=["meeting", "export", str(deep.meeting.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    interchange.validate(doc)
    result = runner.invoke(args=["meeting", "import", str(out)])
    assert result.exit_code == 0, result.output


# The interchange import ----------------------------------------------------------------------


def chain_text(levels: int, name: str = "Poziom") -> str:
    """The JSON text of one entry with ``levels`` levels of sub-points (built without
    recursion, whatever the depth)."""
    opening = [f'{{"kind": "idea", "text": "{name} 1"']
    opening += [f', "children": [{{"text": "{name} {level}"' for level in range(2, levels + 1)]
    return "".join(opening) + "}]" * (levels - 1) + "}"


def chain_doc(levels: int) -> dict:
    return json.loads(chain_text(levels))


def doc_with(*entries) -> dict:
    doc = copy.deepcopy(DEEP_DOC)
    doc["parts"][1]["sections"][0]["entries"] = list(entries)
    return doc


def path_of(level: int, entry: str = "$.parts[1].sections[0].entries[0]") -> str:
    return entry + ".children[0]" * (level - 1)


def write(tmp_path, text_: str) -> Path:
    path = tmp_path / "meeting.json"
    path.write_text(text_, encoding="utf-8")
    return path


def test_import_lists_every_point_below_the_sixth_level_with_its_path_and_writes_nothing(app, runner, tmp_path):
    too_deep = chain_doc(9)
    too_deep["children"][0]["children"].append({"text": "fine on level 3"})
    doc = doc_with(chain_doc(6), too_deep, chain_doc(7))
    doc["meeting"]["date"] = "2027-02-30"  # and a problem of another kind
    result = runner.invoke(args=["meeting", "import", str(write(tmp_path, json.dumps(doc)))])
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines()]
    assert f"{path_of(7, '$.parts[1].sections[0].entries[1]')}: more than 6 levels of sub-points" in lines
    assert f"{path_of(7, '$.parts[1].sections[0].entries[2]')}: more than 6 levels of sub-points" in lines
    assert not any("entries[0]" in line for line in lines)
    assert any(line.startswith("$.meeting.date:") for line in lines)
    assert "not imported, 3 problem(s)" in result.output
    assert (count(Meeting), count(Entry), count(Consultation)) == (0, 0, 0)


def test_six_levels_import_and_export_back_the_same(app):
    doc = doc_with(chain_doc(6))
    meeting = interchange.import_meeting(interchange.parse(json.dumps(doc)))
    db.session.commit()
    assert interchange.normalise(interchange.export_meeting(meeting)) == interchange.normalise(doc)
    # a sixth-level point may carry an empty list of sub-points
    doc["parts"][1]["sections"][0]["entries"][0]["children"][0]["children"][0]["children"][0][
        "children"][0]["children"][0]["children"] = []
    interchange.validate(doc)


@pytest.mark.parametrize("levels", [300, 5000])
def test_a_file_hundreds_or_thousands_of_levels_deep_is_refused_with_its_path(app, runner, tmp_path, levels):
    doc = json.dumps(doc_with("CHAIN")).replace('"CHAIN"', chain_text(levels))
    assert f"Poziom {levels}" in doc
    result = runner.invoke(args=["meeting", "import", str(write(tmp_path, doc))])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"{path_of(7)}: more than 6 levels of sub-points" in result.output
    assert "not imported, 1 problem(s)" in result.output
    assert (count(Meeting), count(Entry)) == (0, 0)


def test_the_import_command_refuses_a_5000_level_file_without_a_traceback(app, tmp_path):
    """As run from a shell (``flask --app consult meeting import FILE``)."""
    doc = json.dumps(doc_with("CHAIN")).replace('"CHAIN"', chain_text(5000))
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "CONSULT_INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "consult", "meeting", "import",
                           str(write(tmp_path, doc))], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{path_of(7)}: more than 6 levels of sub-points" in done.stderr
    db.session.expire_all()
    assert count(Meeting) == 0


def test_validating_a_document_thousands_of_levels_deep_lists_the_problem(app):
    entry = leaf = {"kind": "idea", "text": "Poziom 1"}
    for level in range(2, 5001):
        leaf["children"] = [{"text": f"Poziom {level}"}]
        leaf = leaf["children"][0]
    with pytest.raises(interchange.InvalidDocument) as refused:
        interchange.validate(doc_with(entry))
    assert [str(p) for p in refused.value.problems] == [f"{path_of(7)}: more than 6 levels of sub-points"]


def test_other_deep_nesting_is_refused_with_its_path(app, runner, tmp_path):
    doc = json.dumps(doc_with()).replace('"goal": "Zebranie opinii"', '"goal": ' + "[" * 5000 + "]" * 5000, 1)
    result = runner.invoke(args=["meeting", "import", str(write(tmp_path, doc))])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "$.meeting.goal" in result.output
    assert count(Meeting) == 0


def test_the_published_schema_allows_six_levels_of_sub_points_and_no_more():
    schema = json.loads((ROOT / "consult/meetings/schema/consult-meeting-1.schema.json").read_text("utf-8"))
    validator = Draft202012Validator(schema)
    assert validator.is_valid(doc_with(chain_doc(MAX_ENTRY_DEPTH)))
    assert not validator.is_valid(doc_with(chain_doc(MAX_ENTRY_DEPTH + 1)))
