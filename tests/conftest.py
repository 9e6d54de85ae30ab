"""Fixtures: the app on a real migrated database, clients per role, a CLI runner, factories.

The suite runs on a SQLite file by default and on PostgreSQL when ``TEST_DATABASE_URL``
is set. The schema is created once per run by the Alembic migrations (never create_all);
after each test every table is emptied.

Each test holds an application context for its own queries; every request of the test
client runs in a fresh application context of its own, as in production (its own
database session, its own ``g`` and login state).
"""

from __future__ import annotations

import itertools
import os
import threading
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import flask_migrate
import pytest
import sqlalchemy as sa
from flask.globals import _cv_app
from flask.testing import FlaskClient

from consult import create_app
from consult.core.enums import EntryKind, Role
from consult.extensions import db
from tests.pages import control_value

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct horse battery"
DEMO_FILE = Path(__file__).resolve().parent.parent / "consult" / "demo" / "wpw-2018-kultura.json"


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def worker_database(url: str) -> str:
    """Under pytest-xdist (``make test`` runs one worker per core) each worker has a
    PostgreSQL database of its own, ``<name>_gw0`` etc., made when missing (the user of
    ``TEST_DATABASE_URL`` needs CREATEDB). Without xdist, the database named in the URL."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = sa.make_url(url)
    name = f"{parsed.database}_{worker}"
    engine = sa.create_engine(parsed, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if TEST_DATABASE_URL:
        url = worker_database(TEST_DATABASE_URL)
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def make_app(database_url: str, instance_path: Path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": True,
        **overrides,
    }
    return create_app(config, instance_path=str(instance_path))


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory) -> str:
    app = make_app(database_url, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return database_url


def empty_all_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app(migrated, tmp_path):
    app = make_app(migrated, tmp_path / "instance")
    ctx = app.app_context()
    ctx.push()
    try:
        yield app
    finally:
        from consult.core import runners

        runners.cancel_timers(app)  # a mail's retry belongs to this test only
        runners.drain(app)  # no rendering or mail thread may write after the tables are emptied
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()
        ctx.pop()


@contextmanager
def serving(app, **options):
    """The app on a free loopback port, served by werkzeug threads in the background (for
    tests with real concurrent clients or a browser); yields the base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True, **options)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Client(FlaskClient):
    """A test client whose every request runs in its own application context."""

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            if _cv_app.get(None) is not None:
                db.session.expire_all()  # the test's own session sees what the request wrote

    def csrf_token(self) -> str:
        return control_value(self.get("/login", follow_redirects=True).get_data(as_text=True),
                             "csrf_token")

    def submit(self, url: str, data: dict | None = None, **kwargs):
        """POST a form the way a browser does: with the CSRF token of the session."""
        data = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.post(url, data=data, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        return self.submit("/login", {"email": email, "password": password})


@pytest.fixture
def client(app) -> Client:
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Factory:
    """Objects committed to the database, with sensible defaults."""

    _seq = itertools.count(1)

    def __init__(self, app):
        self.app = app

    def n(self) -> int:
        return next(self._seq)

    def user(self, role: Role = Role.FACILITATOR, email: str | None = None, password: str = PASSWORD,
             **kwargs):
        from consult.auth.models import User

        user = User(email=email or f"user{self.n()}@example.org", name=kwargs.pop("name", "Test User"),
                    role=role, **kwargs)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    def consultation(self, title: str | None = None, facilitators=(), **kwargs):
        from consult.consultations.models import Consultation

        n = self.n()
        consultation = Consultation(title=title or f"Konsultacje {n}", slug=f"konsultacje-{n}", **kwargs)
        consultation.facilitators = list(facilitators)
        db.session.add(consultation)
        db.session.commit()
        return consultation

    def plane(self, consultation, number: int, title: str = "Płaszczyzna"):
        from consult.consultations.models import Plane

        plane = Plane(consultation=consultation, number=number, title=title)
        db.session.add(plane)
        db.session.commit()
        return plane

    def priority(self, consultation, code: str, title: str = "Priorytet"):
        from consult.consultations.models import Priority

        priority = Priority(consultation=consultation, code=code, title=title)
        db.session.add(priority)
        db.session.commit()
        return priority

    def meeting(self, consultation=None, **kwargs):
        from consult.meetings.models import Meeting

        meeting = Meeting(consultation=consultation or self.consultation(),
                          title=kwargs.pop("title", "Spotkanie konsultacyjne"),
                          date=kwargs.pop("date", date(2026, 5, 25)), **kwargs)
        db.session.add(meeting)
        db.session.commit()
        return meeting

    def section(self, meeting, heading: str = "Część", **subject):
        """A part with one section; ``subject`` is plane=…, priority=… or topic=…."""
        from consult.meetings.models import Part, Section

        part = Part(meeting=meeting, heading=heading, position=len(meeting.parts))
        section = Section(part=part, position=0, label=subject.pop("label", None), **subject)
        db.session.add_all([part, section])
        db.session.commit()
        return section

    def entry(self, section, text: str, kind: EntryKind = EntryKind.IDEA, parent=None, **kwargs):
        from consult.meetings.models import Entry

        siblings = [e for e in section.entries if e.parent_id == (parent.id if parent else None)]
        entry = Entry(section=section, parent=parent, text=text, kind=kind,
                      position=kwargs.pop("position", len(siblings)), **kwargs)
        db.session.add(entry)
        db.session.commit()
        return entry

    def demo_meeting(self):
        from consult.meetings import interchange

        meeting = interchange.import_meeting(interchange.parse(DEMO_FILE.read_bytes()))
        db.session.commit()
        return meeting

    def nested(self, section, levels: int, text: str = "Podpunkt {:03d}", parent=None) -> list[int]:
        """A chain of ``levels`` sub-points (each the only sub-point of the one before),
        written straight into the database as data made before any depth limit could be;
        below ``parent`` when given. Returns their ids, the top one first."""
        from consult.meetings.models import Entry

        ids, parent_id = [], parent.id if parent is not None else None
        for level in range(1, levels + 1):
            position = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Entry.position) + 1, 0))
                                         .where(Entry.section_id == section.id, Entry.parent_id.is_(None)
                                                if parent_id is None else Entry.parent_id == parent_id))
            parent_id = db.session.execute(sa.insert(Entry).values(
                section_id=section.id, parent_id=parent_id, kind=EntryKind.IDEA,
                text=text.format(level), position=position).returning(Entry.id)).scalar_one()
            ids.append(parent_id)
        db.session.commit()
        db.session.expire_all()
        return ids


