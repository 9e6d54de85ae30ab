"""Flask extensions, created unbound here and bound in :func:`consult.create_app`."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask_babel import Babel
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from consult.core.files import create_private_file

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL
# (SQLite batch mode needs named constraints to alter them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
htmx = HTMX()
# Security headers (CSP without inline script, frame and sniffing protection, HSTS over HTTPS).
talisman = Talisman()

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _sqlite_file(database, uri: bool) -> Path | None:
    """The file an SQLite connection opens (None for an in-memory or read-only one)."""
    if not isinstance(database, str) or database in ("", ":memory:"):
        return None
    if uri and database.startswith("file:"):
        parts = urlsplit(database)
        query = parse_qs(parts.query)
        if query.get("mode", [""])[-1] in ("memory", "ro") or query.get("vfs", [""])[-1] == "memdb":
            return None
        return Path(unquote(parts.path)) if parts.path else None
    return Path(database)


@event.listens_for(Engine, "do_connect")
def _sqlite_file_is_private(dialect, _record, cargs, cparams) -> None:
    """SQLite would create a missing database file with the umask's mode (often 0644): it is
    created 0600 first. Its -wal and -shm files take the database file's mode."""
    if dialect.name != "sqlite":
        return
    path = _sqlite_file(cargs[0] if cargs else cparams.get("database"), bool(cparams.get("uri")))
    if path is not None:
        try:
            create_private_file(path)
        except OSError:
            pass  # a missing folder, no right to write: SQLite itself says so


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys on, WAL journal and a busy timeout for every SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # WAL is not available for in-memory databases; SQLite then keeps "memory".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
