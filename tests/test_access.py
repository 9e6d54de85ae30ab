"""The access matrix (consult/core/access.py) holds for every endpoint of the URL map and every
role; every state-changing endpoint refuses a request without a valid CSRF token."""

from __future__ import annotations

import io
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import url_for
from werkzeug.datastructures import FileStorage

from consult.core.access import ACCESS, BY_KIND, ROLES
from consult.core.enums import ConsultationStatus, Role
from consult.core.models import utcnow
from consult.extensions import db
from tests.pages import flashes

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
       b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
       b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n")  # a real one-page PDF
# Run after everything else (in this order): they take away what later requests would use.
LAST = ("review.decide", "review.close_review", "room.accept", "room.dismiss", "room.undismiss", "room.set_state",
        "capture.delete_entry", "pages.document_remove", "participants.remove_attendee",
        "participants.cancel_registration", "participants.registration", "auth.logout")


def build_world(make):
    """Two open consultations, each with a facilitator, a meeting with an entry, a plane, a
    priority; the first also with a published summary, compilation and report, a render job,
    an NGO submission and a document."""
    from consult.consultations import services as consultations
    from consult.remarks import intake
    from consult.reports import jobs
    from consult.reports.catalogue import COMPILATION, REPORT, SUMMARY

    users = {
        "official": make.user(Role.OFFICIAL, email="official@example.org"),
        "facilitator": make.user(Role.FACILITATOR, email="facilitator@example.org"),
        "other_facilitator": make.user(Role.FACILITATOR, email="other@example.org"),
        "admin": make.user(Role.ADMIN, email="admin@example.org"),
    }
    window = {"submissions_open_at": utcnow() - timedelta(days=1),
              "submissions_close_at": utcnow() + timedelta(days=7)}
    mine = make.consultation(title="Konsultacje Pierwsze", facilitators=[users["facilitator"]],
                             status=ConsultationStatus.OPEN, **window)
    theirs = make.consultation(title="Konsultacje Drugie", facilitators=[users["other_facilitator"]],
                               status=ConsultationStatus.OPEN, **window)

    def objects(consultation):
        plane = make.plane(consultation, 1, "Płaszczyzna")
        priority = make.priority(consultation, "I.1", "Priorytet")
        meeting = make.meeting(consultation, participants=5)
        section = make.section(meeting, heading="Opinie", plane=plane)
        entry = make.entry(section, "Wpis")
        document = consultations.add_document(
            consultation, "Projekt", FileStorage(io.BytesIO(PDF), "projekt.pdf"), users["admin"])
        db.session.commit()
        return SimpleNamespace(consultation=consultation, plane=plane, priority=priority,
                               meeting=meeting, section=section, entry=entry, document=document)

    a, b = objects(mine), objects(theirs)
    from consult.participants import services as participants

    def people(side):
        side.meeting.registration_open = True
        side.meeting.date = date.today() + timedelta(days=30)
        registered = participants.register(side.meeting, {
            "organisation": "Stowarzyszenie", "name": "Jan Nowak", "email": f"jan{side.meeting.id}@example.org",
            "needs": None})
        side.registration, side.registration_token = registered.registration, registered.token
        side.attendee_id = participants.add_attendee(side.meeting, "Fundacja", "Ewa", None).id
        from consult.room import services as room

        room.set_open(side.meeting, users["admin"], True)
        side.contribution_id = room.contribute(side.meeting, side.section.id, "Pomysł z sali", "telefon",
                                               None).id
        from consult.review import services as review

        invited = review.open_review(side.meeting, users["admin"], 7, None)
        side.review_id, (reviewer, side.review_token) = invited.review.id, invited.tokens[0]
        side.comment_id = review.comment(reviewer, side.entry.id, "Inaczej", None).id

    people(a)
    people(b)
    db.session.commit()
    job = jobs.render_now(SUMMARY, a.meeting, users["facilitator"], publishes=True, runner="cli")
    jobs.render_now(COMPILATION, mine, users["facilitator"], publishes=True, runner="cli")
    jobs.render_now(REPORT, mine, users["official"], publishes=True, runner="cli")
    received = intake.submit(mine, {
        "organisation": "Fundacja", "legal_form": "foundation", "krs": "0000123456",
        "address": "Kraków", "contact_person": "Anna", "email": "anna@example.org", "phone": None,
        "remarks": [{"target": "general", "remark": "Uwaga", "document_ref": None,
                     "proposed_wording": None, "justification": None}]})
    # A password reset link of the facilitator (the admin's reset-link action, run on the
    # official, must not end it before the reset page is asked).
    from consult.auth import passwords

    reset_token = passwords.new_link(users["facilitator"], None)
    # Remarks registered from paper, with the scan (a file of each consultation).
    from consult.core.formatting import site_today
    from consult.remarks import registry

    def registered(consultation):
        submission = registry.register(consultation, {
            "channel": "paper", "received_on": site_today(), "organisation": "Stowarzyszenie Papierowe",
            "legal_form": "association", "krs": "0000123456", "address": "Kraków", "contact_person": "Jan",
            "email": None, "phone": "12 345 67 89",
            "remarks": [{"target": "general", "remark": "Na papierze", "document_ref": None,
                         "proposed_wording": None, "justification": None}]},
            users["admin"], FileStorage(io.BytesIO(PDF), "skan.pdf")).submission
        return SimpleNamespace(submission_id=submission.id, file_id=submission.files[0].id)

    a.paper, b.paper = registered(mine), registered(theirs)
    # An e-mail that could not be sent (the admins' outbox page sends it again).
    from consult.core.enums import MailKind, MailStatus
    from consult.outbox.models import OutgoingMail

    failed_mail = OutgoingMail(kind=MailKind.RECEIPT, recipient="anna@example.org", subject="Potwierdzenie",
                               message=b"", status=MailStatus.FAILED, attempts=6)
    db.session.add(failed_mail)
    db.session.commit()
    return SimpleNamespace(users=users, a=a, b=b, job=job, publication=job.publication,
                           token=received.token, remark=received.submission.remarks[0],
                           reset_token=reset_token, mail_id=failed_mail.id)


