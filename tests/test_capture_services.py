"""The capture board's services: what each change does to the entries, the meeting's
revision and the revision log, called directly (one call, then commit, like a request)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from consult.capture import services
from consult.core.enums import EntryKind
from consult.core.errors import ServiceError
from consult.core.models import Revision
from consult.extensions import db
from consult.meetings.models import Entry, Meeting, Part, Section
from tests.pages import count


@pytest.fixture
def board(make, facilitator):
    """A meeting with a plane, a priority and a topic section (one part each), and another
    meeting of another consultation with an entry of its own."""
    consultation = make.consultation(facilitators=[facilitator])
    plane = make.plane(consultation, 1, "Tworzenie polityk publicznych")
    priority = make.priority(consultation, "I.1", "Dostęp do kultury")
    meeting = make.meeting(consultation)
    other_consultation = make.consultation()
    other_meeting = make.meeting(other_consultation, title="Inne spotkanie")
    other_section = make.section(other_meeting, topic="Cudzy temat")
    return SimpleNamespace(
        meeting=meeting, user=facilitator, consultation=consultation,
        plane=make.section(meeting, heading="Płaszczyzny", plane=plane, label="Wnioski"),
        priority=make.section(meeting, heading="Priorytety", priority=priority),
        topic=make.section(meeting, heading="Nowe pomysły", topic="Pomysły na współpracę"),
        other_meeting=other_meeting, other_section=other_section,
        other_entry=make.entry(other_section, "Cudzy wpis"),
        other_plane=make.plane(other_consultation, 1, "Cudza płaszczyzna"),
        other_priority=make.priority(other_consultation, "I.1", "Cudzy priorytet"),
    )


def call(operation, board, *args, **kwargs) -> services.Change:
    """One service call as one request makes it: the call, then the commit."""
    change = operation(board.meeting, board.user, *args, **kwargs)
    db.session.commit()
    return change


def refused(operation, board, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        operation(board.meeting, board.user, *args, **kwargs)
    db.session.rollback()
    return caught.value


def add(board, section, text, **kwargs) -> Entry:
    return call(services.add_entry, board, section.id, text, **kwargs).entry


def revision(meeting) -> int:
    return services.current_revision(meeting.id)


def outline(section) -> list[str]:
    """The live entries of a section as the board numbers them ("2.1" is the first
    sub-point of entry 2), from the database."""
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Entry).where(Entry.section_id == section.id,
                                                     Entry.deleted_at.is_(None))
                              .order_by(Entry.position, Entry.id)).all()
    lines = []

    def walk(parent_id, prefix):
        for number, entry in enumerate([e for e in rows if e.parent_id == parent_id], start=1):
            lines.append(f"{prefix}{number} {entry.text}")
            walk(entry.id, f"{prefix}{number}.")

    walk(None, "")
    return lines


def assert_positions_contiguous() -> None:
    """In every list of siblings (deleted ones included) the positions are 0, 1, 2, …"""
    db.session.expire_all()
    groups: dict[tuple, list[int]] = {}
    for entry in db.session.scalars(sa.select(Entry)):
        groups.setdefault((entry.section_id, entry.parent_id), []).append(entry.position)
    for key, positions in groups.items():
        assert sorted(positions) == list(range(len(positions))), key


def all_rows() -> list[tuple]:
    db.session.expire_all()
    entries = [(e.id, e.section_id, e.parent_id, e.position, e.kind, e.text, e.deleted_at, e.version)
               for e in db.session.scalars(sa.select(Entry).order_by(Entry.id))]
    sections = [(s.id, s.part_id, s.plane_id, s.priority_id, s.topic, s.label, s.position)
                for s in db.session.scalars(sa.select(Section).order_by(Section.id))]
    parts = [(p.id, p.meeting_id, p.heading, p.position)
             for p in db.session.scalars(sa.select(Part).order_by(Part.id))]
    meetings = [(m.id, m.revision, m.meta_rev, m.active_section_id)
                for m in db.session.scalars(sa.select(Meeting).order_by(Meeting.id))]
    return [entries, sections, parts, meetings, count(Revision)]


# Adding ----------------------------------------------------------------------------------


def test_a_plane_section_defaults_to_conclusion_and_priorities_and_topics_to_idea(board):
    assert add(board, board.plane, "Wniosek").kind == EntryKind.CONCLUSION
    assert add(board, board.priority, "Pomysł na priorytet").kind == EntryKind.IDEA
    assert add(board, board.topic, "Pomysł na temat").kind == EntryKind.IDEA
    assert add(board, board.plane, "Słabość", kind="weakness").kind == EntryKind.WEAKNESS
    assert add(board, board.topic, "Mocna", kind="strength").kind == EntryKind.STRENGTH
    assert outline(board.plane) == ["1 Wniosek", "2 Słabość"]


def test_entries_are_appended_and_sub_points_nest_to_any_depth(board):
    first = add(board, board.plane, "Pierwszy")
    add(board, board.plane, "Drugi")
    sub = add(board, board.plane, "Podpunkt", parent_id=str(first.id))
    add(board, board.plane, "Drugi podpunkt", parent_id=first.id)
    deeper = add(board, board.plane, "Głębiej", parent_id=sub.id, kind="")
    add(board, board.plane, "Trzeci")
    assert outline(board.plane) == ["1 Pierwszy", "1.1 Podpunkt", "1.1.1 Głębiej", "1.2 Drugi podpunkt",
                                    "2 Drugi", "3 Trzeci"]
    assert (deeper.parent_id, db.session.get(Entry, deeper.parent_id).parent_id) == (sub.id, first.id)
    # a sub-point without a kind of its own takes its entry's
    assert deeper.kind == first.kind == EntryKind.CONCLUSION
    assert_positions_contiguous()


def test_text_is_stored_trimmed_without_nul_and_with_plain_line_breaks(board):
    entry = add(board, board.topic, "  Pierwsza linia\r\nDruga\x00 linia \n")
    assert entry.text == "Pierwsza linia\nDruga linia"
    assert len(add(board, board.topic, "x" * 5000).text) == 5000


@pytest.mark.parametrize("text, message", [
    ("", "Wpisz treść wpisu."),
    ("   \r\n\t ", "Wpisz treść wpisu."),
    ("\x00\x00", "Wpisz treść wpisu."),
    (None, "Wpisz treść wpisu."),
    ("x" * 5001, "Wpis może mieć najwyżej 5000 znaków (ten ma 5001)."),
])
def test_an_entry_without_text_or_too_long_is_refused(board, text, message):
    before = all_rows()
    error = refused(services.add_entry, board, board.topic.id, text)
    assert (error.message, error.status) == (message, 422)
    assert all_rows() == before


def test_a_repeated_client_key_returns_the_entry_made_the_first_time(board):
    first = call(services.add_entry, board, board.topic.id, "Raz", client_key="k-1").entry
    again = call(services.add_entry, board, board.topic.id, "Raz", client_key="k-1").entry
    assert again.id == first.id
    assert outline(board.topic) == ["1 Raz"]
    assert count(Entry) == 2  # with the other meeting's
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Revision)
                             .where(Revision.action == "create")) == 1


def test_a_client_key_of_another_meeting_is_not_this_meetings_entry(board):
    board.other_entry.client_key = "k-other"
    db.session.commit()
    before = all_rows()
    error = refused(services.add_entry, board, board.topic.id, "Tekst", client_key="k-other")
    assert error.status == 404
    assert all_rows() == before


@pytest.mark.parametrize("field, value, message", [
    ("section_id", "abc", "Wybierz sekcję tego spotkania."),
    ("section_id", "", "Wybierz sekcję tego spotkania."),
    ("section_id", "other", "Wybierz sekcję tego spotkania."),
    ("parent_id", "abc", "Tego wpisu nie ma w tym spotkaniu."),
    ("parent_id", "other", "Tego wpisu nie ma w tym spotkaniu (albo został usunięty)."),
    ("parent_id", "elsewhere", "Podpunkt musi być w tej samej sekcji co jego wpis."),
    ("kind", "opinion", "Wybierz: mocna strona, słaba strona, wniosek lub pomysł."),
])
def test_adding_with_ids_of_elsewhere_or_an_unknown_kind_is_refused(board, field, value, message):
    elsewhere = add(board, board.plane, "W innej sekcji")
    values = {"section_id": board.topic.id, "parent_id": None, "kind": None}
    values[field] = {"other": board.other_section.id if field == "section_id" else board.other_entry.id,
                     "elsewhere": elsewhere.id}.get(value, value)
    before = all_rows()
    error = refused(services.add_entry, board, values["section_id"], "Tekst", values["kind"],
                    values["parent_id"])
    assert error.message == message
    assert all_rows() == before


# Editing ---------------------------------------------------------------------------------


def test_an_edit_from_a_stale_version_raises_a_conflict_and_changes_nothing(board):
    entry = add(board, board.topic, "Pierwotny")
    stale = entry.version  # A and B both opened the editor at this version
    call(services.edit_entry, board, entry.id, "Poprawiony przez A", stale)
    before = all_rows()
    with pytest.raises(services.Conflict) as caught:
        services.edit_entry(board.meeting, board.user, entry.id, "Poprawiony przez B", stale)
    db.session.rollback()
    assert caught.value.mine == "Poprawiony przez B"
    assert caught.value.entry.text == "Poprawiony przez A"
    assert all_rows() == before


def test_the_same_text_from_a_stale_version_is_no_conflict_and_no_change(board):
    entry = add(board, board.topic, "Pierwotny")
    stale = entry.version
    call(services.edit_entry, board, entry.id, "Wspólny tekst", entry.version)
    revisions = count(Revision)
    change = call(services.edit_entry, board, entry.id, "  Wspólny tekst ", stale)
    assert change.entry.text == "Wspólny tekst"
    assert count(Revision) == revisions


def test_changing_the_kind_to_the_same_kind_writes_nothing(board):
    entry = add(board, board.plane, "Wniosek")
    revisions = count(Revision)
    call(services.set_kind, board, entry.id, "conclusion")
    assert count(Revision) == revisions
    for kind in ("", None, "opinion"):
        assert refused(services.set_kind, board, entry.id, kind).message == \
            "Wybierz: mocna strona, słaba strona, wniosek lub pomysł."


# Every change: one revision of the meeting, one revision row -----------------------------


def _operations(board):
    """(action, run, entry to inspect): each a real change of the board."""
    a = add(board, board.plane, "A")
    b = add(board, board.plane, "B")
    c = add(board, board.plane, "C", parent_id=a.id)
    d = add(board, board.plane, "D")
    return [
        ("edit", lambda: call(services.edit_entry, board, a.id, "A poprawione", a.version), a),
        ("kind", lambda: call(services.set_kind, board, b.id, "strength"), b),
        ("move", lambda: call(services.move_entry, board, b.id, direction="up"), b),
        ("move", lambda: call(services.move_entry, board, b.id, section_id=board.topic.id, position=1), b),
        ("indent", lambda: call(services.indent_entry, board, d.id), d),
        ("outdent", lambda: call(services.outdent_entry, board, d.id), d),
        ("outdent", lambda: call(services.outdent_entry, board, c.id), c),
        ("delete", lambda: call(services.delete_entry, board, c.id), c),
        ("restore", lambda: call(services.restore_entry, board, c.id), c),
        ("create", lambda: call(services.add_entry, board, board.priority.id, "Nowy"), None),
    ]


def test_every_change_bumps_the_revision_once_and_writes_one_entry_revision(board):
    operations = _operations(board)
    for action, run, entry in operations:
        revision_before = revision(board.meeting)
        rows_before = db.session.scalar(sa.select(sa.func.max(Revision.id)))
        change = run()
        entry = entry or change.entry
        assert revision(board.meeting) == revision_before + 1 == change.revision, action
        new = db.session.scalars(sa.select(Revision).where(Revision.id > rows_before)).all()
        assert [(r.object_type, r.object_id, r.action, r.user_id) for r in new] == [
            ("entry", entry.id, action, board.user.id)], action
        [row] = new
        db.session.refresh(entry)
        assert row.after == {"text": entry.text, "kind": entry.kind.value, "section_id": entry.section_id,
                             "parent_id": entry.parent_id, "position": entry.position,
                             "deleted_at": entry.deleted_at.isoformat() if entry.deleted_at else None}
        assert (row.before is None) == (action == "create"), action
        if row.before is not None:
            assert row.before != row.after, action
        # what the change touched carries its revision: a reader of the revision before sees it
        for section_id in change.sections:
            assert db.session.get(Section, section_id).changed_rev == change.revision, action
    assert_positions_contiguous()


def test_the_revision_log_keeps_before_and_after_of_each_change(board):
    entry = add(board, board.plane, "Przed")
    call(services.edit_entry, board, entry.id, "Po", entry.version)
    call(services.set_kind, board, entry.id, "weakness")
    call(services.delete_entry, board, entry.id)
    _entry, revisions = services.history(board.meeting, entry.id)
    assert [r.action for r in revisions] == ["delete", "kind", "edit", "create"]  # newest first
    delete, kind, edit, create = revisions
    assert (create.before, create.after["text"]) == (None, "Przed")
    assert (edit.before["text"], edit.after["text"]) == ("Przed", "Po")
    assert (kind.before["kind"], kind.after["kind"]) == ("conclusion", "weakness")
    assert delete.before["deleted_at"] is None and delete.after["deleted_at"] is not None


# Moving ----------------------------------------------------------------------------------


def test_up_and_down_swap_with_the_neighbour_and_refuse_at_the_edges(board):
    a, b, c = (add(board, board.topic, t) for t in "ABC")
    call(services.move_entry, board, c.id, direction="up")
    assert outline(board.topic) == ["1 A", "2 C", "3 B"]
    call(services.move_entry, board, a.id, direction="down")
    assert outline(board.topic) == ["1 C", "2 A", "3 B"]
    before = all_rows()
    assert refused(services.move_entry, board, c.id, direction="up").message == "Wpis jest już pierwszy."
    assert refused(services.move_entry, board, b.id, direction="down").message == "Wpis jest już ostatni."
    assert refused(services.move_entry, board, b.id, direction="left").message == \
        "Przesuń w górę lub w dół."
    assert all_rows() == before
    assert_positions_contiguous()


def test_numbers_count_live_entries_only_and_deleted_ones_keep_their_place(board):
    a, b, c, d = (add(board, board.topic, t) for t in "ABCD")
    call(services.delete_entry, board, b.id)
    assert outline(board.topic) == ["1 A", "2 C", "3 D"]
    call(services.move_entry, board, d.id, section_id=board.topic.id, position=2)
    assert outline(board.topic) == ["1 A", "2 D", "3 C"]
    call(services.move_entry, board, a.id, direction="down")  # past the deleted B
    assert outline(board.topic) == ["1 D", "2 A", "3 C"]
    call(services.restore_entry, board, b.id)
    assert "B" in [line.split(" ", 1)[1] for line in outline(board.topic)]
    assert_positions_contiguous()


def test_a_move_to_another_section_takes_the_sub_points_along_at_the_given_number(board):
    a = add(board, board.plane, "A")
    sub = add(board, board.plane, "A.1", parent_id=a.id)
    subsub = add(board, board.plane, "A.1.1", parent_id=sub.id)
    add(board, board.plane, "B")
    add(board, board.plane, "C")
    x, y = add(board, board.topic, "X"), add(board, board.topic, "Y")
    call(services.move_entry, board, a.id, section_id=str(board.topic.id), position="2")
    assert outline(board.plane) == ["1 B", "2 C"]
    assert outline(board.topic) == ["1 X", "2 A", "2.1 A.1", "2.1.1 A.1.1", "3 Y"]
    db.session.expire_all()
    assert {db.session.get(Entry, e.id).section_id for e in (a, sub, subsub, x, y)} == {board.topic.id}
    assert_positions_contiguous()
    # a sub-point moved elsewhere becomes an entry there; one more than the count puts it last
    call(services.move_entry, board, subsub.id, section_id=board.priority.id, position=1)
    call(services.move_entry, board, sub.id, section_id=board.priority.id, position=2)
    assert outline(board.priority) == ["1 A.1.1", "2 A.1"]
    assert outline(board.topic) == ["1 X", "2 A", "3 Y"]
    assert_positions_contiguous()


@pytest.mark.parametrize("position, message", [
    (0, "Nie ma tu miejsca 0: wybierz od 1 do 3."),
    ("4", "Nie ma tu miejsca 4: wybierz od 1 do 3."),
    (-1, "Nie ma tu miejsca -1: wybierz od 1 do 3."),
    ("abc", "Podaj nowy numer wpisu."),
    ("", "Podaj nowy numer wpisu."),
    (None, "Podaj nowy numer wpisu."),
    ("1.5", "Podaj nowy numer wpisu."),
])
def test_a_move_to_a_place_that_does_not_exist_is_refused(board, position, message):
    entries = [add(board, board.topic, t) for t in "ABC"]
    before = all_rows()
    error = refused(services.move_entry, board, entries[0].id, section_id=board.topic.id,
                    position=position)
    assert (error.message, error.status) == (message, 422)
    assert all_rows() == before


def test_in_another_section_the_last_place_is_one_more_than_its_entries(board):
    entry = add(board, board.topic, "A")
    add(board, board.plane, "P")
    error = refused(services.move_entry, board, entry.id, section_id=board.plane.id, position=3)
    assert error.message == "Nie ma tu miejsca 3: wybierz od 1 do 2."
    call(services.move_entry, board, entry.id, section_id=board.plane.id, position=2)
    assert outline(board.plane) == ["1 P", "2 A"]


# Sub-points ------------------------------------------------------------------------------


def test_indent_makes_the_entry_the_last_sub_point_of_the_one_above(board):
    a = add(board, board.topic, "A")
    add(board, board.topic, "A.1", parent_id=a.id)
    b = add(board, board.topic, "B")
    add(board, board.topic, "B.1", parent_id=b.id)
    add(board, board.topic, "C")
    call(services.indent_entry, board, b.id)
    assert outline(board.topic) == ["1 A", "1.1 A.1", "1.2 B", "1.2.1 B.1", "2 C"]
    assert_positions_contiguous()
    before = all_rows()
    assert refused(services.indent_entry, board, a.id).message == \
        "Pierwszy wpis nie może stać się podpunktem: nie ma nic nad nim."
    assert all_rows() == before


def test_outdent_puts_the_sub_point_right_after_its_former_parent(board):
    a = add(board, board.topic, "A")
    first = add(board, board.topic, "A.1", parent_id=a.id)
    add(board, board.topic, "A.2", parent_id=a.id)
    add(board, board.topic, "B")
    call(services.outdent_entry, board, first.id)
    assert outline(board.topic) == ["1 A", "1.1 A.2", "2 A.1", "3 B"]
    assert_positions_contiguous()
    before = all_rows()
    assert refused(services.outdent_entry, board, a.id).message == \
        "Ten wpis jest już na najwyższym poziomie."
    assert all_rows() == before


# Ids of another meeting ------------------------------------------------------------------


@pytest.mark.parametrize("operation, kwargs", [
    (services.edit_entry, {"text": "Przejęty", "version": 1}),
    (services.set_kind, {"kind": "weakness"}),
    (services.delete_entry, {}),
    (services.restore_entry, {}),
    (services.move_entry, {"direction": "up"}),
    (services.indent_entry, {}),
    (services.outdent_entry, {}),
])
def test_an_entry_of_another_meeting_is_not_found_and_nothing_changes(board, operation, kwargs):
    add(board, board.topic, "Mój")
    before = all_rows()
    error = refused(operation, board, board.other_entry.id, **kwargs)
    assert error.status == 404
    assert error.message.startswith("Tego wpisu nie ma w tym spotkaniu")
    assert all_rows() == before


def test_an_entry_cannot_be_moved_into_a_section_of_another_meeting(board):
    entry = add(board, board.topic, "Mój")
    before = all_rows()
    error = refused(services.move_entry, board, entry.id, section_id=board.other_section.id, position=1)
    assert (error.message, error.status) == ("Wybierz sekcję tego spotkania.", 404)
    assert all_rows() == before


def test_a_deleted_entry_can_only_be_restored_or_read(board):
    entry = add(board, board.topic, "Usunięty")
    call(services.delete_entry, board, entry.id)
    before = all_rows()
    for operation, kwargs in [(services.edit_entry, {"text": "x", "version": entry.version + 1}),
                              (services.delete_entry, {}), (services.indent_entry, {})]:
        assert refused(operation, board, entry.id, **kwargs).status == 404
    assert all_rows() == before
    assert services.history(board.meeting, entry.id)[0].id == entry.id


# Parts and sections ----------------------------------------------------------------------


def test_sections_about_a_plane_a_priority_and_a_topic_are_added_in_order(board):
    part = call(services.add_part, board, "Nowa część", None)
    [part_id] = part.parts
    plane = board.plane.plane_id
    for kwargs in ({"plane_id": str(plane)}, {"priority_id": board.priority.priority_id},
                   {"topic": "Temat", "label": "Pomysły"}):
        call(services.add_section, board, str(part_id), **kwargs)
    db.session.expire_all()
    sections = db.session.get(Part, part_id).sections
    assert [(s.plane_id, s.priority_id, s.topic, s.label, s.position) for s in sections] == [
        (plane, None, None, None, 0), (None, board.priority.priority_id, None, None, 1),
        (None, None, "Temat", "Pomysły", 2)]
    assert revision(board.meeting) == 4


@pytest.mark.parametrize("kwargs, message", [
    ({}, "Wpisz temat albo wybierz na liście płaszczyznę lub priorytet."),
    ({"topic": "Temat", "plane_id": "own"},
     "Na liście wybrano płaszczyznę lub priorytet: zostaw temat pusty albo wybierz „Temat wpisany poniżej”."),
    ({"plane_id": "own", "priority_id": "own"},
     "Wybierz dokładnie jedno: płaszczyznę, priorytet albo temat."),
    ({"plane_id": "other"}, "Wybierz płaszczyznę tej konsultacji."),
    ({"priority_id": "other"}, "Wybierz priorytet tej konsultacji."),
    ({"plane_id": "abc"}, "Wybierz płaszczyznę tej konsultacji."),
    ({"part_id": "other", "topic": "Temat"}, "Wybierz część tego spotkania."),
    ({"part_id": "abc", "topic": "Temat"}, "Wybierz część tego spotkania."),
])
def test_a_section_needs_exactly_one_subject_of_this_consultation(board, kwargs, message):
    ids = {"plane_id": {"own": board.plane.plane_id, "other": board.other_plane.id},
           "priority_id": {"own": board.priority.priority_id, "other": board.other_priority.id},
           "part_id": {"other": board.other_section.part_id}}
    values = {name: ids.get(name, {}).get(value, value) for name, value in kwargs.items()}
    part_id = values.pop("part_id", board.topic.part_id)
    before = all_rows()
    assert refused(services.add_section, board, part_id, **values).message == message
    assert all_rows() == before


def test_focus_moves_the_active_section_and_refuses_a_section_of_another_meeting(board):
    services.set_active_section(board.meeting, board.topic.id)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Meeting, board.meeting.id).active_section_id == board.topic.id
    rev = revision(board.meeting)
    services.set_active_section(board.meeting, board.topic.id)  # already there: nothing to tell
    db.session.commit()
    assert revision(board.meeting) == rev
    with pytest.raises(ServiceError):
        services.set_active_section(board.meeting, board.other_section.id)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Meeting, board.meeting.id).active_section_id == board.topic.id
