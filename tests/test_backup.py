"""Backup and restore round-trip every consultation, meeting, entry, remark and publication."""

from __future__ import annotations

import pytest
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
    from consult.remarks.models import Remark, Submission

    with db.engine.begin() as conn:
        conn.execute(sa.delete(Remark.__table__))
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
    asked = runner.invoke(args=["restore", str(path)], input="y\n")  # refused before asking
    assert asked.exit_code != 0 and "is not a consult backup" in asked.output
    assert "replaced by the backup" not in asked.output


# Restore refuses a backup whose schema is not what the migrations make ---------------------

def small_world(make):
    """A few rows of the tables a crafted backup plays with (faster than build_world)."""
    from consult.core.enums import Role

    admin = make.user(Role.ADMIN, email="admin@example.org")
    facilitator = make.user(Role.FACILITATOR, email="facilitator@example.org")
    consultation = make.consultation(title="Konsultacje Pierwsze", facilitators=[facilitator])
    section = make.section(make.meeting(consultation), heading="Opinie", topic="Temat")
    make.entry(section, "Wpis")
    return admin, facilitator


def live_schema() -> set[tuple]:
    """What a crafted backup could add to the live database: its tables, indexes, triggers,
    views and functions, with their definitions, and its schema revision."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(sa.text(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "UNION ALL SELECT 'revision', version_num, '', '' FROM alembic_version"))
        else:
            rows = conn.execute(sa.text(
                "SELECT 'class', relname, relkind::text, '' FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                "UNION ALL SELECT 'trigger', tgname, tgrelid::regclass::text, '' FROM pg_trigger "
                "WHERE NOT tgisinternal "
                "UNION ALL SELECT 'function', proname, '', prosrc FROM pg_proc p JOIN pg_namespace n "
                "ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
                "UNION ALL SELECT 'column', table_name, column_name, '' FROM information_schema.columns "
                "WHERE table_schema = 'public' "
                "UNION ALL SELECT 'revision', version_num, '', '' FROM alembic_version "
                "UNION ALL SELECT 'large object', oid::text, '', '' FROM pg_largeobject_metadata"))
        return {tuple(row) for row in rows}


def make_backup(runner, path, *options):
    made = runner.invoke(args=["backup", str(path), *options])
    assert made.exit_code == 0, made.output
    return path


def assert_refused(runner, path, *reasons) -> str:
    """Restoring ``path`` is refused, the output says each reason, and nothing changed."""
    rows, schema = everything(), live_schema()
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0, result.output
    for reason in reasons:
        assert reason in result.output, result.output
    db.session.remove()
    assert everything() == rows
    assert live_schema() == schema
    return result.output


def sqlite_only():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("an SQLite backup (the tests run on PostgreSQL: see the pg_dump tests)")


def postgres_with_pg_dump():
    import shutil

    if db.engine.dialect.name != "postgresql":
        pytest.skip("a pg_dump backup (the tests run on SQLite: see the SQLite tests)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")


def craft_sqlite(path, *statements, writable_schema=False):
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        if writable_schema:
            conn.execute("PRAGMA writable_schema=ON")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


PROMOTE = ("CREATE TRIGGER promote AFTER INSERT ON submission "
           "BEGIN UPDATE \"user\" SET role = 'admin'; END")

SQLITE_CRAFTS = {
    "a trigger that makes everyone an admin on the next submission": (
        [PROMOTE], ["the backup has a trigger promote", "the migrations do not make"]),
    "a foreign schema revision": (
        ["UPDATE alembic_version SET version_num = 'f0e1d2c3b4a5'"],
        ["schema revision f0e1d2c3b4a5", "the migrations do not know"]),
    "no schema revision": (["DROP TABLE alembic_version"], ["has no schema revision"]),
    "two schema revisions": (["INSERT INTO alembic_version VALUES ('f0e1d2c3b4a5')"],
                             ["2 schema revisions"]),
    "a view": (["CREATE VIEW contacts AS SELECT email, password_hash FROM \"user\""],
               ["the backup has a view contacts"]),
    "an index": (["CREATE INDEX ix_user_role ON \"user\" (role)"],
                 ["the backup has an index ix_user_role"]),
    "an index fewer": (["DROP INDEX ix_revision_user_id"],
                       ["the backup lacks the index ix_revision_user_id"]),
    "an altered table": (["ALTER TABLE \"user\" ADD COLUMN note TEXT"],
                         ["the table user differs from what the migrations make"]),
    "a table more": (["CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"],
                     ["the backup has a table notes"]),
}


@pytest.mark.parametrize("craft", list(SQLITE_CRAFTS))
def test_restore_refuses_a_crafted_sqlite_backup(runner, tmp_path, make, craft):
    sqlite_only()
    small_world(make)
    path = make_backup(runner, tmp_path / "consult.backup")
    statements, reasons = SQLITE_CRAFTS[craft]
    craft_sqlite(path, *statements)
    assert_refused(runner, path, *reasons)


def test_restore_refuses_a_trigger_hidden_under_an_internal_name(runner, tmp_path, make):
    """Names beginning with sqlite_ are SQLite's own, but a file can be written with any:
    only SQLite's statistics tables are left out of the comparison."""
    import shutil
    import sqlite3

    sqlite_only()
    small_world(make)
    path = make_backup(runner, tmp_path / "consult.backup")
    sql = ("CREATE TRIGGER sqlite_promote AFTER UPDATE ON consultation "
           "BEGIN UPDATE \"user\" SET role = 'admin'; END")
    quoted = sql.replace("'", "''")
    craft_sqlite(path, "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES "
                       f"('trigger', 'sqlite_promote', 'consultation', 0, '{quoted}')",
                 writable_schema=True)
    trial = tmp_path / "trial" / "copy.sqlite3"
    trial.parent.mkdir()
    shutil.copy(path, trial)
    conn = sqlite3.connect(trial)  # SQLite itself runs it as a trigger of the file
    try:
        conn.execute("UPDATE consultation SET title = title")
        assert {role for (role,) in conn.execute('SELECT role FROM "user"')} == {"admin"}
    finally:
        conn.close()
    assert_refused(runner, path, "the backup has a trigger sqlite_promote")


