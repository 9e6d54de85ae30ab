"""Property-based fuzzing of every form and fragment endpoint (hypothesis).

Generated input — any unicode, control characters, NUL bytes, huge strings, HTML/JS,
SQL-looking text, foreign, negative and non-existent ids, impossible dates — is sent to every
state-changing endpoint (with a valid CSRF token, so that validation itself is exercised) and
to the fragment endpoints' query strings, as an admin and as an anonymous visitor. No answer
may be a server error, and an answer that refuses the input must leave the database as it was.

About 10,000 requests in all (FUZZ_EXAMPLES scales it); under CI the examples are derandomized
so that a run is reproducible.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.extensions import db
from tests.test_access import build_world, walk

SCALE = float(os.environ.get("FUZZ_EXAMPLES", "1"))


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=max(1, examples), deadline=None,
                    derandomize=bool(os.environ.get("CI")), database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

# Endpoints whose only input is the token: each accepted request renders a PDF (a job),
# which proves nothing new about input handling and costs a second.
SKIP = {"auth.logout", "reports.publish", "reports.draft", "remarks.publish_stances", "auth.login"}

FIELDS = [
    "title", "slug", "organizer", "partner_short", "program", "description", "status",
    "submissions_open_at", "submissions_close_at", "receipt_prefix", "number", "code", "name",
    "email", "password", "role", "active", "facilitators", "date", "location", "goal",
    "participants", "facilitator", "prepared_by", "agenda", "show_kinds", "text", "kind",
    "section_id", "parent_id", "client_key", "since", "version", "direction", "target",
    "position", "heading", "question", "part_id", "subject", "plane_id", "priority_id", "topic",
    "label", "organisation", "legal_form", "krs", "other_register", "address", "contact_person",
    "phone", "clause", "website", "remarks-0-target", "remarks-0-remark", "remarks-0-document_ref",
    "remarks-0-proposed_wording", "remarks-0-justification", "remarks-7-remark", "remarks--1-remark",
    "add_remark", "remove_remark", "accept-section_id", "accept-kind", "duplicate-duplicate_of",
    "reject-reason", "stance-stance", "stance-reasoning", "stance-resulting_change", "file",
    "view", "q", "spam", "object_type", "object_id", "user_id", "action", "until", "page",
]

NASTY = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\x01\x02\x1f\x7f", "\u202e\u200b\ufeff", "\U0001f600" * 50,
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
    "' OR 1=1 --", "1; DROP TABLE entry; --", "%s%s%n", "{{ 7*7 }}", "${jndi:ldap://x}",
    "../../etc/passwd", "file:///etc/passwd", "-1", "0", "1", "2", "3", "999999",
    "2147483648", "99999999999999999999999", "1e309", "NaN", "-0", "0x10", "plane:1",
    "priority:1", "plane:999999", "priority:-1", "general", "document", "strength", "idea",
    "up", "down", "2026-02-30", "2026-13-01T25:61", "9999-12-31", "y", "on", "true",
    "admin", "official", "facilitator", "accepted", "not_accepted", "x" * 10_001,
    "ą" * 70_000, "A" * 300_000,
])
VALUES = st.one_of(NASTY, st.text(max_size=40), st.integers(-5, 3_000_000_000).map(str),
                   st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10))


def fingerprint() -> tuple:
    """Counts of every table, and the meetings' revision counters, in one query."""
    db.session.rollback()
    counts = [sa.select(sa.func.count()).select_from(t).scalar_subquery()
              for t in db.metadata.sorted_tables]
    from consult.meetings.models import Meeting

    revisions = sa.select(sa.func.coalesce(sa.func.sum(Meeting.revision), 0)).scalar_subquery()
    return tuple(db.session.execute(sa.select(*counts, revisions)).one())


def targets(app, method: str) -> list:
    return [rule for rule, m, _roles in walk(app)[0]
            if m == method and rule.endpoint not in SKIP and rule.endpoint != "static"]


def path_values(world, rule, choice: int) -> dict:
    """Ids of this consultation (0), of another one (1), or of nothing (2)."""
    from tests.test_access import url_values

    values = url_values(world, rule)
    if choice == 1:
        foreign = {"meeting_id": world.b.meeting.id, "entry_id": world.b.entry.id,
                   "consultation_id": world.b.consultation.id, "plane_id": world.b.plane.id,
                   "priority_id": world.b.priority.id, "document_id": world.b.document.id}
        values.update({k: v for k, v in foreign.items() if k in values})
    elif choice == 2:
        values.update({k: 987654 for k, v in values.items() if isinstance(v, int)})
    return values


def check(response, before, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code >= 400:
        assert fingerprint() == before, f"{what}: refused with {response.status_code} but changed the database"


@pytest.mark.parametrize("role", ["admin", "anonymous"])
def test_fuzzed_forms_never_fail_and_refused_input_changes_nothing(app, make, login_as, client, role):
    world = build_world(make)
    who = client if role == "anonymous" else login_as(world.users["admin"])
    token = who.csrf_token()
    posts = targets(app, "POST")
    examples = int((4000 if role == "admin" else 1500) * SCALE)

    @fuzz_settings(examples)
    @given(target=st.sampled_from(posts), ids=st.sampled_from([0, 0, 1, 2]),
           data=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8), htmx=st.booleans())
    def fuzz(target, ids, data, htmx):
        rule = target
        with app.test_request_context():
            url = url_for(rule.endpoint, **path_values(world, rule, ids))
        before = fingerprint()
        headers = {"HX-Request": "true"} if htmx else {}
        response = who.post(url, data={**data, "csrf_token": token}, headers=headers)
        check(response, before, f"POST {url} {sorted(data)}")

    fuzz()


def test_fuzzed_query_strings_never_fail(app, make, login_as):
    world = build_world(make)
    who = login_as(world.users["admin"])
    gets = targets(app, "GET")

    @fuzz_settings(int(4500 * SCALE))
    @given(target=st.sampled_from(gets), ids=st.sampled_from([0, 1, 2]),
           query=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=5), htmx=st.booleans())
    def fuzz(target, ids, query, htmx):
        rule = target
        with app.test_request_context():
            url = url_for(rule.endpoint, **path_values(world, rule, ids))
        before = fingerprint()
        response = who.get(url, query_string={k: v[:2000] for k, v in query.items()},
                           headers={"HX-Request": "true"} if htmx else {})
        check(response, before, f"GET {url} {sorted(query)}")
        assert fingerprint() == before, f"GET {url} changed the database"

    fuzz()
