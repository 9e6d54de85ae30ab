from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from consult.consultations import codes
from consult.consultations.models import InvalidTransition, Priority
from consult.core.enums import ConsultationStatus, EntryKind
from consult.extensions import db
from consult.meetings.models import Entry, Section
from consult.meetings.services import summary_tree


def test_status_transitions_refuse_invalid_moves(make):
    consultation = make.consultation()
    assert consultation.status == ConsultationStatus.DRAFT
    with pytest.raises(InvalidTransition):
        consultation.move_to(ConsultationStatus.REPORTED)
    consultation.move_to(ConsultationStatus.OPEN)
    consultation.move_to(ConsultationStatus.CLOSED)
    consultation.move_to(ConsultationStatus.OPEN)  # reopening a closed consultation is allowed
    consultation.move_to(ConsultationStatus.CLOSED)
    consultation.move_to(ConsultationStatus.REPORTED)
    with pytest.raises(InvalidTransition):
        consultation.move_to(ConsultationStatus.OPEN)


def test_submission_window(make):
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    consultation = make.consultation(status=ConsultationStatus.OPEN,
                                     submissions_open_at=now - timedelta(days=1),
                                     submissions_close_at=now + timedelta(days=1))
    assert consultation.accepts_submissions(now)
    assert not consultation.accepts_submissions(now + timedelta(days=2))
    assert not consultation.accepts_submissions(now - timedelta(days=2))
    consultation.move_to(ConsultationStatus.CLOSED)
    assert not consultation.accepts_submissions(now)


def test_datetimes_come_back_in_utc(make):
    opens = datetime(2026, 6, 1, 8, 30, tzinfo=timezone(timedelta(hours=2)))
    consultation = make.consultation(submissions_open_at=opens)
    db.session.expire_all()
    loaded = db.session.get(type(consultation), consultation.id)
    assert loaded.submissions_open_at == opens
    assert loaded.submissions_open_at.utcoffset() == timedelta(0)


def test_priority_code_validated_and_parent_derived(make):
    consultation = make.consultation()
    with pytest.raises(codes.InvalidCode):
        Priority(consultation=consultation, code="1.1", title="x")
    db.session.rollback()
    area = make.priority(consultation, "I", "Obszar I")
    child = make.priority(consultation, "I 1", "Cel")          # stored as I.1
    grandchild = make.priority(consultation, "I.1.1", "Działanie")
    orphan = make.priority(consultation, "III.2", "Bez rodzica w bazie")
    make.priority(consultation, "I.10", "Dziesiąty")
    make.priority(consultation, "II", "Obszar II")
    make.priority(consultation, "I.2", "Drugi")
    assert child.code == "I.1"
    assert grandchild.parent is child and child.parent is area and area.parent is None
    assert orphan.parent_code == "III" and orphan.parent is None
    assert [p.code for p in consultation.sorted_priorities] == [
        "I", "I.1", "I.1.1", "I.2", "I.10", "II", "III.2"]


def test_unique_plane_number_and_priority_code_in_the_database(make):
    consultation = make.consultation()
    make.plane(consultation, 1)
    with pytest.raises(IntegrityError):
        make.plane(consultation, 1)
    db.session.rollback()
    make.priority(consultation, "I.1")
    with pytest.raises(IntegrityError):
        make.priority(consultation, "I.1")
    db.session.rollback()
    make.plane(make.consultation(), 1)  # another consultation may use the same number


def test_section_has_exactly_one_subject(make):
    meeting = make.meeting()
    plane = make.plane(meeting.consultation, 1)
    section = make.section(meeting, plane=plane)
    section.topic = "a topic as well"
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    part = section.part
    db.session.add(Section(part=part, position=1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_foreign_keys_are_enforced(make):
    make.meeting()
    db.session.add(Entry(section_id=987654, kind=EntryKind.IDEA, text="x", position=0))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_entry_version_guards_concurrent_edits(app, make):
    section = make.section(make.meeting(), topic="Temat")
    entry = make.entry(section, "first text")
    assert entry.version == 1
    entry.text = "second text"
    db.session.commit()
    assert entry.version == 2
    # Another writer changed the row meanwhile: this session's save must not overwrite it.
    with db.engine.begin() as conn:
        conn.execute(sa.update(Entry).where(Entry.id == entry.id).values(text="theirs", version=3))
    entry.text = "mine"
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Entry, entry.id).text == "theirs"


def test_summary_tree_numbers_live_entries_and_nests_sub_points(make):
    section = make.section(make.meeting(), topic="Temat")
    first = make.entry(section, "one")
    gone = make.entry(section, "deleted")
    make.entry(section, "two")
    sub = make.entry(section, "one.a", parent=first)
    make.entry(section, "one.a.i", parent=sub)
    make.entry(section, "below the deleted one", parent=gone)
    gone.deleted_at = datetime.now(UTC)
    db.session.commit()
    [part] = summary_tree(section.part.meeting)
    [node] = part.sections
    assert [(n.number, n.entry.text) for n in node.entries] == [(1, "one"), (2, "two")]
    assert node.entries[0].children[0].entry.text == "one.a"
    assert node.entries[0].children[0].children[0].entry.text == "one.a.i"
    assert node.topic_number == 1
