"""WCAG 2.1 AA with axe-core in Chromium: every page each role can reach from its start
pages with the demo data (`flask demo`, plus one NGO submission), and the states a person
meets on the way (a form sent with errors). Zero violations of wcag2a, wcag2aa, wcag21a and
wcag21aa.

The crawl follows every same-site link of each page; addresses that differ only in their
numbers (/meetings/1/entries/7/history, …/8/history) count as one page, so that a long
meeting does not make the sweep long. Downloads (PDF, DOCX, CSV) are not pages.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
import sqlalchemy as sa

from consult.extensions import db
from tests.browser.conftest import log_in
from tests.pages import DOWNLOAD, page_key

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAX_PAGES = 120  # per role; the demo has about 40 distinct pages


def violations_of(page, axe) -> list[str]:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS},
                                     "resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return found


def sweep(page, base: str, starts: list[str], axe=None,
          check=None) -> tuple[list[str], dict[str, list[str]]]:
    """Visit every page reachable from ``starts``; return (pages checked, problems by page):
    axe's violations, or what ``check(page)`` finds."""
    check = check or (lambda page: violations_of(page, axe))
    queue, seen, checked, problems = deque(starts), set(), [], {}
    while queue and len(checked) < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        key = page_key(url)
        if key in seen or DOWNLOAD.search(urlsplit(url).path):
            continue
        seen.add(key)
        response = page.goto(url if url.startswith("http") else base + url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        checked.append(urlsplit(page.url).path)
        found = check(page)
        if found:
            problems[urlsplit(page.url).path] = found
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if href.startswith(base) and page_key(urldefrag(href)[0]) not in seen:
                queue.append(href)
    return checked, problems


def start_pages(role: str, demo_site, context):
    """A page of ``context`` as ``role`` (logged in through the form), and where a crawl of
    what that role reaches starts."""
    if role == "anonymous":
        return context.new_page(), [
            "/", "/public/", f"/public/{demo_site['slug']}", f"/public/{demo_site['slug']}/remarks",
            demo_site["tracking"], demo_site["registration"], demo_site["room"], demo_site["review"], "/login",
            "/accessibility",
            "/privacy"]
    email = f"{role}@consult.example"
    return log_in(context, email, demo_site["accounts"][email]), ["/", "/consultations/", "/documents/", "/public/"]


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.markup
@pytest.mark.parametrize("role, language", [
    ("anonymous", "pl"), ("official", "pl"), ("facilitator", "pl"), ("admin", "pl"),
    ("anonymous", "en"), ("admin", "en")])
def test_every_page_a_role_reaches_has_no_wcag_violation(role, language, demo_site, new_context,
                                                         live_server, axe):
    context = new_context()
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page, starts = start_pages(role, demo_site, context)
    assert page.goto(live_server + "/public/") and page.locator("html").get_attribute("lang") == language
    checked, problems = sweep(page, live_server, starts, axe)
    assert len(checked) >= 8, checked
    print(f"\n{role} ({language}): {len(checked)} pages checked: {checked}")
    assert problems == {}, "WCAG 2.1 AA violations:\n" + "\n".join(
        f"{url}\n  " + "\n  ".join(found) for url, found in problems.items())


def wider_than_the_window(page) -> list[str]:
    """What sticks out past the right edge of the window (WCAG 1.4.10: no scrolling sideways
    at 320 CSS pixels)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return [];
        return [...document.querySelectorAll("body *")].filter(el => {
            const box = el.getBoundingClientRect();
            return box.width > 0 && box.right > width + 1 && getComputedStyle(el).position !== "fixed"
                && !el.closest(".visually-hidden");
        }).slice(0, 5).map(el => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
            + `${el.className ? "." + String(el.className).split(" ").join(".") : ""}: `
            + `${Math.round(el.getBoundingClientRect().right)} px`);
    }""")


@pytest.mark.markup
@pytest.mark.parametrize("role", ["anonymous", "official", "facilitator", "admin"])
def test_every_page_a_role_reaches_reflows_to_320_px(role, demo_site, new_context, live_server):
    page, starts = start_pages(role, demo_site, new_context())
    page.set_viewport_size({"width": 320, "height": 640})
    checked, problems = sweep(page, live_server, starts, check=wider_than_the_window)
    assert len(checked) >= 8, checked
    assert problems == {}, "wider than 320 px:\n" + "\n".join(
        f"{url}\n  " + "\n  ".join(found) for url, found in problems.items())


def test_forms_with_errors_have_no_wcag_violation(demo_site, new_context, live_server, axe):
    page = new_context().new_page()
    page.goto("/login")
    page.fill("#email", "nobody@example.org")
    page.fill("#password", "wrong password")
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert page.locator(".error-summary, .flash--error, .error").count() > 0
    problems = {"/login (error)": violations_of(page, axe)}
    page.goto(f"/public/{demo_site['slug']}/remarks")
    with page.expect_navigation():
        page.get_by_role("button", name="Wyślij uwagi").click()
    assert page.locator(".error-summary").count() == 1
    problems["remarks form (errors)"] = violations_of(page, axe)
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_projector_has_enough_contrast_in_both_themes(theme, demo_site, new_context, live_server, axe):
    """Both themes, with a section highlighted as being written (its own colours)."""
    from consult.meetings.models import Meeting, Part, Section

    meeting = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).first()  # the 2018 one
    meeting.active_section_id = db.session.scalars(
        sa.select(Section.id).join(Part).where(Part.meeting_id == meeting.id).order_by(Part.position)).first()
    db.session.commit()
    email = "official@consult.example"
    page = log_in(new_context(), email, demo_site["accounts"][email])
    page.goto(f"/meetings/{meeting.id}/projector" + ("?theme=light" if theme == "light" else ""))
    body = page.locator("body")
    assert ("projector-body--light" in body.get_attribute("class")) == (theme == "light")
    assert page.locator(".board-section.is-active").count() == 1
    colours = page.evaluate("[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]")
    assert colours == (["rgb(255, 255, 255)", "rgb(0, 0, 0)"] if theme == "light"
                       else ["rgb(0, 0, 0)", "rgb(255, 255, 255)"])
    assert violations_of(page, axe) == []
