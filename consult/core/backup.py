"""Backup and restore of the whole database (``flask --app consult backup|restore FILE``).

- SQLite: SQLite's online backup (a consistent copy while the app runs), restored the same
  way into the live database.
- PostgreSQL: ``pg_dump --format=custom`` when it is installed (restored with
  ``pg_restore --clean`` in one transaction), else a full export.
- The full export (``--format json``, any database): every table of the schema as gzipped
  JSON, with the schema revision; restoring it replaces every row, on the same revision only.
"""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import sqlite3
import subprocess
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from consult.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
GZIP_MAGIC = b"\x1f\x8b"
EXPORT_FORMAT = "consult-export/1"


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why."""


def _engine():
    return db.engine


def _libpq_url() -> str:
    return _engine().url.set(drivername="postgresql").render_as_string(hide_password=False)


def _revision() -> str | None:
    with _engine().connect() as conn:
        try:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        except sa.exc.DBAPIError:
            return None


def backup(path: Path, fmt: str = "auto") -> str:
    """Write a backup to ``path``; returns the kind written ("sqlite", "pg_dump", "json")."""
    dialect = _engine().dialect.name
    if fmt == "json":
        _export(path)
        return "json"
    if dialect == "sqlite":
        with _engine().connect() as conn:
            source = conn.connection.driver_connection
            target = sqlite3.connect(path)
            try:
                source.backup(target)
            finally:
                target.close()
        return "sqlite"
    if dialect == "postgresql" and shutil.which("pg_dump"):
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}",
             f"--dbname={_libpq_url()}"], capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
        return "pg_dump"
    _export(path)
    return "json"


def restore(path: Path) -> str:
    """Replace the database's content with the backup at ``path``; returns its kind."""
    head = path.read_bytes()[:16]
    dialect = _engine().dialect.name
    if head.startswith(SQLITE_MAGIC):
        if dialect != "sqlite":
            raise BackupError("an SQLite backup restores into SQLite only (use --format json to move)")
        _engine().dispose()
        source = sqlite3.connect(path)
        with _engine().connect() as conn:
            try:
                source.backup(conn.connection.driver_connection)
            finally:
                source.close()
        _engine().dispose()
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        if dialect != "postgresql" or not shutil.which("pg_restore"):
            raise BackupError("a pg_dump backup restores into PostgreSQL with pg_restore only")
        _engine().dispose()
        result = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", f"--dbname={_libpq_url()}", str(path)],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")
        return "pg_dump"
    if head.startswith(GZIP_MAGIC):
        _import(path)
        return "json"
    raise BackupError(f"{path} is not a consult backup")


# The full export --------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _typed(column: sa.Column, value):
    if value is None:
        return None
    kind = getattr(column.type, "impl", column.type)
    if isinstance(value, dict) and "$b64" in value and isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value["$b64"])
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    return value


def _export(path: Path) -> None:
    tables = {}
    with _engine().connect() as conn:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(sa.select(table).order_by(*order)).mappings()
            tables[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    document = {"format": EXPORT_FORMAT, "revision": _revision(),
                "exported_at": datetime.now().astimezone().isoformat(), "tables": tables}
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(document, fh, ensure_ascii=False)


def _import(path: Path) -> None:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            document = json.load(fh)
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} is not a readable export: {exc}") from None
    if document.get("format") != EXPORT_FORMAT:
        raise BackupError(f"{path} is not a {EXPORT_FORMAT} file")
    if document.get("revision") != _revision():
        raise BackupError(f"the export is of schema revision {document.get('revision')}, the "
                          f"database is at {_revision()}: migrate one of them first")
    tables = document["tables"]
    with _engine().begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        for table in db.metadata.sorted_tables:
            rows = [{name: _typed(table.c[name], value) for name, value in row.items()}
                    for row in tables.get(table.name, [])]
            if not rows:
                continue
            # References within one table (an entry's parent, a merged remark) may point
            # forward: insert without them, then set them.
            own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            conn.execute(table.insert(), [{**row, **{name: None for name in own}} for row in rows])
            for name in own:
                pk = list(table.primary_key.columns)[0]
                for row in rows:
                    if row[name] is not None:
                        conn.execute(table.update().where(pk == row[pk.name]).values({name: row[name]}))
        if conn.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                    conn.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 1), "
                        f"(SELECT MAX(id) FROM \"{table.name}\") IS NOT NULL)"))
