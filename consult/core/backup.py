"""Backup and restore of the whole database (``flask --app consult backup|restore FILE``).

- SQLite: SQLite's online backup (a consistent copy while the app runs), restored the same
  way into the live database.
- PostgreSQL: ``pg_dump --format=custom`` when it is installed (restored with
  ``pg_restore --clean`` in one transaction), else a full export.
- The full export (``--format json``, any database): every table of the schema as gzipped
  JSON, with the schema revision; restoring it replaces every row, on the same revision only.

Backups are written 0600 (password hashes, NGO contacts), into a new file that replaces the
one named only when it is complete.

A restore checks the backup before anything is replaced, and refuses it, saying why, when its
schema revision is not the migrations' head (which the live database must be at too) or its
schema is not exactly what the migrations make: a crafted backup could otherwise bring a
trigger, a view, a function or a changed table into the live database.

- SQLite: read-only, the file alone (no -wal beside it); SQLite's integrity and foreign key
  checks; its sqlite_master (every table, index, trigger and view) compared with that of a
  temporary database migrated to head. The reference is the migrations themselves, not the
  live database, which may already carry what an earlier, unchecked restore brought in.
- pg_dump: the whole script pg_restore would run (``pg_restore --clean -f -``) compared with
  that of the live database's schema (``pg_dump --schema-only``): every entry, its drop
  statement and the opening statements; data entries must be plain COPYs of the database's
  tables with their columns and setval() of its sequences. (A scratch PostgreSQL database
  would need CREATEDB, which the app's database user should not have; the live database is
  at the migrations' head, checked first.)
- The full export: only the schema's tables, each row with exactly the table's columns.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app

from consult.core.files import private_replacement
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
    """Write a backup to ``path`` (mode 0600); returns the kind written ("sqlite",
    "pg_dump", "json")."""
    try:
        with private_replacement(path) as partial:
            return _write_backup(partial, fmt)
    except OSError as exc:
        raise BackupError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write_backup(path: Path, fmt: str) -> str:
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


def _kind(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "pg_dump"
    if head.startswith(GZIP_MAGIC):
        return "json"
    raise BackupError(f"{path} is not a consult backup")


def check(path: Path) -> str:
    """Check the backup at ``path`` as :func:`restore` does, changing nothing; returns its
    kind, or raises :class:`BackupError` saying why it would be refused."""
    kind = _kind(path)
    if kind == "sqlite":
        source = _open_sqlite_backup(path)
        try:
            _check_sqlite_backup(source, path)
        finally:
            source.close()
    elif kind == "pg_dump":
        _check_pg_dump(path)
    else:
        _read_export(path)
    return kind


def restore(path: Path) -> str:
    """Replace the database's content with the backup at ``path`` once it passed the
    checks of :func:`check`; returns its kind."""
    kind = _kind(path)
    if kind == "sqlite":
        source = _open_sqlite_backup(path)
        try:
            _check_sqlite_backup(source, path)
            _engine().dispose()
            # The very connection that was checked is copied: nothing can change in between.
            with _engine().connect() as conn:
                source.backup(conn.connection.driver_connection)
        finally:
            source.close()
        _engine().dispose()
    elif kind == "pg_dump":
        _check_pg_dump(path)
        _engine().dispose()
        result = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", f"--dbname={_libpq_url()}", str(path)],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")
    else:
        _import(_read_export(path))
    return kind


# The checks of a restore -------------------------------------------------------------------

MAX_LISTED = 8


def _refuse(summary: str, problems: list[str]) -> None:
    if problems:
        listed = problems[:MAX_LISTED]
        if len(problems) > MAX_LISTED:
            listed.append(f"and {len(problems) - MAX_LISTED} more")
        raise BackupError("\n  - ".join([f"{summary}, nothing was changed:", *listed]))


def _an(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _migrations() -> ScriptDirectory:
    return ScriptDirectory(current_app.extensions["migrate"].directory)


def _head(script: ScriptDirectory) -> str:
    heads = script.get_heads()
    if len(heads) != 1:
        raise BackupError(f"the migrations have {len(heads)} heads ({', '.join(heads)}): merge them first")
    return heads[0]


def _check_revisions(revisions: list[str] | None, what: str = "the backup") -> None:
    """The backup's schema revision is the migrations' head, and so is the database's."""
    script = _migrations()
    head = _head(script)
    live = _revision()
    if live is None:
        raise BackupError("the database has no schema yet: run `flask --app consult db upgrade` "
                          "first, then restore")
    if live != head:
        raise BackupError(f"the database is at schema revision {live}, the migrations at {head}: "
                          "run `flask --app consult db upgrade` first")
    if revisions is None:
        raise BackupError(f"{what} has no schema revision (no alembic_version): it was not made "
                          "by consult's backup")
    if len(revisions) != 1:
        raise BackupError(f"{what} has {len(revisions)} schema revisions "
                          f"({', '.join(map(str, revisions)) or 'none'}) where a consult backup has one")
    revision = revisions[0]
    if revision != head:
        if revision in {s.revision for s in script.walk_revisions()}:
            raise BackupError(f"{what} is of schema revision {revision}, older than the database's "
                              f"{head}: restore it with the version of consult that made it")
        raise BackupError(f"{what} is of schema revision {revision}, which the migrations do not "
                          f"know (they are at {head})")


