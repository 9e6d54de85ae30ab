"""The migrations are the only way the schema is made: they must match the models and
go up, down and up again on SQLite and PostgreSQL."""

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from consult.extensions import db
from tests.conftest import empty_all_tables, make_app


def test_models_match_migrations(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_upgrade_downgrade_upgrade(app, tmp_path, migrated):
    postgres = sa.make_url(migrated).get_backend_name() == "postgresql"
    url = migrated if postgres else f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    db.session.remove()
    db.engine.dispose()
    other = make_app(url, tmp_path / "instance2")
    with other.app_context():
        flask_migrate.upgrade()
        assert "entry" in sa.inspect(db.engine).get_table_names()
        flask_migrate.downgrade(revision="base")
        leftover = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert leftover == set()
        flask_migrate.upgrade()
        assert {"user", "consultation", "plane", "priority", "meeting", "agenda_item", "part",
                "section", "entry", "revision"} <= set(sa.inspect(db.engine).get_table_names())
        empty_all_tables()
        db.engine.dispose()
