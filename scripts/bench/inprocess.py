"""Figures measured inside this process (no network, no gunicorn): SQL statements per
request (a ``before_cursor_execute`` listener on the engine, Flask test client), the board
page's server time at two sizes, and summary renders next to raw WeasyPrint."""

from __future__ import annotations

import re
import statistics
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

REVISION = re.compile(r'id="board-state"[^>]*data-rev="(\d+)"')


def control_value(html: str, name: str) -> str:
    """The value of the control ``name`` (as tests/pages.py reads it)."""
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    if not match:
        raise AssertionError(f"no {name} on the page")
    return match.group(1)


@contextmanager
def counting(engine):
    """Counts the SQL statements sent through ``engine`` inside the block: ``box[0]``."""
    box = [0]

    def count(*_args, **_kwargs):
        box[0] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield box
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def measured(engine, call):
    """(statements, seconds, response) of one request."""
    with counting(engine) as box:
        start = time.perf_counter()
        response = call()
        seconds = time.perf_counter() - start
    return box[0], seconds, response


def login(client, email: str, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    answer = client.post("/login", data={"csrf_token": control_value(page, "csrf_token"),
                                         "email": email, "password": password})
    assert answer.status_code == 303, f"in-process login: {answer.status_code}"


def expect(response, status: int, what: str):
    if response.status_code != status:
        raise AssertionError(f"{what}: {response.status_code} instead of {status}: "
                             f"{response.get_data(as_text=True)[:500]}")
    return response


def consult_queries(app, world, *, board_repeat: int) -> dict:
    """Statements of one representative request of each operation, and the board page."""
    from consult.extensions import db

    hx = {"HX-Request": "true"}
    out: dict = {}
    # Requests run outside any app context of ours: each gets its own (and its own ``g``,
    # where Flask-Login keeps the user), as under a server.
    with app.app_context():
        engine = db.engine
    a, b = app.test_client(), app.test_client()
    login(a, *world.facilitators[0])
    login(b, *world.facilitators[1])

    demo_board = a.get(f"/meetings/{world.demo_meeting_id}/board").get_data(as_text=True)
    rev = REVISION.search(demo_board).group(1)
    url = f"/meetings/{world.demo_meeting_id}/board/changes?since={rev}"
    a.get(url, headers=hx)  # warm
    q, t, r = measured(engine, lambda: a.get(url, headers=hx))
    expect(r, 204, "nothing-changed refresh")
    out["refresh"] = {"queries": q, "seconds": t}

    live = f"/meetings/{world.live_meeting_id}"
    page_a = a.get(f"{live}/board").get_data(as_text=True)
    page_b = b.get(f"{live}/board").get_data(as_text=True)
    token, rev_a = control_value(page_a, "csrf_token"), REVISION.search(page_a).group(1)
    rev_b = REVISION.search(page_b).group(1)
    data = {"csrf_token": token, "section_id": world.live_sections[0], "parent_id": "",
            "kind": "", "text": "Wpis pomiarowy (in-process)", "client_key": "bench-inprocess",
            "since": rev_a}
    q, t, r = measured(engine, lambda: a.post(f"{live}/board/entries", data=data,
                                              headers={**hx, "X-CSRFToken": token}))
    expect(r, 200, "add entry")
    out["add_entry"] = {"queries": q, "seconds": t}
    q, t, r = measured(engine, lambda: b.get(f"{live}/board/changes?since={rev_b}", headers=hx))
    expect(r, 200, "changes poll after an entry")
    assert "Wpis pomiarowy (in-process)" in r.get_data(as_text=True)
    out["changes_poll"] = {"queries": q, "seconds": t}

    boards = {}
    for entries, meeting_id in sorted(world.board_meetings.items()):
        path = f"/meetings/{meeting_id}/board"
        expect(a.get(path), 200, "board page")  # warm
        counts, times = [], []
        for _ in range(board_repeat):
            q, t, r = measured(engine, lambda path=path: a.get(path))
            expect(r, 200, "board page")
            counts.append(q)
            times.append(t)
        boards[entries] = {"queries": counts[-1], "queries_all": sorted(set(counts)),
                           "median_seconds": statistics.median(times),
                           "max_seconds": max(times), "bytes": len(r.data)}
    out["board"] = boards

    anon = app.test_client()
    form = anon.get(f"/public/{world.slug}/remarks").get_data(as_text=True)
    data = submission_data(control_value(form, "csrf_token"), control_value(form, "form_key"),
                           "Fundacja pomiarowa (in-process)", world.target, 1)
    q, t, r = measured(engine, lambda: anon.post(f"/public/{world.slug}/remarks", data=data))
    expect(r, 303, "submission")
    out["submission"] = {"queries": q, "seconds": t}
    q, t, r = measured(engine, lambda: anon.get(r.headers["Location"]))
    expect(r, 200, "receipt")
    out["receipt"] = {"queries": q, "seconds": t}

    pdf = app.test_client()
    pdf.get(world.pdf_url)
    q, t, r = measured(engine, lambda: pdf.get(world.pdf_url))
    expect(r, 200, "published PDF")
    assert len(r.data) == world.pdf_size
    out["pdf"] = {"queries": q, "seconds": t}
    engine.dispose()
    return out


def baseline_queries(app) -> dict:
    from scripts.bench.baseline import db

    out = {}
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    for name, call in (("const", lambda: client.get("/const")),
                       ("insert", lambda: client.post("/insert", data={"text": "in-process"})),
                       ("pdf", lambda: client.get("/pdf"))):
        call()
        q, t, r = measured(engine, call)
        expect(r, 200, f"baseline {name}")
        out[name] = {"queries": q, "seconds": t}
    engine.dispose()
    return out


def submission_data(csrf: str, form_key: str, organisation: str, target: str, n: int) -> dict:
    """A valid consultation form (the fields tests/loadkit.py's submitters send)."""
    return {"csrf_token": csrf, "form_key": form_key, "organisation": organisation,
            "legal_form": "association", "krs": "0000123456", "address": "ul. Floriańska 1, Kraków",
            "contact_person": "Anna Nowak", "email": "anna@example.org" if n % 2 else "",
            "phone": "" if n % 2 else "12 345 67 89", "remarks-0-target": target,
            "remarks-0-remark": f"Uwaga organizacji {organisation}", "clause": "y", "website": ""}


def renders(app, world, *, repeat: int, log=print) -> list[dict]:
    """consult's render (HTML from the database + tagged PDF, what publishing does) next to
    raw WeasyPrint on the same HTML with its own fetcher (as scripts/render_timing.py): runs
    interleaved, alternating which goes first, median of ``repeat`` each (3 × ``repeat`` for
    the small demo); one warm-up render first (fonts, caches)."""
    from weasyprint import HTML

    from consult.extensions import db
    from consult.meetings.models import Meeting
    from consult.meetings.services import entry_count
    from consult.reports import rendering
    from consult.reports.catalogue import SUMMARY

    static_uri = Path(app.static_folder).resolve().as_uri()
    results = []
    with app.app_context():
        meetings = [("demo", world.demo_meeting_id)] + [
            (str(size), mid) for size, mid in sorted(world.render_meetings.items())]
        warmed = False
        for label, meeting_id in meetings:
            meeting = db.session.get(Meeting, meeting_id)

            def consult_render(meeting=meeting):
                with app.test_request_context():
                    return rendering.render_pdf(SUMMARY.html(meeting, for_pdf=True))

            with app.test_request_context():
                with counting(db.engine) as box:
                    html = SUMMARY.html(meeting, for_pdf=True)
            raw_html = html.replace('"/static/', f'"{static_uri}/')
            assert raw_html != html, "the summary refers to no static file"

            def raw_render(raw_html=raw_html):
                return HTML(string=raw_html).write_pdf(pdf_variant="pdf/ua-1")

            if not warmed:
                consult_render()
                warmed = True
            ours, raw, pdf, raw_pdf = [], [], None, None
            # The demo renders in a third of a second, where noise weighs most: 3× the runs.
            for i in range(repeat * 3 if label == "demo" else repeat):
                for which in ((0, 1) if i % 2 == 0 else (1, 0)):  # alternate who goes first
                    start = time.perf_counter()
                    if which == 0:
                        pdf = consult_render()
                        ours.append(time.perf_counter() - start)
                    else:
                        raw_pdf = raw_render()
                        raw.append(time.perf_counter() - start)
            assert abs(len(raw_pdf) - len(pdf.content)) < 0.05 * len(pdf.content), "not the same document"
            row = {"meeting": label, "entries": entry_count(meeting=meeting), "pages": pdf.pages,
                   "consult_seconds": statistics.median(ours), "raw_seconds": statistics.median(raw),
                   "consult_all": ours, "raw_all": raw, "html_queries": box[0]}
            log(f"  render {row['entries']:>5} entries, {row['pages']:>3} pages: consult "
                f"{row['consult_seconds'] * 1000:.0f} ms, raw WeasyPrint {row['raw_seconds'] * 1000:.0f} ms")
            results.append(row)
        db.session.remove()
        db.engine.dispose()
    return results
