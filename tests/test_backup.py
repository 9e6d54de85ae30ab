"""Backup and restore round-trip every consultation, meeting, entry, postulate and publication."""

from __future__ import annotations

import sqlalchemy as sa

from consult.extensions import db
from tests.test_access import build_world


def everything() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    db.session.expire_all()
    db.session.commit()
    found = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            found[table.name] = [tuple(row) for row in conn.execute(sa.select(table).order_by(*order))]
    return found


def spoil(world) -> None:
    """What a bad day does after the backup: things deleted, changed and added."""
    from consult.meetings.models import Entry
    from consult.postulates.models import Postulate, Submission

    with db.engine.begin() as conn:
        conn.execute(sa.delete(Postulate.__table__))
        conn.execute(sa.delete(Submission.__table__))
        conn.execute(sa.update(Entry.__table__).values(text="zepsute"))
    world.a.meeting.title = "Po awarii"
    db.session.commit()


def round_trip(runner, tmp_path, make, *options):
    world = build_world(make)
    before = everything()
    assert before["publication"] and before["postulate"] and before["entry"] and before["meeting"]
    path = tmp_path / "consult.backup"
    made = runner.invoke(args=["backup", str(path), *options])
    assert made.exit_code == 0, made.output
    spoil(world)
    assert everything() != before
    back = runner.invoke(args=["restore", str(path), "--yes"])
    assert back.exit_code == 0, back.output
    db.session.remove()
    assert everything() == before
    return made.output, world


def test_backup_and_restore_round_trip_everything(runner, tmp_path, make):
    output, _world = round_trip(runner, tmp_path, make)
    import shutil

    if db.engine.dialect.name == "sqlite":
        kind = "sqlite"
    else:  # without pg_dump installed, PostgreSQL gets the full export
        kind = "pg_dump" if shutil.which("pg_dump") else "json"
    assert f": {kind} backup" in output


def test_the_full_export_round_trips_everything_too(runner, tmp_path, make):
    assert ": json backup" in round_trip(runner, tmp_path, make, "--format", "json")[0]


def test_after_a_restore_new_rows_get_new_ids(runner, tmp_path, make, login_as):
    from consult.auth.models import User

    round_trip(runner, tmp_path, make, "--format", "json")
    admin = login_as(db.session.scalar(sa.select(User).where(User.email == "admin@example.org")))
    response = admin.submit("/consultations/new", {"title": "Nowe po odtworzeniu", "slug": ""})
    assert response.status_code == 303  # the id sequences continue after the restored rows


def test_restore_refuses_what_is_not_a_backup(runner, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a backup")
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0 and "is not a consult backup" in result.output
    asked = runner.invoke(args=["restore", str(path)], input="n\n")
    assert asked.exit_code != 0 and "replaced by the backup" in asked.output
