"""Load and faults (issue 6): consult under gunicorn (several workers, threads) on the suite's
database — a SQLite file in WAL mode with a busy timeout, or PostgreSQL — with NGO submitters
and facilitators at work at once and a worker killed with SIGKILL mid-run. Afterwards every
write the server acknowledged is in the database exactly once, nothing is duplicated, the
receipt numbers have no gaps, the audit trail matches, and the server still answers.

Bounded here (about 15 s of load); ``make soak`` runs it for 10 minutes with more clients
and one kill per 45 s of run time, spread over its middle 60 % (LOAD_SECONDS, LOAD_KILLS,
LOAD_SUBMITTERS, LOAD_FACILITATORS, LOAD_WORKERS).
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from consult.consultations.models import Consultation
from consult.core.enums import ConsultationStatus
from consult.core.models import Revision, utcnow
from consult.extensions import db
from consult.meetings.models import Entry, Meeting
from consult.remarks.models import Remark, Submission
from consult.room.models import Contribution
from tests.conftest import PASSWORD
from tests.loadkit import GUNICORN, Plan, Server, drive

PLAN = Plan(seconds=float(os.environ.get("LOAD_SECONDS", "15")),
            workers=int(os.environ.get("LOAD_WORKERS", "3")),
            submitters=int(os.environ.get("LOAD_SUBMITTERS", "4")),
            facilitators=int(os.environ.get("LOAD_FACILITATORS", "3")),
            kills=int(os.environ.get("LOAD_KILLS", "1")),
            participants=int(os.environ.get("LOAD_PARTICIPANTS", "3")))


@pytest.fixture
def world(make):
    """An open consultation with a plane, and a meeting with four sections and two facilitators."""
    first, second = make.user(email="f1@example.org"), make.user(email="f2@example.org")
    consultation = make.consultation(
        title="Konsultacje pod obciążeniem", status=ConsultationStatus.OPEN,
        submissions_open_at=utcnow() - timedelta(days=1), submissions_close_at=utcnow() + timedelta(days=1),
        facilitators=[first, second])
    plane = make.plane(consultation, 1, "Tworzenie polityk publicznych")
    meeting = make.meeting(consultation, room_open=True, room_code="ldtest")  # the room sends ideas too
    sections = [make.section(meeting, f"Część {n}", topic=f"Temat {n}").id for n in range(4)]
    return {"slug": consultation.slug, "target": f"plane:{plane.id}", "meeting_id": meeting.id,
            "sections": sections, "consultation_id": consultation.id, "room_code": meeting.room_code,
            "facilitators": [(first.email, PASSWORD), (second.email, PASSWORD)]}


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this environment")
def test_under_load_a_killed_worker_loses_no_acknowledged_write(app, world, tmp_path, migrated):
    db.session.commit()
    db.session.remove()  # the server's workers write now; this process only reads afterwards
    server = Server(migrated, tmp_path / "instance", workers=PLAN.workers, threads=PLAN.threads)
    try:
        server.wait_ready()
        first_workers = set(server.worker_pids())
        print(f"\ngunicorn {PLAN.workers} workers × {PLAN.threads} threads on "
              f"{sa.make_url(migrated).get_backend_name()}, {PLAN.seconds:.0f} s, "
              f"{PLAN.submitters} submitters, {PLAN.facilitators} facilitators, {PLAN.participants} phones")
        ledger = drive(server, PLAN, slug=world["slug"], target=world["target"],
                       meeting_id=world["meeting_id"], sections=world["sections"],
                       facilitators=world["facilitators"], room_code=world["room_code"])
        # The server keeps answering: the master replaced the dead, every worker serves.
        workers = set(server.worker_pids())
        assert len(workers) == PLAN.workers and workers != first_workers, server.tail()
        after = [requests.get(server.url + "/login", timeout=10).status_code for _ in range(3 * PLAN.workers)]
        assert after == [200] * len(after)
        log = server.log_text()
    finally:
        server.stop()

    print(f"  {ledger.kills} worker(s) killed; requests: {dict(sorted(ledger.statuses.items()))}; answers lost: "
          f"{ledger.broken}, writes sent again: {ledger.retried}; acknowledged after the kill: "
          f"{ledger.acknowledged_after_kill}")
    print(f"  acknowledged: {len(ledger.submissions)} submissions, {len(ledger.entries)} entries, "
          f"{len(ledger.ideas)} ideas from the room")
    assert not ledger.server_errors, ledger.server_errors[:10]
    assert "Traceback" not in log, log[log.index("Traceback"):][:3000]
    assert ledger.submissions and ledger.entries and ledger.ideas, "the clients acknowledged nothing"
    assert ledger.acknowledged_after_kill > 0, "nothing was written after the kill"

    db.session.expire_all()
    # Submissions: each acknowledged one once, with the receipt number its receipt showed.
    rows = db.session.execute(sa.select(Submission.organisation, Submission.receipt_number,
                                        Submission.sequence, Submission.submitted_at,
                                        Submission.idempotency_key)).all()
    by_organisation = Counter(r.organisation for r in rows)
    twice = [r for r in rows if by_organisation[r.organisation] > 1]
    assert twice == [], "stored twice (acknowledged: %s)" % {
        r.organisation: ledger.submissions.get(r.organisation) for r in twice}
    receipts = {r.organisation: r.receipt_number for r in rows}
    missing = {o: n for o, n in ledger.submissions.items() if receipts.get(o) != n}
    assert missing == {}, f"acknowledged submissions missing or renumbered: {missing}"
    sequences = sorted(r.sequence for r in rows)
    counter = db.session.scalar(sa.select(Consultation.receipt_counter)
                                .where(Consultation.id == world["consultation_id"]))
    assert sequences == list(range(1, len(rows) + 1)) and counter == len(rows)  # no gaps
    assert db.session.scalar(sa.select(sa.func.count(Remark.id))) == len(rows)

    # Entries: each acknowledged one once, with its last acknowledged text.
    entries = db.session.execute(sa.select(Entry.id, Entry.client_key, Entry.text, Entry.section_id,
                                           Entry.parent_id, Entry.position)).all()
    by_key = {e.client_key: e for e in entries}
    wrong = {k: (t, by_key[k].text if k in by_key else None) for k, t in ledger.entries.items()
             if k not in by_key or by_key[k].text != t}
    assert wrong == {}, f"acknowledged entries missing or with another text: {wrong}"
    assert all(by_key[k].id == i for k, i in ledger.entry_ids.items())
    places = Counter((e.section_id, e.parent_id, e.position) for e in entries)
    assert [p for p, n in places.items() if n > 1] == []  # the board's order is intact
    # The audit trail: one "create" per entry and per submission, in the same transactions.
    creates = Counter(db.session.execute(sa.select(Revision.object_type, Revision.object_id)
                                         .where(Revision.action.in_(("create", "submit")))).all())
    assert {("entry", e.id) for e in entries} <= set(creates) and max(creates.values()) == 1
    assert sum(1 for t, _ in creates if t == "submission") == len(rows)
    revision = db.session.scalar(sa.select(Meeting.revision).where(Meeting.id == world["meeting_id"]))
    assert revision >= len(entries)
    # Ideas from the room: each acknowledged one once, in its section, waiting in the queue.
    ideas = db.session.execute(sa.select(Contribution.client_key, Contribution.section_id, Contribution.text,
                                         Contribution.rev)).all()
    stored_ideas = {i.client_key: (i.section_id, i.text) for i in ideas}
    assert len(stored_ideas) == len(ideas)
    lost = {k: v for k, v in ledger.ideas.items() if stored_ideas.get(k) != v}
    assert lost == {}, f"acknowledged ideas missing or changed: {lost}"
    room_rev = db.session.scalar(sa.select(Meeting.room_rev).where(Meeting.id == world["meeting_id"]))
    assert sorted(i.rev for i in ideas) == list(range(1, len(ideas) + 1)) and room_rev == len(ideas)
