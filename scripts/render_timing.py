"""Render time of summary documents next to raw WeasyPrint on the same HTML.

    make render-timing                 (SQLite in a temporary folder)
    ENTRIES=600,3000 make render-timing

For the 2018 demo meeting and for generated meetings of ENTRIES entries (default 600), it
times what publishing does (build the HTML from the database, render a tagged PDF through
the static-only fetcher) and, as the baseline, raw WeasyPrint rendering the same HTML with
its own fetcher from the same files (``HTML(string).write_pdf(pdf_variant="pdf/ua-1")``).
Median of REPEAT runs (default 3). Figures, not asserts.
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPEAT = int(os.environ.get("REPEAT", "3"))
SIZES = [int(n) for n in os.environ.get("ENTRIES", "600").split(",") if n.strip()]


def generated_meeting(demo: dict, entries: int, n: int) -> dict:
    """The demo meeting with its sections filled to ``entries`` entries (every fifth with
    two sub-points), texts of the demo's own lengths and letters."""
    doc = copy.deepcopy(demo)
    doc["meeting"]["title"] = f"Spotkanie konsultacyjne nr {n} ({entries} wpisów)"
    doc["meeting"]["date"] = (date(2018, 6, 1) + timedelta(days=n)).isoformat()
    sections = [s for p in doc["parts"] for s in p["sections"]]
    texts = [e["text"] for s in sections for e in s["entries"]]
    for section in sections:
        section["entries"] = []
    made, i = 0, 0
    while made < entries:
        section = sections[i % len(sections)]
        entry = {"kind": ("strength", "weakness", "conclusion", "idea")[i % 4],
                 "text": f"{texts[i % len(texts)]} (wpis {i + 1})"}
        made += 1
        if i % 5 == 0 and made + 2 <= entries:
            entry["children"] = [{"text": texts[(i + k) % len(texts)]} for k in (1, 2)]
            made += 2
        section["entries"].append(entry)
        i += 1
    return doc


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    import flask_migrate
    from weasyprint import HTML

    from consult import create_app
    from consult.extensions import db
    from consult.meetings import interchange
    from consult.meetings.services import entry_count
    from consult.reports import rendering
    from consult.reports.catalogue import SUMMARY

    workdir = Path(tempfile.mkdtemp(prefix="consult-render-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'render.sqlite3'}",
                      "SECRET_KEY": "timing"}, instance_path=str(workdir / "instance"))
    static_uri = Path(app.static_folder).resolve().as_uri()
    demo = json.loads((Path(app.root_path) / "demo" / "wpw-2018-kultura.json").read_text("utf-8"))

    print(f"median of {REPEAT} runs; consult = HTML from the database + tagged PDF (what "
          "publishing does); raw = WeasyPrint alone on the same HTML")
    print(f"{'document':<28}{'entries':>8}{'pages':>7}{'consult':>11}{'raw':>11}{'ratio':>8}")
    with app.app_context():
        flask_migrate.upgrade()
        meetings = [("demo meeting (2018)", interchange.import_meeting(interchange.parse(json.dumps(demo))))]
        for n, size in enumerate(SIZES, start=1):
            doc = generated_meeting(demo, size, n)
            meetings.append(("generated meeting", interchange.import_meeting(interchange.parse(json.dumps(doc)))))
        db.session.commit()

        for label, meeting in meetings:
            def consult_render(meeting=meeting):
                with app.test_request_context():
                    html = SUMMARY.html(meeting, for_pdf=True)
                    return rendering.render_pdf(html)

            with app.test_request_context():
                html = SUMMARY.html(meeting, for_pdf=True)
            # The same HTML with its static files read by WeasyPrint's own fetcher from disk.
            raw_html = html.replace('"/static/', f'"{static_uri}/')
            assert raw_html != html

            def raw_render(raw_html=raw_html):
                return HTML(string=raw_html).write_pdf(pdf_variant="pdf/ua-1")

            consult_render()  # warm-up: fonts, caches
            ours, pdf = median_time(consult_render, REPEAT)
            raw, raw_pdf = median_time(raw_render, REPEAT)
            assert abs(len(raw_pdf) - len(pdf.content)) < 0.05 * len(pdf.content), "not the same document"
            print(f"{label:<28}{entry_count(meeting=meeting):>8}{pdf.pages:>7}"
                  f"{ours * 1000:>9.0f}ms{raw * 1000:>9.0f}ms{ours / raw:>7.2f}×")
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
