"""What the app writes to disk — the instance folder, the SQLite database, the secret key,
mails of the outbox and backups (password hashes, NGO contacts) — only its own user reads:
folders 0700, files 0600, whatever the process umask."""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager

import flask_migrate
import pytest
import sqlalchemy as sa

from consult import create_app
from consult.extensions import db


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int):
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def open_umask():
    """A umask that takes nothing away: every mode must be set by the app itself."""
    with umask(0):
        yield


def test_create_app_on_sqlite_makes_a_private_instance(tmp_path, open_umask, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    database = instance / "consult.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "TESTING": True},
                     instance_path=str(instance))
    with app.app_context():
        try:
            flask_migrate.upgrade()
            with db.engine.connect() as conn:  # WAL: -wal and -shm exist while it is open
                conn.execute(sa.text('SELECT count(*) FROM "user"'))
                assert mode(instance) == 0o700
                assert mode(instance / "secret_key") == 0o600
                for name in ("consult.sqlite3", "consult.sqlite3-wal", "consult.sqlite3-shm"):
                    assert mode(instance / name) == 0o600, name
        finally:
            db.engine.dispose()


def test_an_instance_folder_open_to_others_is_closed(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    instance.chmod(0o755)
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True},
               instance_path=str(instance))
    assert mode(instance) == 0o700


def test_the_mail_outbox_is_private(app, open_umask):
    from pathlib import Path

    from consult.core import mail

    outbox = Path(app.instance_path) / "outbox"
    message = bytes(mail.compose("anna@example.org", "Potwierdzenie", "Dziękujemy."))
    mail.transmit("anna@example.org", message)
    assert mode(outbox) == 0o700
    assert [mode(path) for path in outbox.iterdir()] == [0o600]
    outbox.chmod(0o755)  # made by an older version, or by hand
    mail.transmit("anna@example.org", message)
    assert mode(outbox) == 0o700


@pytest.mark.parametrize("options", [(), ("--format", "json")], ids=["auto", "json"])
def test_backups_of_every_kind_are_private(runner, tmp_path, open_umask, make, options):
    make.user(email="admin@example.org")
    folder = tmp_path / "backups"
    folder.mkdir()
    made = runner.invoke(args=["backup", str(folder / "new.backup"), *options])
    assert made.exit_code == 0, made.output
    assert mode(folder / "new.backup") == 0o600
    # A file the admin names is overwritten, and private too whatever it was.
    named = folder / "named.backup"
    named.write_text("last week's notes")
    named.chmod(0o644)
    made = runner.invoke(args=["backup", str(named), *options])
    assert made.exit_code == 0, made.output
    assert mode(named) == 0o600
    assert named.read_bytes()[:2] != b"la"
    assert sorted(path.name for path in folder.iterdir()) == ["named.backup", "new.backup"]
    checked = runner.invoke(args=["restore", str(named), "--yes"])
    assert checked.exit_code == 0, checked.output


def test_a_failed_backup_leaves_the_named_file_as_it_was(runner, tmp_path, monkeypatch):
    from consult.core import backup

    def broken(path):
        path.write_text("half a backup")
        raise backup.BackupError("the disk is full")

    monkeypatch.setattr(backup, "_export", broken)
    folder = tmp_path / "backups"
    folder.mkdir()
    named = folder / "export.json.gz"
    named.write_bytes(b"yesterday's export")
    result = runner.invoke(args=["backup", str(named), "--format", "json"])
    assert result.exit_code != 0 and "the disk is full" in result.output
    assert named.read_bytes() == b"yesterday's export"
    assert [path.name for path in folder.iterdir()] == ["export.json.gz"]


def test_a_backup_into_a_missing_folder_says_so(runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "nowhere" / "consult.backup")])
    assert result.exit_code != 0 and "cannot write" in result.output