def test_restore_refuses_a_damaged_sqlite_backup(runner, tmp_path, make):
    sqlite_only()
    small_world(make)
    path = make_backup(runner, tmp_path / "consult.backup")
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for number in range(1, len(data) // page):  # every page but the first (the schema's)
        data[number * page + 8: number * page + 24] = b"\xff" * 16
    path.write_bytes(bytes(data))
    output = assert_refused(runner, path)
    assert "is damaged" in output or "is not a readable SQLite database" in output


def test_restore_refuses_when_the_database_is_not_at_the_migrations_head(runner, tmp_path, make):
    small_world(make)
    path = make_backup(runner, tmp_path / "consult.backup")
    with db.engine.begin() as conn:
        head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '37722f846c15'"))
    try:
        assert_refused(runner, path, "db upgrade")
    finally:
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :head"), {"head": head})


def assert_restores(runner, path) -> None:
    """A change after the backup, then the restore: everything is as it was backed up."""
    before = everything()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM entry"))
    back = runner.invoke(args=["restore", str(path), "--yes"])
    assert back.exit_code == 0, back.output
    db.session.remove()
    assert everything() == before


def test_a_genuine_sqlite_backup_is_checked_and_restored(runner, tmp_path, make):
    sqlite_only()
    small_world(make)
    (tmp_path / "backups").mkdir()
    path = make_backup(runner, tmp_path / "backups" / "consult.backup")
    assert_restores(runner, path)
    # Read as it is: no -wal or -shm file left beside it.
    assert [p.name for p in path.parent.iterdir()] == ["consult.backup"]


def test_restore_asks_only_about_a_backup_it_would_restore(runner, tmp_path, make):
    sqlite_or_pg = make_backup(runner, tmp_path / "consult.backup")
    small_world(make)
    rows = everything()
    asked = runner.invoke(args=["restore", str(sqlite_or_pg)], input="n\n")
    assert asked.exit_code != 0 and "replaced by the backup" in asked.output
    assert everything() == rows  # answered no: nothing replaced
    if db.engine.dialect.name == "sqlite":
        craft_sqlite(sqlite_or_pg, PROMOTE)
        refused = runner.invoke(args=["restore", str(sqlite_or_pg)], input="y\n")
        assert refused.exit_code != 0 and "trigger promote" in refused.output
        assert "replaced by the backup" not in refused.output  # refused before asking


# pg_dump backups: crafted by changing the live database, dumping it, and changing it back.

PG_CRAFTS = {
    "a trigger that makes everyone an admin on the next submission": (
        ["CREATE FUNCTION promote() RETURNS trigger LANGUAGE plpgsql AS "
         "$$ BEGIN UPDATE \"user\" SET role = 'admin'; RETURN NEW; END $$",
         "CREATE TRIGGER promote AFTER INSERT ON submission FOR EACH ROW EXECUTE FUNCTION promote()"],
        ["DROP TRIGGER promote ON submission", "DROP FUNCTION promote()"],
        ["the backup has a FUNCTION promote()", "the backup has a TRIGGER submission promote",
         "that the database does not have"]),
    "a foreign schema revision": (
        ["UPDATE alembic_version SET version_num = 'f0e1d2c3b4a5'"], None,
        ["schema revision f0e1d2c3b4a5", "the migrations do not know"]),
    "a view": (
        ["CREATE VIEW contacts AS SELECT email, password_hash FROM \"user\""],
        ["DROP VIEW contacts"], ["the backup has a VIEW contacts"]),
    "an index": (
        ["CREATE INDEX ix_user_role ON \"user\" (role)"], ["DROP INDEX ix_user_role"],
        ["the backup has an INDEX ix_user_role"]),
    "an altered table": (
        ["ALTER TABLE \"user\" ADD COLUMN note text"], ["ALTER TABLE \"user\" DROP COLUMN note"],
        ["the TABLE user differs from the database's"]),
    "a large object": (
        ["SELECT lo_from_bytea(0, '\\x00'::bytea)"],
        ["SELECT lo_unlink(oid) FROM pg_largeobject_metadata"],
        ["the backup has a BLOB"]),
}


@pytest.mark.parametrize("craft", list(PG_CRAFTS))
def test_restore_refuses_a_crafted_pg_dump_backup(runner, tmp_path, make, craft):
    postgres_with_pg_dump()
    small_world(make)
    changes, undo, reasons = PG_CRAFTS[craft]
    with db.engine.begin() as conn:
        head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    db.session.remove()
    try:
        with db.engine.begin() as conn:
            for statement in changes:
                conn.execute(sa.text(statement))
        path = make_backup(runner, tmp_path / "consult.dump")
    finally:
        with db.engine.begin() as conn:
            for statement in undo or []:
                conn.execute(sa.text(statement))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    assert_refused(runner, path, *reasons)


def test_a_genuine_pg_dump_backup_is_checked_and_restored(runner, tmp_path, make):
    postgres_with_pg_dump()
    small_world(make)
    path = make_backup(runner, tmp_path / "consult.dump")
    assert_restores(runner, path)


def test_without_pg_restore_a_pg_dump_backup_is_refused_saying_so(runner, tmp_path, make, monkeypatch):
    from consult.core import backup

    postgres_with_pg_dump()
    small_world(make)
    path = make_backup(runner, tmp_path / "consult.dump")
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    assert_refused(runner, path, "pg_dump and pg_restore are not installed")


# The full export ---------------------------------------------------------------------------

def rewrite_export(path, change) -> None:
    import gzip
    import json

    with gzip.open(path, "rt", encoding="utf-8") as fh:
        document = json.load(fh)
    change(document)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(document, fh)


def _unknown_table(document):
    document["tables"]["notes"] = [{"id": 1, "body": "x"}]


def _unknown_column(document):
    document["tables"]["user"][0]["is_superuser"] = True


def _missing_column(document):
    del document["tables"]["user"][0]["role"]


def _missing_table(document):
    del document["tables"]["entry"]


def _foreign_revision(document):
    document["revision"] = "f0e1d2c3b4a5"


def _bad_value(document):
    document["tables"]["user"][0]["created_at"] = 12


EXPORT_CRAFTS = {
    "a table the schema does not have": (_unknown_table, ["the export has a table notes"]),
    "a column the table does not have": (
        _unknown_column, ["table user", "has a column is_superuser that the table does not have"]),
    "a row without a column": (_missing_column, ["table user", "lacks the column role"]),
    "a table missing": (_missing_table, ["the export lacks the table entry"]),
    "a foreign revision": (_foreign_revision, ["schema revision f0e1d2c3b4a5"]),
    "a value of the wrong type": (_bad_value, ["could not be restored", "nothing was changed"]),
}


@pytest.mark.parametrize("craft", list(EXPORT_CRAFTS))
def test_restore_refuses_a_crafted_export(runner, tmp_path, make, craft):
    small_world(make)
    path = make_backup(runner, tmp_path / "export.json.gz", "--format", "json")
    change, reasons = EXPORT_CRAFTS[craft]
    rewrite_export(path, change)
    assert_refused(runner, path, *reasons)
