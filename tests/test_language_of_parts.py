"""WCAG 3.1.2 Language of parts: a consultation's words — its title, planes, priorities,
meetings, parts, entries, the remarks organisations send and the stances on them — are
written in the consultation's language. On a page in another language (the reader's
interface) every element that shows them says their language (``lang``); on a page in the
same language nothing is added.

The check is generic: every page an admin or an organisation reaches from its start pages
(the crawl of the accessibility sweep, with the test client) is read, and each text that
holds one of the seeded words must have the consultation's language as its nearest ``lang``.
"""

from __future__ import annotations

import re
from collections import deque
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

import pytest
from bs4 import NavigableString

from consult.core.enums import ConsultationStatus, Stance
from consult.core.models import utcnow
from consult.extensions import db
from tests.pages import parse
from tests.test_remarks import received

TITLE = "Konsultacje programu współpracy z organizacjami"
PLANE = "Współpraca finansowa organizacji"
PRIORITY = "Dostęp do kultury dla wszystkich"
MEETING = "Spotkanie w Nowej Hucie"
PART = "Opinie i postulaty uczestników"
ENTRY = "Więcej grantów dla małych organizacji"
REMARK = "Prosimy o dłuższe terminy naboru wniosków"
REASONING = "Terminy naboru zostaną wydłużone do trzydziestu dni"
CONTENT = (TITLE, PLANE, PRIORITY, MEETING, PART, ENTRY, REMARK, REASONING)

DOWNLOAD = re.compile(r"\.(pdf|docx|csv|json|eml)$|/documents/\d+/|/result$")
MAX_PAGES = 150


@pytest.fixture
def seeded(make, admin):
    """A consultation open for remarks with a plane, a priority, a meeting (its part, a
    section about the plane and an entry typed on the board), and a remark accepted into
    that section with a published stance. ``seeded(language)`` makes it."""
    from consult.capture import services as capture
    from consult.remarks import moderation, stances

    def make_it(language: str):
        consultation = make.consultation(
            title=TITLE, language=language, status=ConsultationStatus.OPEN, organizer="Urząd Miasta",
            submissions_open_at=utcnow() - timedelta(days=1), submissions_close_at=utcnow() + timedelta(days=13))
        plane = make.plane(consultation, 1, PLANE)
        make.priority(consultation, "I.1", PRIORITY)
        meeting = make.meeting(consultation, title=MEETING)
        section = make.section(meeting, heading=PART, plane=plane)
        capture.add_entry(meeting, admin, section.id, ENTRY)
        db.session.commit()
        submission, token = received(consultation, remarks=(REMARK,))
        remark = submission.remarks[0]
        moderation.accept(remark, admin, section_id=section.id)
        stances.set_stance(remark, admin, Stance.PARTLY.value, REASONING, None)
        db.session.commit()
        stances.publish_stances(consultation, admin)
        db.session.commit()
        return consultation, f"/public/tracking/{token}"

    return make_it


def nearest_lang(node) -> str | None:
    for parent in node.parents:
        if getattr(parent, "attrs", None) and parent.has_attr("lang"):
            return parent["lang"]
    return None


def crawl(client, starts: list[str]) -> dict[str, str]:
    """The HTML of every page reachable from ``starts`` by same-site links (addresses that
    differ only in their numbers count as one page; downloads are no pages)."""
    queue, seen, pages = deque(starts), set(), {}
    while queue and len(pages) < MAX_PAGES:
        parts = urlsplit(urldefrag(queue.popleft())[0])
        if parts.scheme and parts.netloc != "localhost" or not parts.path.startswith("/"):
            continue
        address = parts.path + ("?" + parts.query if parts.query else "")
        key = re.sub(r"\d+", "N", address)
        if key in seen or DOWNLOAD.search(parts.path):
            continue
        seen.add(key)
        response = client.get(address)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages[address] = html = response.get_data(as_text=True)
        queue.extend(a["href"] for a in parse(html).find_all("a", href=True))
    return pages


def wrong_languages(pages: dict[str, str], expected: str) -> tuple[list[str], set[str]]:
    """(each seeded text whose nearest lang is not ``expected``, the seeded texts seen)."""
    wrong, seen = [], set()
    for address, html in pages.items():
        body = parse(html).body
        for node in body.find_all(string=True):
            if type(node) is not NavigableString or node.parent.name in ("script", "style"):
                continue
            for needle in CONTENT:
                if needle in node:
                    seen.add(needle)
                    found = nearest_lang(node)
                    if found != expected:
                        wrong.append(f"{address}: {needle!r} in <{node.parent.name} "
                                     f"class={node.parent.get('class')}> is lang={found}")
    return wrong, seen