PUBLIC_URL = "https://konsultacje.krakow.example"


@pytest.fixture
def public_url(app) -> str:
    """The site's PUBLIC_URL, on which every link that leaves it (e-mails, the room's QR
    code, calendar files) is built: never the request's host."""
    app.config["PUBLIC_URL"] = PUBLIC_URL
    return PUBLIC_URL


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)


def _logged_in(app, user) -> Client:
    app.test_client_class = Client
    client = app.test_client()
    response = client.login(user.email)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


@pytest.fixture
def admin(make):
    return make.user(Role.ADMIN, email="admin@example.org", name="Ada Admin")


@pytest.fixture
def facilitator(make):
    return make.user(Role.FACILITATOR, email="facilitator@example.org", name="Fela Facilitator")


@pytest.fixture
def official(make):
    return make.user(Role.OFFICIAL, email="official@example.org", name="Olek Official")


@pytest.fixture
def admin_client(app, admin) -> Client:
    return _logged_in(app, admin)


@pytest.fixture
def facilitator_client(app, facilitator) -> Client:
    return _logged_in(app, facilitator)


@pytest.fixture
def official_client(app, official) -> Client:
    return _logged_in(app, official)


@pytest.fixture
def login_as(app):
    """A fresh logged-in client for any user: ``login_as(user, htmx=False)``."""

    def login(user, htmx: bool = False) -> Client:
        client = _logged_in(app, user)
        if htmx:
            client.environ_base["HTTP_HX_REQUEST"] = "true"
        return client

    return login


@pytest.fixture
def htmx_client(admin_client) -> Client:
    """The admin's client, sending requests the way htmx does (HX-Request: true)."""
    admin_client.environ_base["HTTP_HX_REQUEST"] = "true"
    return admin_client


# The capture board of the board tests ------------------------------------------------------


@pytest.fixture
def board(make, facilitator):
    """A meeting with a plane, a priority and a topic section (one part each) whose
    consultation ``facilitator`` works on; another meeting of the same consultation; and
    a plane and a priority of another consultation."""
    consultation = make.consultation(facilitators=[facilitator])
    plane_1 = make.plane(consultation, 1, "Tworzenie polityk publicznych")
    plane_2 = make.plane(consultation, 2, "Współpraca finansowa")
    priority = make.priority(consultation, "I.1", "Dostęp do kultury")
    meeting = make.meeting(consultation, title="Spotkanie w Nowej Hucie")
    other_meeting = make.meeting(consultation, title="Inne spotkanie")
    other_section = make.section(other_meeting, heading="Inna część", topic="Temat innego spotkania")
    foreign = make.consultation()
    return SimpleNamespace(
        meeting=meeting, consultation=consultation, facilitator=facilitator,
        plane_1=plane_1, plane_2=plane_2, priority=priority,
        plane_section=make.section(meeting, heading="Opinie i postulaty", plane=plane_1, label="Wnioski"),
        priority_section=make.section(meeting, heading="Z Programu Rozwoju Kultury", priority=priority),
        topic_section=make.section(meeting, heading="Nowe pomysły", topic="Pomysły na współpracę"),
        other_meeting=other_meeting, other_section=other_section,
        other_entry=make.entry(other_section, "Wpis innego spotkania"),
        foreign_plane=make.plane(foreign, 1, "Cudza płaszczyzna"),
        foreign_priority=make.priority(foreign, "I.1", "Cudzy priorytet"),
        url=f"/meetings/{meeting.id}",
    )