# SQLite ------------------------------------------------------------------------------------

# Made by ANALYZE, read by the query planner only; every other entry is compared, also those
# named sqlite_…: such names are SQLite's own, but a file can be written with any.
SQLITE_STATISTICS = ("sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4")
_reference_schemas: dict[tuple[str, str], list[tuple]] = {}


def _open_sqlite_backup(path: Path) -> sqlite3.Connection:
    """The backup file alone, read-only: immutable, so that SQLite neither reads nor writes
    -wal and -shm files beside it."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise BackupError(f"{wal} lies beside {path}: it is a copy of a database in use, not a "
                          "backup (make one with `flask --app consult backup`)")
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        source.execute("PRAGMA trusted_schema=OFF")
    except sqlite3.Error as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None
    return source


def _check_sqlite_backup(source: sqlite3.Connection, path: Path) -> None:
    try:
        found = [row[0] for row in source.execute("PRAGMA integrity_check(10)")]
        if found != ["ok"]:
            raise BackupError(f"{path} is damaged (SQLite's integrity check: {'; '.join(found[:3])})")
        try:
            revisions = [row[0] for row in source.execute("SELECT version_num FROM alembic_version")]
        except sqlite3.OperationalError:
            revisions = None
        _check_revisions(revisions)
        _refuse("the backup's schema is not what the migrations make",
                _sqlite_differences(_sqlite_schema(source), _reference_sqlite_schema()))
        broken = sorted({row[0] for row in source.execute("PRAGMA foreign_key_check")})
        if broken:
            raise BackupError(f"rows of the backup's {', '.join(broken)} refer to rows that do not exist")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None


SQL_QUOTES = {"'": "'", '"': '"', "`": "`", "[": "]"}
TABLE_CONSTRAINT = re.compile(r"(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY)\b", re.IGNORECASE)


def _top_level_items(text: str) -> list[str] | None:
    """``a INT, CHECK (b IN ('x', 'y'))`` → its items at the outer level (None when the
    parentheses or quotes do not close)."""
    items, depth, start, position = [], 0, 0, 0
    while position < len(text):
        char = text[position]
        if char in SQL_QUOTES:
            position = text.find(SQL_QUOTES[char], position + 1)
            if position < 0:
                return None
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == "," and depth == 0:
            items.append(text[start:position])
            start = position + 1
        position += 1
    return None if depth else items + [text[start:]]


def _normalised_sql(sql: str | None) -> str | None:
    """Whitespace made uniform; a table's constraints sorted, its columns kept in order: the
    batch migrations that rebuild a table on SQLite write its constraints in no fixed order."""
    if sql is None:
        return None
    text = re.sub(r" ?([(),]) ?", r"\1", " ".join(sql.split()))
    opening, closing = text.find("("), text.rfind(")")
    if not text.upper().startswith("CREATE TABLE") or opening < 0 or closing < opening:
        return text
    items = _top_level_items(text[opening + 1:closing])
    if items is None:
        return text
    columns = [item for item in items if not TABLE_CONSTRAINT.match(item)]
    constraints = sorted(item for item in items if TABLE_CONSTRAINT.match(item))
    return f"{text[:opening]}({','.join(columns + constraints)}){text[closing + 1:]}"


def _sqlite_schema(conn: sqlite3.Connection) -> list[tuple]:
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master "
        f"WHERE NOT (type = 'table' AND name IN ({', '.join('?' * len(SQLITE_STATISTICS))}))",
        SQLITE_STATISTICS)
    return sorted((kind, name, table, _normalised_sql(sql)) for kind, name, table, sql in rows)


def _sqlite_differences(found: list[tuple], reference: list[tuple]) -> list[str]:
    def described(kind, name, table):
        return f"{kind} {name}" + ("" if table == name else f" (on {table})")

    problems = [f"the backup has the {kind} {name} {count} times"
                for (kind, name), count in Counter((k, n) for k, n, _t, _s in found).items()
                if count > 1]
    mine = {(kind, name): (table, sql) for kind, name, table, sql in found}
    theirs = {(kind, name): (table, sql) for kind, name, table, sql in reference}
    for key in sorted(mine.keys() - theirs.keys()):
        kind, name = key
        problems.append(f"the backup has {_an(kind)} {described(kind, name, mine[key][0])} "
                        "that the migrations do not make")
    for key in sorted(theirs.keys() - mine.keys()):
        kind, name = key
        problems.append(f"the backup lacks the {described(kind, name, theirs[key][0])} "
                        "that the migrations make")
    for key in sorted(mine.keys() & theirs.keys()):
        if mine[key] != theirs[key]:
            kind, name = key
            problems.append(f"the {described(kind, name, theirs[key][0])} differs from what "
                            "the migrations make")
    return problems


@contextmanager
def _quiet_migrations():
    """The migrations of the reference database do not report each step."""
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(previous)


def _reference_sqlite_schema() -> list[tuple]:
    """The sqlite_master of a temporary SQLite database migrated to head (made once per
    process and head)."""
    import flask_migrate

    from consult import create_app

    directory = current_app.extensions["migrate"].directory
    key = (str(directory), _head(_migrations()))
    if key not in _reference_schemas:
        with tempfile.TemporaryDirectory(prefix="consult-reference-") as folder:
            database = Path(folder) / "reference.sqlite3"
            reference = create_app(
                {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "reference",
                 "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://", "TESTING": True},
                instance_path=str(Path(folder) / "instance"))
            with reference.app_context(), _quiet_migrations():
                flask_migrate.upgrade(directory=directory)
                db.engine.dispose()
            conn = sqlite3.connect(database)
            try:
                _reference_schemas[key] = _sqlite_schema(conn)
            finally:
                conn.close()
    return _reference_schemas[key]


# pg_dump -----------------------------------------------------------------------------------

PG_HEADER = re.compile(r"^-- (?:Data for )?Name: (?P<name>.*); Type: (?P<type>[A-Z ]+); "
                       r"Schema: (?P<schema>.*); Owner: .*$")
# Comments pg_restore writes around the entries (and psql's \restrict of pg_dump 15.14+).
PG_NOISE = re.compile(r"^(--|-- PostgreSQL database dump( complete)?|-- Dumped (from database|by "
                      r"pg_dump) version .*|\\(un)?restrict [A-Za-z0-9]+|)$")
PG_COPY = re.compile(r"^COPY (?P<table>.+?) \((?P<columns>.*)\) FROM stdin;$")
PG_SETVAL = re.compile(r"^SELECT pg_catalog\.setval\('(?P<sequence>(?:[^']|'')+)', -?[0-9]+, "
                       r"(?:true|false)\);$")
PG_IDENTIFIER = re.compile(r'[a-z_][a-z0-9_$]*|"(?:[^"]|"")+"')
PG_DATA = ("TABLE DATA", "SEQUENCE SET")


@dataclass
class _PgScript:
    """What pg_restore would run, by entry; data entries as what they fill."""

    opening: list[str] = field(default_factory=list)
    entries: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    twice: list[tuple[str, str, str]] = field(default_factory=list)
    data: Counter = field(default_factory=Counter)  # (schema, table) and its column list
    sequences: Counter = field(default_factory=Counter)
    revisions: list[str] | None = None
    problems: list[str] = field(default_factory=list)


def _pg_tools() -> None:
    missing = [name for name in ("pg_dump", "pg_restore") if not shutil.which(name)]
    if missing:
        raise BackupError(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not "
                          "installed: a pg_dump backup is checked and restored with pg_dump and "
                          "pg_restore (Debian: apt-get install postgresql-client)")


def _pg_names(text: str, separator: str) -> tuple[str, ...] | None:
    """``public."user"`` → ("public", "user"); None when it is not plain identifiers."""
    names, position = [], 0
    while True:
        match = PG_IDENTIFIER.match(text, position)
        if match is None:
            return None
        token = match.group()
        names.append(token[1:-1].replace('""', '"') if token.startswith('"') else token)
        position = match.end()
        if position == len(text):
            return tuple(names)
        if not text.startswith(separator, position):
            return None
        position += len(separator)


def _pg_parse(lines: Iterable[str]) -> _PgScript:
    script = _PgScript()
    body: list[str] = script.opening
    kind = key = None
    lines = iter(lines)
    for line in lines:
        header = PG_HEADER.match(line)
        if header:
            kind = header["type"]
            key = (kind, header["schema"], header["name"])
            if kind in PG_DATA:
                body = []
            elif key in script.entries:
                script.twice.append(key)
                body = []
            else:
                body = script.entries[key] = []
            continue
        if PG_NOISE.match(line):
            continue
        if kind == "TABLE DATA":
            copy = PG_COPY.match(line) if not body else None
            table = _pg_names(copy["table"], ".") if copy else None
            columns = _pg_names(copy["columns"], ", ") if copy else None
            if not (table and len(table) == 2 and columns):
                script.problems.append(f"the data of {key[2]} is not a plain copy of its rows")
                kind = "refused"
                continue
            body.append(line)
            script.data[table, columns] += 1
            rows = []
            for row in lines:
                if row == "\\.":
                    break
                if table == ("public", "alembic_version"):
                    rows.append(row)
            else:
                script.problems.append(f"the data of {key[2]} is cut short")
            if table == ("public", "alembic_version"):
                script.revisions = rows
        elif kind == "SEQUENCE SET":
            setval = PG_SETVAL.match(line) if not body else None
            sequence = _pg_names(setval["sequence"].replace("''", "'"), ".") if setval else None
            if not (sequence and len(sequence) == 2):
                script.problems.append(f"the sequence value of {key[2]} is not a plain setval()")
                kind = "refused"
                continue
            body.append(line)
            script.sequences[sequence] += 1
        elif kind != "refused":
            body.append(line)
    return script


def _pg_script(path: Path) -> _PgScript:
    """Parse the script ``pg_restore --clean`` would run for the archive at ``path``."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-",
             str(path)], stdout=subprocess.PIPE, stderr=errors, encoding="utf-8",
            errors="surrogateescape")
        try:
            script = _pg_parse(line.rstrip("\n") for line in process.stdout)
        finally:
            process.stdout.close()
            if process.wait() != 0:
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace").strip()[-500:]
                raise BackupError(f"pg_restore cannot read {path}: {message}")
    return script