def url_values(world, rule) -> dict:
    """The URL's values for ``rule`` (a document kind's rule: its kind and format too)."""
    from consult.reports import catalogue

    a = world.a
    kind = catalogue.KINDS.get((rule.defaults or {}).get("kind"))
    values = {
        "subject_id": a.meeting.id if kind and kind.subject_name == "meeting" else a.consultation.id,
        "consultation_id": a.consultation.id, "meeting_id": a.meeting.id, "entry_id": a.entry.id,
        "plane_id": a.plane.id, "priority_id": a.priority.id, "document_id": a.document.id,
        "publication_id": world.publication.id, "job_id": world.job.id,
        "remark_id": world.remark.id, "user_id": world.users["official"].id,
        "slug": a.consultation.slug,
        "token": world.reset_token if rule.endpoint == "auth.reset_password"
        else a.registration_token if rule.endpoint == "participants.registration"
        else a.review_token if rule.endpoint.startswith("review.") else world.token,
        "review_id": a.review_id, "comment_id": a.comment_id, "mail_id": world.mail_id,
        "submission_id": a.paper.submission_id, "file_id": a.paper.file_id,
        "registration_id": a.registration.id, "attendee_id": a.attendee_id,
        "contribution_id": a.contribution_id, "code": a.meeting.room_code,
        "filename": "css/app.css", "fmt": "csv",
        "file_name": a.document.file_name if rule.endpoint == "public.document"
        else world.publication.file_name,
    }
    defaults = rule.defaults or {}
    return {**{name: values[name] for name in rule.arguments if name not in defaults}, **defaults}


def denied(response) -> bool:
    """Refused, or hidden: 401/403/404, or sent to log in first (the login page with ?next=;
    logging out also ends on the login page, without one)."""
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code in (301, 302, 303) and "/login?next=" in (response.location or "")