@pytest.fixture
def editor(board, login_as):
    """The facilitator of the board's consultation, logged in."""
    return login_as(board.facilitator)


# Redis (the RQ runner of render jobs, limits counted across workers) ----------------------

REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    """A Redis database of this test process's own (emptied before and after): under
    pytest-xdist, worker gwN takes database 15 - N of TEST_REDIS_URL's server."""
    from urllib.parse import urlsplit

    from redis import Redis
    from redis.exceptions import RedisError

    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
    parts = urlsplit(REDIS_TEST_URL)
    base = int(parts.path.strip("/") or 15)
    url = parts._replace(path=f"/{(base - worker) % 16}").geturl()
    connection = Redis.from_url(url)
    try:
        connection.ping()
    except RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_TEST_URL} in CI: {exc}")
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL} ({exc}); what needs it is not tested")
    connection.flushdb()
    yield url
    connection.flushdb()


@pytest.fixture
def demo_site(app, runner):
    """`flask demo` (accounts, the 2018 meeting, its published summary), the consultation
    opened for remarks, and one submission with its tracking link: what the crawls of every
    page (tests/browser/test_accessibility_browser.py, tests/test_html_valid.py) start from."""
    import json
    from datetime import timedelta

    from consult.consultations.models import Consultation
    from consult.core import runners
    from consult.core.enums import ConsultationStatus
    from consult.core.models import utcnow
    from tests.test_remarks import received

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    runners.drain(app)  # the demo summary is published by a background job
    accounts = json.loads((Path(app.instance_path) / "demo-accounts.json").read_text())
    consultation = db.session.scalars(sa.select(Consultation)).one()
    consultation.status = ConsultationStatus.OPEN
    consultation.submissions_open_at = utcnow() - timedelta(days=1)
    consultation.submissions_close_at = utcnow() + timedelta(days=13)
    _submission, token = received(consultation, remarks=("Więcej spotkań w dzielnicach.",))
    # An upcoming meeting open for registration, with one person registered and present.
    from datetime import date

    from consult.meetings.models import Meeting
    from consult.participants import services as participants

    upcoming = Meeting(consultation=consultation, title="Spotkanie konsultacyjne w Nowej Hucie",
                       date=date.today() + timedelta(days=10), location="Dom Kultury",
                       registration_open=True, registration_cap=30)
    db.session.add(upcoming)
    db.session.flush()
    registered = participants.register(upcoming, {
        "organisation": "Fundacja Wiolinowa", "name": "Anna Kowalska", "email": "anna@example.org",
        "needs": "Pętla indukcyjna"})
    participants.add_attendee(upcoming, registered.registration.organisation, registered.registration.name,
                              None, registered.registration)
    # The 2018 meeting's room input open, with one idea waiting in its first section.
    from consult.auth.models import User
    from consult.meetings.models import Part, Section
    from consult.room import services as room

    demo_meeting = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).first()
    first_section = db.session.scalars(sa.select(Section).join(Part).where(Part.meeting_id == demo_meeting.id)
                                       .order_by(Part.position, Section.position)).first()
    room.set_open(demo_meeting, db.session.scalars(sa.select(User)).first(), True)
    room.contribute(demo_meeting, first_section.id, "Pomysł z sali: dyżury prawników", "telefon", None)
    # Its summary under review, with one comment on its first entry.
    from consult.meetings.models import Entry
    from consult.review import services as review

    invited = review.open_review(demo_meeting, db.session.scalars(sa.select(User)).first(), 7, "ewa@example.org")
    reviewer, review_token = invited.tokens[0]
    first_entry = db.session.scalars(sa.select(Entry).where(Entry.section_id == first_section.id)).first()
    review.comment(reviewer, first_entry.id, "Mówiono o radnych dzielnic", "Brak kontaktu z radnymi dzielnic")
    db.session.commit()
    return {"accounts": accounts, "slug": consultation.slug,
            "tracking": f"/public/tracking/{token}",
            "registration": f"/public/registration/{registered.token}", "room": f"/r/{demo_meeting.room_code}",
            "review": f"/public/review/{review_token}"}