def redundant_langs(pages: dict[str, str]) -> list[str]:
    """Elements saying lang="pl" on a Polish page (the language switch names each language
    in itself, and a document's preview bar says the reader's language: those are meant)."""
    found = []
    for address, html in pages.items():
        tree = parse(html)
        for element in tree.body.find_all(attrs={"lang": "pl"}):
            if not element.find_parent(class_="language-switch") and "preview-bar" not in element.get("class", []):
                found.append(f"{address}: <{element.name} class={element.get('class')}>")
    return found


def starts_of(consultation, tracking: str) -> dict[str, list[str]]:
    return {"admin": ["/", "/consultations/", "/documents/", "/public/", "/admin/revisions",
                      f"/consultations/{consultation.id}/remarks"],
            "anonymous": ["/public/", f"/public/{consultation.slug}", f"/public/{consultation.slug}/remarks",
                          tracking, f"/public/{consultation.slug}/privacy"]}


@pytest.mark.parametrize("interface, content", [("en", "pl"), ("pl", "en"), ("pl", "pl")])
def test_every_page_marks_the_consultations_words_with_its_language(interface, content, seeded,
                                                                     admin_client, client):
    consultation, tracking = seeded(content)
    starts = starts_of(consultation, tracking)
    problems, seen, count = [], set(), 0
    for role, reader in (("admin", admin_client), ("anonymous", client)):
        reader.set_cookie("lang", interface)
        pages = crawl(reader, starts[role])
        # Every page speaks the interface's language, but a document's preview: the document's.
        assert [address for address, html in pages.items() if parse(html).html["lang"] != interface
                and not parse(html).find(class_="preview-bar")] == []
        count += len(pages)
        wrong, found = wrong_languages(pages, content)
        problems += wrong
        seen |= found
        if interface == content:
            problems += redundant_langs(pages)
    assert count >= 25
    assert seen == set(CONTENT)  # every kind of content was on some page
    assert problems == [], "\n".join(problems)


def test_the_boards_updates_keep_the_language_of_what_they_bring(seeded, login_as, admin):
    """htmx swaps fragments of the board: the new entry's text comes marked, as on the page."""
    consultation, _tracking = seeded("pl")
    meeting = consultation.meetings[0]
    section = meeting.parts[0].sections[0]
    board = login_as(admin, htmx=True)
    board.set_cookie("lang", "en")
    answer = board.submit(f"/meetings/{meeting.id}/board/entries", {
        "section_id": section.id, "text": "Nowy wpis z tablicy", "kind": "idea", "client_key": "k1"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    fragment = parse(answer.get_data(as_text=True))
    text = fragment.find(string=re.compile("Nowy wpis z tablicy"))
    assert text is not None and nearest_lang(text) == "pl"
    assert text.parent["class"] == ["entry__text"]


def test_interface_words_around_the_content_keep_the_pages_language(seeded, admin_client):
    """Only the consultation's words are marked: "Plane" of a plane's heading, the word
    "Capture board" of the board's heading stay in the page's language."""
    consultation, _tracking = seeded("pl")
    admin_client.set_cookie("lang", "en")
    meeting = consultation.meetings[0]
    board = parse(admin_client.get(f"/meetings/{meeting.id}/board").get_data(as_text=True))
    heading = board.find("h3", class_="board-section__title")
    title = heading.find(string=re.compile(PLANE))
    assert nearest_lang(title) == "pl"
    plane_word = heading.find(string=re.compile("Plane"))
    assert plane_word is not None and nearest_lang(plane_word) == "en"
    h1 = board.find("h1")
    assert nearest_lang(h1.find(string=re.compile("Capture board"))) == "en"
    assert nearest_lang(h1.find(string=re.compile(MEETING))) == "pl"
    form = parse(admin_client.get(f"/public/{consultation.slug}/remarks").get_data(as_text=True))
    option = form.find("option", string=re.compile(PLANE))
    assert option["lang"] == "pl"
    assert form.find("option", value="general").get("lang") is None