def walk(app):
    """Every (rule, method, allowed roles) of the URL map, destructive ones last."""
    steps, missing = [], []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            roles = ACCESS.get((rule.endpoint, method))
            if roles is None:
                missing.append(f"{rule.endpoint} {method}")
                continue
            if roles == BY_KIND:
                from consult.reports import catalogue

                roles = catalogue.get(rule.defaults["kind"]).publishers
            steps.append((rule, method, roles))
    steps.sort(key=lambda s: (s[1] == "POST", s[0].endpoint in LAST and LAST.index(s[0].endpoint)))
    return steps, missing


def test_every_endpoint_is_in_the_access_table(app):
    steps, missing = walk(app)
    assert not missing, "endpoints missing from consult/core/access.py: " + ", ".join(missing)
    known = {(rule.endpoint, method) for rule, method, _r in steps}
    stale = [key for key in ACCESS if key not in known]
    assert not stale, f"rows for endpoints that do not exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_answers_each_role_as_the_table_says(app, make, login_as, client, role):
    world = build_world(make)
    who = client if role == "anonymous" else login_as(world.users[role])
    token = who.csrf_token()
    wrong = []
    for rule, method, roles in walk(app)[0]:
        with app.test_request_context():
            url = url_for(rule.endpoint, **url_values(world, rule))
        if method == "GET":
            response = who.get(url)
        else:
            response = who.post(url, data={"csrf_token": token})
        assert response.status_code < 500, f"{method} {url} as {role}: {response.status_code}"
        allowed = role in roles
        if denied(response) == allowed:
            wrong.append(f"{method} {url} ({rule.endpoint}): "
                         f"{'allowed' if allowed else 'denied'} by the table, got {response.status_code} "
                         f"{response.location or ''}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("endpoint, parent, child", [
    ("capture.entry_view", "meeting_id", "entry_id"),
    ("capture.history", "meeting_id", "entry_id"),
    ("capture.edit_entry_form", "meeting_id", "entry_id"),
    ("capture.edit_entry", "meeting_id", "entry_id"),
    ("capture.delete_entry", "meeting_id", "entry_id"),
    ("consultations.plane_edit", "consultation_id", "plane_id"),
    ("consultations.priority_edit", "consultation_id", "priority_id"),
    ("pages.document_remove", "consultation_id", "document_id"),
    ("participants.remove_attendee", "meeting_id", "attendee_id"),
    ("participants.cancel_registration", "meeting_id", "registration_id"),
    ("participants.restore_registration", "meeting_id", "registration_id"),
    ("room.accept", "meeting_id", "contribution_id"),
    ("room.dismiss", "meeting_id", "contribution_id"),
    ("room.merge", "meeting_id", "contribution_id"),
    ("review.close_review", "meeting_id", "review_id"),
    ("review.add_reviewers", "meeting_id", "review_id"),
    ("remarks.submission_file", "submission_id", "file_id"),
])
def test_an_object_of_another_consultation_is_not_reached_through_ones_own(
        app, make, login_as, endpoint, parent, child):
    """/meetings/<mine>/entries/<theirs>: the child must belong to the parent in the URL.
    Pages answer 404 (or 403 where the role may not at all); a board action sent as a plain
    form is refused with a message on the board (303 back); nothing of theirs changes."""
    world = build_world(make)
    own = {"meeting_id": world.a.meeting.id, "consultation_id": world.a.consultation.id,
           "submission_id": world.a.paper.submission_id}
    foreign = {"entry_id": world.b.entry.id, "plane_id": world.b.plane.id,
               "priority_id": world.b.priority.id, "document_id": world.b.document.id,
               "attendee_id": world.b.attendee_id, "registration_id": world.b.registration.id,
               "contribution_id": world.b.contribution_id, "review_id": world.b.review_id,
               "file_id": world.b.paper.file_id}
    for role in ("facilitator", "admin"):
        who = login_as(world.users[role])
        with app.test_request_context():
            url = url_for(endpoint, **{parent: own[parent], child: foreign[child]})
        methods = [m for m in app.url_map._rules_by_endpoint[endpoint][0].methods if m in ("GET", "POST")]
        for method in methods:
            if method == "GET":
                response = who.get(url)
                assert response.status_code in (403, 404), f"GET {url} as {role}: {response.status_code}"
                continue
            response = who.post(url, data={"csrf_token": who.csrf_token(), "text": "Przejęte",
                                            "title": "Przejęte", "code": "II.9", "version": "1"})
            assert response.status_code in (303, 403, 404), f"POST {url} as {role}: {response.status_code}"
            if response.status_code == 303:
                assert "Tego wpisu nie ma w tym spotkaniu (albo został usunięty)." in flashes(
                    who.get(response.location).get_data(as_text=True))
    db.session.expire_all()
    assert (world.b.entry.text, world.b.entry.deleted_at) == ("Wpis", None)
    assert (world.b.plane.title, world.b.priority.code) == ("Płaszczyzna", "I.1")
    assert world.b.document.deleted_at is None
    assert world.b.registration.active and world.b.meeting.attendee_count == 1