def _pg_reference() -> tuple[_PgScript, dict, set]:
    """The live database's schema as pg_restore writes it, its tables with their columns and
    its sequences."""
    with tempfile.TemporaryDirectory(prefix="consult-reference-") as folder:
        dump = Path(folder) / "schema.dump"
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--schema-only", "--no-owner", "--no-privileges",
             f"--file={dump}", f"--dbname={_libpq_url()}"], capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
        reference = _pg_script(dump)
    system = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
    with _engine().connect() as conn:
        tables: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in conn.execute(sa.text(
                "SELECT n.nspname, c.relname, a.attname FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                f"WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped "
                f"AND a.attgenerated = '' AND {system} ORDER BY n.nspname, c.relname, a.attnum")):
            tables.setdefault((schema, table), []).append(column)
        sequences = {tuple(row) for row in conn.execute(sa.text(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
            f"ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND {system}"))}
    return reference, {key: tuple(columns) for key, columns in tables.items()}, sequences


def _check_pg_dump(path: Path) -> None:
    if _engine().dialect.name != "postgresql":
        raise BackupError("a pg_dump backup restores into PostgreSQL only (use --format json to move)")
    _pg_tools()
    found = _pg_script(path)
    _check_revisions(found.revisions)
    reference, tables, sequences = _pg_reference()

    def named(key):
        kind, schema, name = key
        return f"{kind} {name}" + ("" if schema in ("-", "public") else f" (schema {schema})")

    problems = list(found.problems)
    if found.opening != reference.opening:
        line = next((a for a, b in zip(found.opening, reference.opening, strict=False) if a != b),
                    (found.opening + reference.opening)[min(len(found.opening), len(reference.opening))])
        problems.append(f"the backup's opening and drop statements differ from the database's "
                        f"(at “{line[:120]}”)")
    problems += [f"the backup has the {named(key)} twice" for key in found.twice]
    for key in sorted(found.entries.keys() - reference.entries.keys()):
        problems.append(f"the backup has {_an(key[0])} {named(key)} that the database does not have")
    for key in sorted(reference.entries.keys() - found.entries.keys()):
        problems.append(f"the backup lacks the {named(key)} that the database has")
    for key in sorted(found.entries.keys() & reference.entries.keys()):
        if found.entries[key] != reference.entries[key]:
            problems.append(f"the {named(key)} differs from the database's")
    filled = Counter()
    for (table, columns), count in found.data.items():
        filled[table] += count
        if table not in tables:
            problems.append(f"the backup has data of a table {'.'.join(table)} that the database "
                            "does not have")
        elif columns != tables[table]:
            problems.append(f"the data of {'.'.join(table)} has the columns {', '.join(columns)}, "
                            f"the database's table {', '.join(tables[table])}")
    for table in sorted(tables):
        if filled[table] != 1:
            problems.append(f"the backup has the data of {'.'.join(table)} {filled[table]} times, "
                            "not once")
    for sequence, count in sorted(found.sequences.items()):
        if sequence not in sequences:
            problems.append(f"the backup sets a sequence {'.'.join(sequence)} that the database "
                            "does not have")
        elif count != 1:
            problems.append(f"the backup sets the sequence {'.'.join(sequence)} {count} times")
    for sequence in sorted(sequences - found.sequences.keys()):
        problems.append(f"the backup lacks the value of the sequence {'.'.join(sequence)}")
    _refuse("the backup's schema is not the database's", problems)


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


