"""Every page validates: the Nu HTML Checker (vnu, the checker behind validator.w3.org/nu)
reports no error on any page a role reaches.

With the demo data (`flask demo`, the consultation opened, one NGO submission waiting and
one whose remarks were accepted with a published stance, merged and rejected), the test
client of each role — anonymous (with the NGO's tracking page and receipt), facilitator,
official, admin, in Polish and in English — crawls every same-site link from its start pages
(the board, the projector, the previews of the documents, the moderation queue, the remark
pages…), as the axe sweep of tests/browser does, and meets the states a person meets on the
way: every form page and every form with a text field sent empty (its errors shown), and a
remark sent (its receipt). Each page's HTML is saved to a folder, and ONE run of vnu checks
them all (``--errors-only``); the test fails listing each error with the page's address,
line and message.

vnu comes from the npm package ``vnu-jar`` (a pinned dev dependency in package.json, put
into node_modules by ``make setup``) and needs Java 17 or later on PATH. Without either the
test is skipped with the reason — except in CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import sqlalchemy as sa

from consult.consultations.models import Consultation
from consult.extensions import db
from consult.meetings.models import Meeting
from tests.conftest import Client
from tests.pages import DOWNLOAD, page_key, parse
from tests.test_remarks import received, valid

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
MAX_PAGES = 150  # per role and language; the demo has about 45 distinct pages per role
TEXT_INPUTS = {"text", "email", "tel", "url", "search", "number", "password", "date", "time",
               "datetime-local"}

# Messages of vnu that are a limitation of the checker, not an error of the page, by their
# exact text. None so far: what it found (hx-* attributes, autocomplete=street-address on an
# <input>) was fixed in the templates, not filtered.
CHECKER_LIMITATIONS: frozenset[str] = frozenset()


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"the HTML checker cannot run in CI: {reason}")
    pytest.skip(f"HTML not validated: {reason}")


@pytest.fixture
def vnu() -> list[str]:
    """The command line of vnu: ``java -jar …/vnu.jar``."""
    java = shutil.which("java")
    if java is None:
        unavailable("no java on PATH (Java 17+: apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        unavailable(f"{VNU_JAR.relative_to(ROOT)} is missing (npm's vnu-jar: make setup with npm)")
    return [java, "-jar", str(VNU_JAR)]


class Crawl:
    """The pages met by the clients, saved as numbered .html files in ``folder``."""

    def __init__(self, folder: Path):
        self.folder, self.pages, self.failures = folder, {}, []
        folder.mkdir()

    def save(self, label: str, html: str) -> None:
        name = f"page-{len(self.pages):04d}.html"
        (self.folder / name).write_text(html, encoding="utf-8")
        self.pages[name] = label

    def visit(self, client: Client, who: str, starts: list[str]) -> list[tuple[str, str]]:
        """Every page reachable from ``starts`` by same-site links; returns (address, HTML)
        of each, after saving it. Addresses that differ only in their numbers count as one
        page, except the starts (the same page in another state: a remark of each status)."""
        queue, seen, visited = deque(starts), set(), []
        starts = set(starts)
        while queue and len(visited) < MAX_PAGES:
            url = urldefrag(queue.popleft())[0]
            parts = urlsplit(url)
            key = page_key(url)
            if (key in seen and url not in starts) or DOWNLOAD.search(parts.path):
                continue
            seen.add(key)
            starts.discard(url)
            response = client.get(url, follow_redirects=True)
            if response.status_code >= 500:
                self.failures.append(f"{who} {url}: {response.status_code}")
            if not response.mimetype == "text/html":
                continue
            html = response.get_data(as_text=True)
            self.save(f"{who} GET {url}", html)
            visited.append((url, html))
            for link in parse(html).select("a[href]"):
                target = urljoin("http://localhost" + url, link["href"])
                if urlsplit(target).netloc == "localhost" and page_key(urldefrag(target)[0]) not in seen:
                    queue.append(urlsplit(target)._replace(scheme="", netloc="").geturl())
        return visited

    def send_empty_forms(self, client: Client, who: str, pages: list[tuple[str, str]]) -> None:
        """Each form with a text field, sent with every field emptied (hidden ones kept):
        the page of its errors. One per kind of address, so that a long meeting's entries
        count once."""
        sent = set()
        for url, html in pages:
            for form in parse(html).select("form"):
                if form.get("method", "get").lower() != "post" or not form.select(
                        "textarea, " + ", ".join(f"input[type={t}]" for t in TEXT_INPUTS)):
                    continue
                action = urlsplit(urljoin("http://localhost" + url, form.get("action") or url))
                if action.netloc != "localhost" or page_key(action.path) in sent:
                    continue
                sent.add(page_key(action.path))
                data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")
                        if field.get("name")}
                response = client.post(action.path, data=data)
                if response.status_code >= 500:
                    self.failures.append(f"{who} POST {action.path} (empty): {response.status_code}")
                elif response.mimetype == "text/html" and response.status_code != 303:
                    self.save(f"{who} POST {action.path} (fields empty, from {url})",
                              response.get_data(as_text=True))


def answered(consultation: Consultation, meeting: Meeting) -> tuple[str, list[str]]:
    """A second submission whose remarks were handled every way (accepted onto the meeting's
    board with a published stance, merged, rejected, accepted waiting for its stance), so
    that its tracking page, the queue, the remark pages and the report show each state;
    returns its tracking page and the pages of its remarks."""
    from consult.auth.models import User
    from consult.meetings.models import Part, Section
    from consult.remarks import moderation, stances

    admin = db.session.scalars(sa.select(User).where(User.email == "admin@consult.example")).one()
    section = db.session.scalars(sa.select(Section).join(Part).where(Part.meeting_id == meeting.id)).first()
    submission, token = received(consultation, "Stowarzyszenie Beta", (
        "Dłuższy nabór wniosków.", "Wydłużyć nabór.", "Reklama usług.", "Więcej szkoleń."))
    first, copy, rejected, waiting = submission.remarks
    moderation.accept(first, admin, section_id=section.id)
    stances.set_stance(first, admin, "partly", "Nabór wydłużono do 30 dni.", "§ 7 ust. 1: „30 dni”.")
    moderation.mark_duplicate(copy, admin, first.id)
    moderation.reject(rejected, admin, "Uwaga nie dotyczy programu.")
    stances.publish_stances(consultation, admin)
    moderation.accept(waiting, admin)
    db.session.commit()
    return f"/public/tracking/{token}", [f"/remarks/{remark.id}" for remark in submission.remarks]


def password_link() -> str:
    """The page of a link to set a new password, as the facilitator's e-mail brings it."""
    from consult.auth import passwords
    from consult.auth.models import User

    user = db.session.scalars(sa.select(User).where(User.email == "facilitator@consult.example")).one()
    token = passwords.new_link(user, None)
    db.session.commit()
    return f"/password/reset/{token}"