def everything() -> dict[str, int]:
    db.session.expire_all()
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.mark.parametrize("role", ["anonymous", "admin", "facilitator"])
def test_every_state_changing_endpoint_refuses_a_request_without_a_csrf_token(app, make, login_as, client, role):
    world = build_world(make)
    who = client if role == "anonymous" else login_as(world.users[role])
    before = everything()
    posts = [rule for rule, method, _roles in walk(app)[0] if method == "POST"
             and rule.endpoint != "auth.logout"]
    assert len(posts) > 30
    for rule in posts:
        with app.test_request_context():
            url = url_for(rule.endpoint, **url_values(world, rule))
        for data in ({}, {"csrf_token": "forged-token"}):
            response = who.post(url, data=data)
            if rule.endpoint == "remarks.submit":  # checks its own token, keeping what was typed
                assert response.status_code == 422 and "Formularz wygasł" in response.get_data(as_text=True)
            elif rule.endpoint == "auth.login" and role != "anonymous":
                assert response.status_code in (302, 400)  # already logged in: sent on
            else:
                assert response.status_code == 400, f"POST {url} without a token as {role}: {response.status_code}"
    assert everything() == before
    logout = who.post("/logout")
    assert logout.status_code in (302, 400)
    if role != "anonymous":
        assert who.get("/consultations/").status_code == 200  # still logged in


def test_admins_browse_and_filter_the_audit_trail(app, make, login_as):
    from tests.pages import find, parse, text

    world = build_world(make)
    editor = login_as(world.users["facilitator"])
    editor.submit(f"/remarks/{world.remark.id}/reject", {"reject-reason": "Nie na temat"})
    admin = login_as(world.users["admin"])
    page = admin.get("/admin/revisions?object_type=postulate").get_data(as_text=True)
    rows = parse(page).select("table.revisions tbody tr")
    assert len(rows) == 1
    cells = [text(td) for td in rows[0].find_all("td")]
    # In words of the reader's language, not stored names (issue 17, point 11).
    assert cells[1] == "Test User" and cells[2] == f"uwaga #{world.remark.id}" and cells[3] == "odrzucona"
    assert "Stan oczekuje na rozpatrzenie → odrzucona" in cells[4] and "Powód odrzucenia — → Nie na temat" in cells[4]
    submitted = admin.get("/admin/revisions?object_type=submission&action=submit").get_data(as_text=True)
    [row] = parse(submitted).select("table.revisions tbody tr")
    assert text(row.find_all("td")[1]) == "system lub osoba z zewnątrz"  # the public, no account
    mine = admin.get(f"/admin/revisions?user_id={world.users['facilitator'].id}").get_data(as_text=True)
    assert {text(tr.find_all("td")[1]) for tr in parse(mine).select("table.revisions tbody tr")} == {"Test User"}
    none = admin.get("/admin/revisions?since=2999-01-01&object_id=abc&page=-3").get_data(as_text=True)
    assert "Żadna zmiana nie pasuje." in text(find(none, "table.revisions"))
    # A NUL in a text filter (PostgreSQL refuses it in a query) is dropped, not a server error.
    nul = admin.get("/admin/revisions?object_type=submission%00&action=%00")
    assert nul.status_code == 200
    assert text(find(nul.get_data(as_text=True), "table.revisions")) == text(find(
        admin.get("/admin/revisions?object_type=submission").get_data(as_text=True), "table.revisions"))
