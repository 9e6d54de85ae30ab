"""The baselines of `make bench`: a bare Flask app, served by gunicorn with the same
settings file, workers and threads as consult, on a database of the same kind.

    GET  /const   a constant string                       (for the "nothing changed" refresh)
    POST /insert  one Flask-SQLAlchemy INSERT, committed  (for add entry and submissions)
    GET  /pdf     the published summary's bytes, from memory (for the PDF download)

Environment: ``BENCH_BASELINE_DATABASE_URL`` (its own SQLite file in WAL mode, or the
benchmark's PostgreSQL database, where it has its own table) and ``BENCH_BASELINE_PDF`` (the
file whose bytes /pdf serves). Nothing of consult is imported: only Flask and
Flask-SQLAlchemy, with the engine options and SQLite pragmas consult uses.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Response, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Row(db.Model):
    __tablename__ = "bench_baseline_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(5000))
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=lambda: datetime.now(UTC))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """The pragmas consult sets on every SQLite connection (consult/extensions.py)."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BENCH_BASELINE_DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}  # as consult's
    db.init_app(app)
    with app.app_context():
        sa.event.listen(db.engine, "connect", _sqlite_pragmas)
    pdf = Path(os.environ["BENCH_BASELINE_PDF"]).read_bytes()

    @app.get("/const")
    def const():
        return "nothing changed"

    @app.post("/insert")
    def insert():
        db.session.add(Row(text=request.form.get("text", "")))
        db.session.commit()
        return "inserted"

    @app.get("/pdf")
    def pdf_download():
        return Response(pdf, mimetype="application/pdf")

    return app


def init_db(app: Flask) -> None:
    """Create the baseline's table (run once by the harness, before gunicorn starts)."""
    with app.app_context():
        Row.__table__.create(db.engine, checkfirst=True)
        db.engine.dispose()