def _read_export(path: Path) -> dict:
    """The export's tables, once its revision, tables and columns are the schema's."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            document = json.load(fh)
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} is not a readable export: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise BackupError(f"{path} is not a {EXPORT_FORMAT} file")
    revision = document.get("revision")
    _check_revisions(None if revision is None else [revision], "the export")
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise BackupError(f"{path} is not a readable export: it has no tables")
    schema = {table.name: [column.name for column in table.columns]
              for table in db.metadata.sorted_tables}
    problems = [f"the export has a table {name} that the schema does not have"
                for name in sorted(tables.keys() - schema.keys())]
    problems += [f"the export lacks the table {name}" for name in sorted(schema.keys() - tables.keys())]
    for name in sorted(tables.keys() & schema.keys()):
        rows = tables[name]
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            problems.append(f"the table {name} of the export is not a list of rows")
            continue
        columns = set(schema[name])
        for number, row in enumerate(rows, 1):
            problems += [f"row {number} of table {name} has a column {column} that the table "
                         "does not have" for column in sorted(row.keys() - columns)]
            problems += [f"row {number} of table {name} lacks the column {column}"
                         for column in sorted(columns - row.keys())]
            if len(problems) > MAX_LISTED:
                break
    _refuse("the export does not fit the schema", problems)
    return tables


def _import(tables: dict) -> None:
    try:
        _replace_rows(tables)
    except (sa.exc.SQLAlchemyError, ValueError, TypeError) as exc:
        reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        raise BackupError(f"the export could not be restored, nothing was changed: {reason}") from None


def _replace_rows(tables: dict) -> None:
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
