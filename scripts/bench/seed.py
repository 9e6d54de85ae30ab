"""The benchmark's database, made with consult's own services before gunicorn starts:
the schema (Alembic), the 2018 demo meeting (its consultation opened for remarks, its
summary published), two facilitators of the consultation, and generated meetings (the
generator of scripts/render_timing.py) for the live board, the board page and the renders.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from scripts.render_timing import generated_meeting


@dataclass
class World:
    """Ids and addresses the clients need."""

    facilitators: list[tuple[str, str]]  # (e-mail, password): A and B
    consultation_id: int
    slug: str
    target: str  # what the benchmark's remarks concern
    demo_meeting_id: int  # "nothing changed" refresh, published summary
    live_meeting_id: int  # add entry, change seen by a second facilitator
    live_sections: list[int]
    board_meetings: dict[int, int]  # entries → meeting id (board page)
    render_meetings: dict[int, int] = field(default_factory=dict)  # entries asked → meeting id
    pdf_url: str = ""
    pdf_size: int = 0
    pdf_sha256: str = ""
    # Meetings held at once, each with its room input open: (code, its sections' ids).
    rooms: list[tuple[str, list[int]]] = field(default_factory=list)


def reset_postgresql(url: str) -> None:
    """Empty the database's public schema (made first when the database is missing)."""
    url_obj = sa.make_url(url)
    engine = sa.create_engine(url_obj)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        admin = sa.create_engine(url_obj.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{url_obj.database}"'))
        admin.dispose()
        print(f"created database {url_obj.database}")
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def seed(app, *, board_sizes: list[int], render_sizes: list[int], rooms: int = 20, log=print) -> World:
    import flask_migrate

    from consult.auth import services as auth_services
    from consult.core.enums import ConsultationStatus, Role
    from consult.core.models import utcnow
    from consult.extensions import db
    from consult.meetings import interchange
    from consult.meetings.models import Meeting, Part, Section
    from consult.reports import publications
    from consult.reports.catalogue import SUMMARY
    from consult.reports.models import Publication

    with app.app_context():
        flask_migrate.upgrade()
        raw = (Path(app.root_path) / "demo" / "wpw-2018-kultura.json").read_text("utf-8")
        demo_doc = json.loads(raw)
        demo = interchange.import_meeting(interchange.parse(raw))
        consultation = demo.consultation
        consultation.status = ConsultationStatus.OPEN  # the public form accepts remarks
        consultation.submissions_open_at = utcnow() - timedelta(days=1)
        consultation.submissions_close_at = utcnow() + timedelta(days=1)
        facilitators = []
        for name in ("a", "b"):
            email, password = f"bench-{name}@example.org", secrets.token_urlsafe(12)
            user = auth_services.create_user(
                {"email": email, "password": password, "role": Role.FACILITATOR,
                 "name": f"Facilitator {name.upper()}"}, None)
            consultation.facilitators.append(user)
            facilitators.append((email, password))
        db.session.commit()

        def generated(entries: int, n: int) -> int:
            doc = generated_meeting(demo_doc, entries, n)  # joins the same consultation
            return interchange.import_meeting(interchange.parse(json.dumps(doc))).id

        n = iter(range(1, 1000))
        live = generated(32, next(n))  # like the demo: 32 entries in 11 sections
        room_meetings = [generated(32, next(n)) for _ in range(rooms)]
        boards = {size: generated(size, next(n)) for size in board_sizes}
        renders = {size: generated(size, next(n)) for size in render_sizes}
        db.session.commit()
        sections = list(db.session.scalars(
            sa.select(Section.id).join(Part).where(Part.meeting_id == live)
            .order_by(Part.position, Section.position, Section.id)))
        plane = consultation.planes[0]
        room_list = []
        for number, meeting_id in enumerate(room_meetings, start=1):
            meeting = db.session.get(Meeting, meeting_id)
            meeting.room_open, meeting.room_code = True, f"room{number:03d}"
            room_list.append((meeting.room_code, list(db.session.scalars(
                sa.select(Section.id).join(Part).where(Part.meeting_id == meeting_id).order_by(Section.id)))))
        db.session.commit()
        world = World(facilitators=facilitators, consultation_id=consultation.id,
                      slug=consultation.slug, target=f"plane:{plane.id}",
                      demo_meeting_id=demo.id, live_meeting_id=live, live_sections=sections,
                      board_meetings=boards, render_meetings=renders, rooms=room_list)

        # The published summary, through the documented command (rendered in this process).
        result = app.test_cli_runner().invoke(
            args=["report", "publish", str(demo.id), "--as", facilitators[0][0]])
        if result.exit_code != 0:
            raise RuntimeError(f"flask report publish failed:\n{result.output}")
        log("  " + result.output.strip())
        publication = publications.latest(SUMMARY.series(demo.id))
        content = db.session.scalar(sa.select(Publication.content)
                                    .where(Publication.id == publication.id))
        world.pdf_url = f"/documents/{publication.id}/{publication.file_name}"
        world.pdf_size, world.pdf_sha256 = publication.size, publication.sha256
        Path(app.instance_path, "published-summary.pdf").write_bytes(content)
        db.session.remove()
        db.engine.dispose()
    return world
