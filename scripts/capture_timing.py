"""Server time of the two hot paths of the capture board, measured in-process.

    make capture-timing            (SQLite in a temporary folder)
    DATABASE_URL=postgresql+psycopg://... make capture-timing

Loads the 2018 demo into a fresh database, logs a facilitator in, and times N requests of
each kind through the WSGI app (no network): the "nothing changed" poll and "add entry".
Figures, not asserts: `make bench` (a later issue) turns this into the full benchmark.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

N = int(os.environ.get("N", "300"))


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def report(name: str, times: list[float]) -> None:
    ms = [t * 1000 for t in times]
    print(f"{name:<34} n={len(ms):<5} mean={statistics.mean(ms):6.2f} ms  "
          f"p50={percentile(ms, .50):6.2f} ms  p95={percentile(ms, .95):6.2f} ms  "
          f"p99={percentile(ms, .99):6.2f} ms")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import flask_migrate
    import sqlalchemy as sa

    from consult import create_app
    from consult.auth import services as auth_services
    from consult.core.enums import Role
    from consult.extensions import db
    from consult.meetings import interchange
    from consult.meetings.models import Section

    workdir = Path(tempfile.mkdtemp(prefix="consult-timing-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'timing.sqlite3'}"
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "timing"},
                     instance_path=str(workdir / "instance"))
    with app.app_context():
        flask_migrate.upgrade()
        demo = Path(app.root_path) / "demo" / "wpw-2018-kultura.json"
        meeting = interchange.import_meeting(interchange.parse(demo.read_bytes()))
        user = auth_services.create_user({"email": "timing@example.org", "password": "timing password",
                                          "role": Role.FACILITATOR}, None)
        meeting.consultation.facilitators.append(user)
        db.session.commit()
        meeting_id = meeting.id
        section_id = db.session.scalar(sa.select(Section.id).order_by(Section.id).limit(1))

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"csrf_token": token, "email": "timing@example.org",
                                "password": "timing password"})
    board = client.get(f"/meetings/{meeting_id}/board").get_data(as_text=True)
    revision = re.search(r'id="board-state" hidden data-rev="(\d+)"', board).group(1)
    hx = {"HX-Request": "true"}

    print(f"database: {url.split('://')[0]}, {N} requests each, in-process (no network)")
    polls = []
    for _ in range(N):
        start = time.perf_counter()
        response = client.get(f"/meetings/{meeting_id}/board/changes?since={revision}", headers=hx)
        polls.append(time.perf_counter() - start)
        assert response.status_code == 204, response.status_code
    report('"nothing changed" refresh (204)', polls)

    adds = []
    for i in range(N):
        start = time.perf_counter()
        response = client.post(f"/meetings/{meeting_id}/board/entries", headers=hx, data={
            "csrf_token": token, "section_id": section_id, "text": f"Wpis pomiarowy {i}",
            "client_key": f"timing-{i}", "since": revision})
        adds.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        revision = re.search(r'data-rev="(\d+)"', response.get_data(as_text=True)).group(1)
    report("add entry (htmx, with updates)", adds)
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