@pytest.mark.markup
def test_every_page_has_no_html_error(vnu, app, demo_site, tmp_path):
    consultation = db.session.scalars(sa.select(Consultation)).one()
    meeting = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).first()  # the 2018 one
    tracking, remarks = answered(consultation, meeting)
    reset = password_link()
    app.test_client_class = Client
    crawl = Crawl(tmp_path / "pages")
    slug = demo_site["slug"]
    documents = [f"/meetings/{meeting.id}/summary", f"/consultations/{consultation.id}/report",
                 f"/consultations/{consultation.id}/summaries", f"/meetings/{meeting.id}/projector",
                 f"/meetings/{meeting.id}/projector?theme=light", f"/meetings/{meeting.id}/board"]
    for who, language in [("anonymous", "pl"), ("anonymous", "en"), ("facilitator", "pl"),
                          ("official", "pl"), ("admin", "pl"), ("admin", "en")]:
        client = app.test_client()
        client.set_cookie("lang", language)
        label = f"{who} ({language})"
        if who == "anonymous":
            starts = ["/", "/public/", f"/public/{slug}", f"/public/{slug}/remarks", demo_site["tracking"],
                      demo_site["registration"], demo_site["room"],
                      demo_site["review"], tracking,
                      f"/public/{slug}/tracking-link", f"/public/{slug}/privacy", "/login",
                      "/accessibility", "/privacy", reset, "/password/reset/not-a-link",
                      "/public/no-such-consultation"]
        else:
            email = f"{who}@consult.example"
            assert client.login(email, demo_site["accounts"][email]).status_code == 303
            # /admin/users: the admin's page, and for the others the page that refuses them
            starts = ["/", "/consultations/", "/documents/", "/public/", "/admin/users", *documents,
                      *remarks]
        pages = crawl.visit(client, label, starts)
        assert len(pages) >= 8, [url for url, _ in pages]
        if who == "anonymous":  # a remark sent: its receipt
            sent = client.submit(f"/public/{slug}/remarks", valid(consultation))
            assert sent.status_code == 303, sent.get_data(as_text=True)
            crawl.save(f"{label} receipt {sent.location}", client.get(sent.location).get_data(as_text=True))
        crawl.send_empty_forms(client, label, pages)

    assert crawl.failures == [], "server errors:\n" + "\n".join(crawl.failures)
    assert len(crawl.pages) >= 100, crawl.pages
    run = subprocess.run([*vnu, "--errors-only", "--format", "json", "--stdout", "--exit-zero-always",
                          "--skip-non-html", str(crawl.folder)], capture_output=True, text=True, timeout=300)
    if "UnsupportedClassVersionError" in run.stderr:
        unavailable("vnu needs Java 17 or later: " + run.stderr.strip().splitlines()[0])
    assert run.returncode == 0, run.stderr
    messages = json.loads(run.stdout)["messages"]
    errors = [m for m in messages if m.get("message") not in CHECKER_LIMITATIONS]
    print(f"\n{len(crawl.pages)} pages checked by vnu, {len(errors)} errors")
    assert errors == [], f"{len(errors)} HTML errors:\n" + "\n".join(describe(m, crawl.pages) for m in errors)


def describe(message: dict, pages: dict[str, str]) -> str:
    """An error of vnu: the page it was found on (who, how, which address), line, message and
    the code around it."""
    name = Path(urlsplit(message.get("url", "")).path).name
    extract = " ".join(message.get("extract", "").split())
    return (f"{pages.get(name, message.get('url'))}, line {message.get('lastLine', '?')}: "
            f"{message.get('message')}" + (f"\n    {extract}" if extract else ""))
