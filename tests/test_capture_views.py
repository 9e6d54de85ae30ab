"""The capture board through the requests its page sends.

htmx requests are sent as the board's script sends them: ``HX-Request: true``, the CSRF
token and the revision the page has seen (``since``); the answer carries out-of-band
updates. Plain forms (no JavaScript) get 303 back to the board, where the change shows.

What these tests check of an htmx answer is the server's part: which out-of-band updates it
sends, with which ids and ``hx-swap-oob`` (a list sent whole replaces the page's, entries
added at the end are appended to the list the page has), into which element of the page.
What the page shows once htmx has swapped them in (numbering, sub-points, an entry brought
twice shown once) is checked in Chromium with the real htmx and the board's script:
tests/browser/test_board_swaps_browser.py.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import sqlalchemy as sa
from bs4 import Tag

from consult.capture import services
from consult.core.enums import EntryKind, Role
from consult.core.models import Revision
from consult.extensions import db
from consult.meetings.models import Entry, Meeting, Part, Section
from tests.pages import (
    count,
    entries,
    facts,
    field_error,
    field_value,
    find,
    flashes,
    form_values,
    items,
    meeting_summary,
    parse,
    summary_section,
    text,
    texts,
)

HX = {"HX-Request": "true"}
KIND = {"strength": "mocna strona", "weakness": "słaba strona", "conclusion": "wniosek", "idea": "pomysł"}


# The board of these tests is the `board` fixture of tests/conftest.py; `editor` is its
# facilitator, logged in.


# Requests --------------------------------------------------------------------------------


def revision(meeting) -> int:
    return services.current_revision(meeting.id)


def hx(client, url: str, data: dict | None = None, since: int | str | None = "seen"):
    """A POST as the board's script sends it: HX-Request, the CSRF token and ``since``
    (by default the revision the board is at now; None sends none)."""
    data = dict(data or {})
    if since == "seen":
        since = services.current_revision(int(url.split("/")[2]))
    if since is not None:
        data["since"] = str(since)
    return client.submit(url, data, headers=HX)


def add_form(section, text: str, **data) -> dict:
    """What a section's add form sends (the script adds a client_key)."""
    return {"section_id": section.id, "parent_id": "", "client_key": "", "text": text,
            "kind": "conclusion" if section.plane_id else "idea", **data}


def editor_form_fields(form: Tag, **changes) -> dict:
    """What an entry's editor (in place or on its own page) sends as it is filled in."""
    checked = form.select_one("input[name=kind][checked]")
    data = {"version": find(form, "input[name=version]")["value"],
            "text": find(form, "textarea[name=text]").get_text().removeprefix("\n"),
            "kind": checked["value"] if checked else ""}
    data.update(changes)
    return data


def details_form(**changes) -> dict:
    data = {"title": "Spotkanie w Nowej Hucie", "date": "2026-05-25", "location": "Dom Kultury",
            "goal": "Zebrać pomysły", "participants": "12", "facilitator": "Ewa Chromniak",
            "prepared_by": "Jan Kowalski", "agenda": "Powitanie\r\nPraca w grupach"}
    data.update(changes)
    return data


def section_form(part_id: int, **fields) -> dict:
    """What the add-section form of a part sends (its fields carry the part's prefix)."""
    prefix = f"section-{part_id}-"
    data = {"part_id": part_id, "about": "topic", "topic": "", "label": ""}
    data.update(fields)
    return {("part_id" if name == "part_id" else prefix + name): value for name, value in data.items()}


# Reading answers -------------------------------------------------------------------------


def html(response) -> Tag:
    """The page or fragment of a response. An htmx answer wraps each out-of-band update in
    a <template> (whose content CSS selectors do not reach): read them unwrapped, as htmx
    swaps them in."""
    body = response if isinstance(response, str) else response.get_data(as_text=True)
    return parse(re.sub(r"</?template>", "", body))


def appended(answer, selector: str) -> list[Tag]:
    """The items an answer adds at the end of the list ``selector`` (not the list whole)."""
    return [li for update in html(answer).select(f"[data-hx-swap-oob='beforeend:{selector}']")
            for li in update.find_all("li", recursive=False)]


def appended_texts(answer, selector: str) -> list[str]:
    """The texts of the items an answer adds at the end of the list ``selector``."""
    return [text(li.find(class_="entry__text")) for li in appended(answer, selector)]


def whole_list(answer, section) -> Tag | None:
    """The entries list of ``section`` when an answer sends it whole (it replaces the page's)."""
    found = html(answer).select_one(f"ol#entries-{section.id}")
    assert found is None or found["data-hx-swap-oob"] == "true", found
    return found


def get_page(client, url: str, status: int = 200, **kwargs) -> Tag:
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code)
    return html(response)


def board_page(client, board) -> Tag:
    return get_page(client, f"{board.url}/board")


def outline(page, section) -> list[str]:
    """The entries of a section as a reader sees them: "1. text", sub-points as indented
    bullets ("  – text")."""
    lines = []

    def walk(list_element, depth):
        for number, item in enumerate(items(list_element), start=1):
            body = item.find("div", class_="entry__body", recursive=False)
            shown = text(body.find(class_="entry__text"))
            lines.append("  " * depth + ("– " if depth else f"{number}. ") + shown)
            sub = item.find("ul", recursive=False)
            if sub is not None:
                walk(sub, depth + 1)

    walk(find(page, f"ol#entries-{section.id}"), 0)
    return lines


def kinds(page, section) -> list[str]:
    """The kind shown before each numbered entry of a section."""
    return [text(item.find("div", class_="entry__body", recursive=False).find("span", class_="kind"))
            for item in items(find(page, f"ol#entries-{section.id}"))]


def message(response) -> str:
    """The message an htmx answer puts into the board's live region."""
    return text(find(html(response), "#board-messages"))


def entry_lists(page) -> list[str]:
    """The ids of the entries lists in an answer."""
    return [ol["id"] for ol in parse(page).select("ol[id^=entries-]")]


def state(page) -> Tag:
    return find(page, "#board-state")


def section_id_of(response) -> int:
    """The section a plain form's redirect points at (…/board#section-N)."""
    return int(response.location.rsplit("-", 1)[1])


def live_entry(text_: str) -> Entry:
    return db.session.scalar(sa.select(Entry).where(Entry.text == text_))


def everything() -> dict:
    """Every row a board change could touch."""
    db.session.expire_all()
    return {
        "entries": [(e.id, e.section_id, e.parent_id, e.position, e.kind.value, e.text, e.deleted_at,
                     e.version, e.client_key)
                    for e in db.session.scalars(sa.select(Entry).order_by(Entry.id))],
        "sections": [(s.id, s.part_id, s.plane_id, s.priority_id, s.topic, s.label, s.position, s.changed_rev)
                     for s in db.session.scalars(sa.select(Section).order_by(Section.id))],
        "parts": [(p.id, p.meeting_id, p.heading, p.question, p.position)
                  for p in db.session.scalars(sa.select(Part).order_by(Part.id))],
        "meetings": [(m.id, m.title, m.date, m.location, m.goal, m.participants, m.facilitator,
                      m.prepared_by, tuple(m.agenda), m.revision, m.meta_rev, m.active_section_id)
                     for m in db.session.scalars(sa.select(Meeting).order_by(Meeting.id))],
        "revisions": count(Revision),
    }


def entry_revisions(entry_id: int) -> list[Revision]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Revision).where(Revision.object_type == "entry",
                                                        Revision.object_id == entry_id)
                              .order_by(Revision.id)).all()


# Adding entries ----------------------------------------------------------------------------


def test_plain_form_entries_go_back_to_the_board_numbered_1_2_3(board, editor):
    for typed in ("Kluczowa jest otwartość", "Brakuje informacji", "Warto spotykać się częściej"):
        response = editor.submit(f"{board.url}/board/entries", add_form(board.plane_section, typed))
        assert response.status_code == 303
        assert response.location == f"{board.url}/board#section-{board.plane_section.id}"
    page = board_page(editor, board)
    assert outline(page, board.plane_section) == [
        "1. Kluczowa jest otwartość", "2. Brakuje informacji", "3. Warto spotykać się częściej"]
    assert kinds(page, board.plane_section) == ["wniosek"] * 3
    # each entry has one link to its actions, named with its number
    links = find(page, f"ol#entries-{board.plane_section.id}").select("li[data-entry] > a")
    assert [a["aria-label"] for a in links] == ["Działania wpisu 1", "Działania wpisu 2", "Działania wpisu 3"]
    first = live_entry("Kluczowa jest otwartość")
    # relative to the board's address (a thousand entries carry one each)
    assert links[0]["href"] == f"entries/{first.id}/actions"
    assert urljoin(f"{board.url}/board", links[0]["href"]) == f"{board.url}/entries/{first.id}/actions"
    # and the summary of the meeting reads the same
    summary = meeting_summary(get_page(editor, board.url))
    plane = summary_section(summary, "1. Płaszczyzna – Tworzenie polityk publicznych")
    assert [text(li.find(class_="entry-text")) for li in entries(plane)] == [
        "Kluczowa jest otwartość", "Brakuje informacji", "Warto spotykać się częściej"]


def test_without_javascript_an_entrys_link_opens_its_actions_as_plain_forms(board, editor, make):
    first = make.entry(board.topic_section, "Pierwszy")
    second = make.entry(board.topic_section, "Drugi")
    sub = make.entry(board.topic_section, "Podpunkt drugiego", parent=second)
    link = find(board_page(editor, board), f"#entry-{sub.id} > a")
    page = get_page(editor, urljoin(f"{board.url}/board", link["href"]))  # as the browser resolves it
    assert text(find(page, "h1")) == "Działania wpisu 2.1"
    assert "Podpunkt drugiego" in text(find(page, "blockquote"))
    assert find(page, ".breadcrumbs a")["href"] == f"{board.url}/board#entry-{sub.id}"
    actions = {form["action"] for form in page.select("main form")}
    assert actions == {f"{board.url}/entries/{sub.id}/{name}"
                       for name in ("move", "indent", "outdent", "kind", "delete")}
    # each form works as it is: a new kind, one place down, and a deletion with its Undo
    token = find(page, "input[name=csrf_token]")["value"]
    assert editor.post(f"{board.url}/entries/{second.id}/kind",
                       data={"csrf_token": token, "kind": "weakness"}).status_code == 303
    assert editor.post(f"{board.url}/entries/{first.id}/move",
                       data={"csrf_token": token, "direction": "down"}).status_code == 303
    assert outline(board_page(editor, board), board.topic_section) == [
        "1. Drugi", "  – Podpunkt drugiego", "2. Pierwszy"]
    assert kinds(board_page(editor, board), board.topic_section) == ["słaba strona", "pomysł"]
    response = editor.post(f"{board.url}/entries/{first.id}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    after = html(editor.get(response.location))
    assert outline(after, board.topic_section) == ["1. Drugi", "  – Podpunkt drugiego"]
    assert after.select(f'form[action="{board.url}/entries/{first.id}/restore"]')  # Undo
    # a deleted entry has no actions page
    get_page(editor, f"{board.url}/entries/{first.id}/actions", status=404)


def test_each_section_offers_its_default_kind_and_the_server_applies_it(board, editor):
    page = board_page(editor, board)
    for section, default in ((board.plane_section, "conclusion"), (board.priority_section, "idea"),
                             (board.topic_section, "idea")):
        form = find(page, f"form#add-{section.id}")
        offered = {radio["value"]: radio.has_attr("checked") for radio in form.select("input[name=kind]")}
        assert offered == {k: k == default for k in ("strength", "weakness", "conclusion", "idea")}
        # a script that sends no kind gets the same default
        assert hx(editor, f"{board.url}/board/entries", add_form(section, f"Bez rodzaju {section.id}",
                                                                   kind="")).status_code == 200
    hx(editor, f"{board.url}/board/entries", add_form(board.plane_section, "Słabość", kind="weakness"))
    hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Mocna", kind="strength"))
    page = board_page(editor, board)
    assert kinds(page, board.plane_section) == ["wniosek", "słaba strona"]
    assert kinds(page, board.priority_section) == ["pomysł"]
    assert kinds(page, board.topic_section) == ["pomysł", "mocna strona"]


def test_sub_points_nest_under_their_entry_down_to_depth_3(board, editor):
    url = f"{board.url}/board/entries"
    for typed in ("Pierwszy", "Drugi"):
        hx(editor, url, add_form(board.topic_section, typed))
    parent = live_entry("Pierwszy")
    for typed in ("Podpunkt 1", "Podpunkt 2"):
        hx(editor, url, add_form(board.topic_section, typed, parent_id=parent.id))
    depth_2 = live_entry("Podpunkt 1")
    assert hx(editor, url, add_form(board.topic_section, "Głębiej", parent_id=depth_2.id)).status_code == 200
    depth_3 = hx(editor, url, add_form(board.topic_section, "Najgłębiej",
                                       parent_id=live_entry("Głębiej").id))
    assert depth_3.status_code == 200
    expected = ["1. Pierwszy", "  – Podpunkt 1", "    – Głębiej", "      – Najgłębiej", "  – Podpunkt 2",
                "2. Drugi"]
    assert outline(html(depth_3), board.topic_section) == expected
    assert outline(board_page(editor, board), board.topic_section) == expected
    # sub-points carry no kind marker of their own, and only they can go a level up
    item = find(board_page(editor, board), f"#entry-{depth_2.id}")
    assert item.find("div", class_="entry__body").find("span", class_="kind") is None
    outdent = f"{board.url}/entries/{depth_2.id}/outdent"
    assert html(editor.get(f"{board.url}/entries/{depth_2.id}/actions")).select(f'form[action="{outdent}"]')
    first = html(editor.get(f"{board.url}/entries/{parent.id}/actions"))
    assert first.select(f'form[action="{board.url}/entries/{parent.id}/outdent"]') == []


def test_an_htmx_add_answers_with_the_new_entry_out_of_band_and_the_new_revision(board, editor, make):
    make.entry(board.plane_section, "Był wcześniej", kind=EntryKind.CONCLUSION)
    page = board_page(editor, board)
    seen = revision(board.meeting)
    response = hx(editor, f"{board.url}/board/entries",
                  add_form(board.plane_section, "Nowy wniosek", client_key="key-1"), since=seen)
    assert response.status_code == 200
    answer = html(response)
    # Only the new entry travels, added at the end of the list the page has (not the list
    # whole: a long section would be sent again after every entry).
    assert entry_lists(answer) == []
    [new] = appended(response, f"#entries-{board.plane_section.id}")
    assert text(new.find(class_="entry__text")) == "Nowy wniosek"
    assert new.select_one(":scope > a")["aria-label"] == "Działania wpisu 2"
    assert new["id"] == f"entry-{live_entry('Nowy wniosek').id}"
    assert outline(page, board.plane_section) == ["1. Był wcześniej"]  # the list it goes at the end of
    assert (state(answer)["data-rev"], state(answer)["data-hx-swap-oob"]) == (str(seen + 1), "true")
    assert state(answer)["data-active"] == str(board.plane_section.id)
    assert revision(board.meeting) == seen + 1


def test_an_htmx_answer_also_brings_what_others_changed_since_the_revision_seen(board, editor,
                                                                               admin_client):
    page = board_page(editor, board)
    seen = revision(board.meeting)
    admin_client.submit(f"{board.url}/board/entries", add_form(board.topic_section, "Od kogoś innego"))
    response = hx(editor, f"{board.url}/board/entries", add_form(board.plane_section, "Mój"), since=seen)
    answer = html(response)
    # Both go at the end of the (empty) lists the page has.
    assert entry_lists(answer) == []
    assert appended_texts(response, f"#entries-{board.topic_section.id}") == ["Od kogoś innego"]
    assert appended_texts(response, f"#entries-{board.plane_section.id}") == ["Mój"]
    assert outline(page, board.topic_section) == outline(page, board.plane_section) == []
    assert state(answer)["data-rev"] == str(seen + 2)


def test_without_since_the_answer_has_only_this_change_and_no_revision(board, editor, admin_client):
    admin_client.submit(f"{board.url}/board/entries", add_form(board.topic_section, "Od kogoś innego"))
    response = hx(editor, f"{board.url}/board/entries", add_form(board.plane_section, "Mój"), since=None)
    answer = html(response)
    added = appended(response, f"#entries-{board.plane_section.id}")
    assert [text(li.find(class_="entry__text")) for li in added] == ["Mój"]
    assert appended(response, f"#entries-{board.topic_section.id}") == [] and entry_lists(answer) == []
    assert state(answer)["data-rev"] == ""  # the page keeps its revision; its next poll catches up


def test_sub_points_added_go_to_the_end_of_their_entrys_list_or_bring_the_list_whole(board, editor, make):
    parent = make.entry(board.topic_section, "Z podpunktami")
    make.entry(board.topic_section, "Pierwszy podpunkt", parent=parent)
    bare = make.entry(board.topic_section, "Bez podpunktów")
    page = board_page(editor, board)
    response = hx(editor, f"{board.url}/board/entries",
                  add_form(board.topic_section, "Drugi podpunkt", parent_id=parent.id))
    [new] = appended(response, f"#entry-{parent.id} > ul.subpoints")
    assert text(new.find(class_="entry__text")) == "Drugi podpunkt"
    assert new.select_one(":scope > a")["aria-label"] == "Działania wpisu 2"  # its number among sub-points
    assert entry_lists(html(response)) == []
    assert outline(page, board.topic_section) == ["1. Z podpunktami", "  – Pierwszy podpunkt", "2. Bez podpunktów"]
    assert page.select(f"#entry-{parent.id} > ul.subpoints")  # the list it goes at the end of
    # The first sub-point of an entry needs a list the page does not have: the list comes whole.
    assert page.select(f"#entry-{bare.id} > ul.subpoints") == []
    response = hx(editor, f"{board.url}/board/entries",
                  add_form(board.topic_section, "Nowy podpunkt", parent_id=bare.id))
    assert entry_lists(html(response)) == [f"entries-{board.topic_section.id}"]
    assert whole_list(response, board.topic_section) is not None
    assert outline(html(response), board.topic_section) == [
        "1. Z podpunktami", "  – Pierwszy podpunkt", "  – Drugi podpunkt", "2. Bez podpunktów",
        "  – Nowy podpunkt"]


@pytest.mark.parametrize("then", ["delete", "edit", "move"])
def test_after_any_other_change_than_an_addition_the_list_comes_whole(board, editor, make, then):
    first = make.entry(board.topic_section, "Pierwszy")
    second = make.entry(board.topic_section, "Drugi")
    page = board_page(editor, board)
    assert outline(page, board.topic_section) == ["1. Pierwszy", "2. Drugi"]  # the list replaced
    seen = revision(board.meeting)
    hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Trzeci"))
    if then == "delete":
        hx(editor, f"{board.url}/entries/{first.id}/delete")
        expected = ["1. Drugi", "2. Trzeci"]
    elif then == "edit":
        form = get_page(editor, f"{board.url}/entries/{second.id}/edit", headers=HX)
        assert hx(editor, find(form, "form")["data-hx-post"],
                  editor_form_fields(form, text="Drugi, poprawiony")).status_code == 200
        expected = ["1. Pierwszy", "2. Drugi, poprawiony", "3. Trzeci"]
    else:
        hx(editor, f"{board.url}/entries/{second.id}/move", {"direction": "up"})
        expected = ["1. Drugi", "2. Pierwszy", "3. Trzeci"]
    response = editor.get(f"{board.url}/board/changes?since={seen}", headers=HX)
    assert entry_lists(html(response)) == [f"entries-{board.topic_section.id}"]
    assert appended(response, f"#entries-{board.topic_section.id}") == []
    assert whole_list(response, board.topic_section) is not None
    assert outline(html(response), board.topic_section) == expected
    # A page that saw the change gets only what is added after it, numbered on.
    seen = revision(board.meeting)
    hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Czwarty"))
    response = editor.get(f"{board.url}/board/changes?since={seen}", headers=HX)
    assert entry_lists(html(response)) == []
    [added] = appended(response, f"#entries-{board.topic_section.id}")
    assert text(added.find(class_="entry__text")) == "Czwarty"
    assert added.select_one(":scope > a")["aria-label"] == f"Działania wpisu {len(expected) + 1}"


def test_two_answers_bringing_the_same_new_entry_bring_it_under_one_id(board, editor, admin_client):
    """A poll and a write asked from the same revision both bring what was added since: the
    same element, by which the board's script adds it once (shown once:
    tests/browser/test_board_swaps_browser.py)."""
    page = board_page(editor, board)
    seen = revision(board.meeting)
    admin_client.submit(f"{board.url}/board/entries", add_form(board.topic_section, "Raz"))
    poll = editor.get(f"{board.url}/board/changes?since={seen}", headers=HX)
    write = hx(editor, f"{board.url}/board/entries", add_form(board.plane_section, "Mój"), since=seen)
    once = f"entry-{live_entry('Raz').id}"
    for answer in (poll, write):
        assert [li["id"] for li in appended(answer, f"#entries-{board.topic_section.id}")] == [once]
        assert appended_texts(answer, f"#entries-{board.topic_section.id}") == ["Raz"]
        assert entry_lists(html(answer)) == []
    assert appended_texts(poll, f"#entries-{board.plane_section.id}") == []
    assert appended_texts(write, f"#entries-{board.plane_section.id}") == ["Mój"]
    assert outline(page, board.topic_section) == outline(page, board.plane_section) == []


def test_a_retried_save_with_the_same_client_key_makes_one_entry(board, editor):
    seen = revision(board.meeting)
    data = add_form(board.topic_section, "Zapisany raz", client_key="0b8e6c52-retry")
    first = hx(editor, f"{board.url}/board/entries", data, since=seen)
    again = hx(editor, f"{board.url}/board/entries", data, since=seen)  # the first answer was lost
    assert (first.status_code, again.status_code) == (200, 200)
    assert outline(html(again), board.topic_section) == ["1. Zapisany raz"]
    assert outline(board_page(editor, board), board.topic_section) == ["1. Zapisany raz"]
    entry = live_entry("Zapisany raz")
    assert [r.action for r in entry_revisions(entry.id)] == ["create"]


def test_the_same_save_sent_at_once_by_two_clients_makes_one_entry(board, login_as, monkeypatch):
    """Both requests are inside "add entry" before either writes (a barrier holds them)."""
    clients = [login_as(board.facilitator), login_as(board.facilitator)]
    page = board_page(clients[0], board)
    seen = revision(board.meeting)
    data = add_form(board.topic_section, "Wysłany dwa razy", client_key="4d1f-concurrent")
    barrier = threading.Barrier(2, timeout=30)
    begin_write = services.begin_write

    def both_at_once(meeting, **kwargs):
        barrier.wait()
        return begin_write(meeting, **kwargs)

    monkeypatch.setattr(services, "begin_write", both_at_once)
    results: list = []

    def send(client):
        try:
            response = client.submit(f"{board.url}/board/entries", {**data, "since": str(seen)}, headers=HX)
            results.append((response.status_code, response.get_data(as_text=True)))
        except Exception as exc:  # pragma: no cover - reported below
            results.append((exc, ""))

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in results] == [200, 200]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Entry)
                             .where(Entry.text == "Wysłany dwa razy")) == 1
    # Into the page's empty list, each answer brings that one entry: added at the list's end,
    # or (the save that found it made already) the list whole.
    topic = f"#entries-{board.topic_section.id}"
    assert outline(page, board.topic_section) == []
    once = f"entry-{live_entry('Wysłany dwa razy').id}"
    for _, answer in results:
        if whole_list(answer, board.topic_section) is None:
            assert [li["id"] for li in appended(answer, topic)] == [once]
            assert appended_texts(answer, topic) == ["Wysłany dwa razy"]
        else:
            assert appended(answer, topic) == []
            assert outline(html(answer), board.topic_section) == ["1. Wysłany dwa razy"]
            assert [li["id"] for li in items(whole_list(answer, board.topic_section))] == [once]
    assert [r.action for r in entry_revisions(live_entry("Wysłany dwa razy").id)] == ["create"]


# Editing -----------------------------------------------------------------------------------


def test_an_entry_is_edited_in_place_with_htmx(board, editor, make):
    entry = make.entry(board.topic_section, "Pierwotny tekst")
    editor_form = get_page(editor, f"{board.url}/entries/{entry.id}/edit", headers=HX)
    assert editor_form.find("html") is None  # a fragment for the entry's body
    assert field_value(editor_form, f"edit-text-{entry.id}") == "Pierwotny tekst"
    response = hx(editor, find(editor_form, "form")["data-hx-post"],
                  editor_form_fields(editor_form, text="Poprawiony\r\ntekst"))
    assert response.status_code == 200
    assert outline(html(response), board.topic_section) == ["1. Poprawiony tekst"]
    db.session.refresh(entry)
    assert entry.text == "Poprawiony\ntekst"
    [row] = entry_revisions(entry.id)  # the factory's entry has no "create" row
    assert (row.action, row.before["text"], row.after["text"], row.user_id) == (
        "edit", "Pierwotny tekst", "Poprawiony\ntekst", board.facilitator.id)


def test_an_entry_is_edited_with_the_plain_edit_page(board, editor, make):
    entry = make.entry(board.topic_section, "Pierwotny tekst")
    page = get_page(editor, f"{board.url}/entries/{entry.id}/edit")
    assert text(find(page, "h1")) == "Edycja wpisu"
    form = find(page, "form.entry-editor")
    response = editor.submit(form["action"], editor_form_fields(form, text="Poprawiony"))
    assert response.status_code == 303
    assert response.location == f"{board.url}/board#entry-{entry.id}"
    page = board_page(editor, board)
    assert "Zapisano wpis." in flashes(page)
    assert outline(page, board.topic_section) == ["1. Poprawiony"]


def test_a_stale_edit_gets_the_conflict_view_with_both_texts_and_overwrites_nothing(board, editor,
                                                                                  admin_client, make):
    entry = make.entry(board.topic_section, "Pierwotny tekst")
    stale = str(entry.version)  # both opened the editor now
    assert hx(admin_client, f"{board.url}/entries/{entry.id}",
              {"text": "Tekst administratora", "version": stale}).status_code == 200
    before = everything()
    response = hx(editor, f"{board.url}/entries/{entry.id}", {"text": "Tekst moderatora", "version": stale})
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == f"#entry-{entry.id} > .entry__body"
    assert response.headers["HX-Reswap"] == "innerHTML"
    conflict = find(html(response), ".conflict")
    assert text(find(conflict, "h4")) == "Ktoś inny zmienił ten wpis, gdy go edytowano"
    assert "Nic nie zostało nadpisane." in text(conflict)
    assert text(find(conflict, ".conflict__theirs")) == "Tekst administratora"
    assert text(find(conflict, ".conflict__mine")) == "Tekst moderatora"
    assert field_value(conflict, f"conflict-text-{entry.id}") == "Tekst moderatora"
    assert everything() == before
    # saving from the conflict view (it carries the current version) goes through
    form = find(conflict, "form")
    response = hx(editor, form["action"], {"text": "Tekst połączony",
                                           "version": find(form, "input[name=version]")["value"]})
    assert response.status_code == 200
    assert outline(html(response), board.topic_section) == ["1. Tekst połączony"]
    assert [(r.before["text"], r.after["text"]) for r in entry_revisions(entry.id)] == [
        ("Pierwotny tekst", "Tekst administratora"), ("Tekst administratora", "Tekst połączony")]


def test_the_same_text_from_a_stale_version_is_accepted_silently(board, editor, admin_client, make):
    entry = make.entry(board.topic_section, "Pierwotny tekst")
    stale = str(entry.version)
    hx(admin_client, f"{board.url}/entries/{entry.id}", {"text": "Wspólna poprawka", "version": stale})
    revisions = count(Revision)
    response = hx(editor, f"{board.url}/entries/{entry.id}", {"text": "Wspólna poprawka", "version": stale,
                                                             "kind": "idea"})
    assert response.status_code == 200
    # the list comes back, so the editor closes, though nothing changed
    assert outline(html(response), board.topic_section) == ["1. Wspólna poprawka"]
    assert count(Revision) == revisions
    # saving an editor unchanged is the same
    page = get_page(editor, f"{board.url}/entries/{entry.id}/edit", headers=HX)
    response = hx(editor, f"{board.url}/entries/{entry.id}", editor_form_fields(page))
    assert outline(html(response), board.topic_section) == ["1. Wspólna poprawka"]
    assert count(Revision) == revisions


def test_a_kind_chosen_in_a_stale_editor_does_not_overwrite_a_newer_text(board, editor, admin_client, make):
    entry = make.entry(board.topic_section, "Pierwotny tekst")
    page = get_page(editor, f"{board.url}/entries/{entry.id}/edit", headers=HX)
    hx(admin_client, f"{board.url}/entries/{entry.id}", {"text": "Nowszy tekst", "version": entry.version})
    before = everything()
    response = hx(editor, f"{board.url}/entries/{entry.id}", editor_form_fields(page, kind="weakness"))
    assert response.status_code == 409
    assert text(find(html(response), ".conflict__theirs")) == "Nowszy tekst"
    assert everything() == before


@pytest.mark.parametrize("action, data, expected", [
    ("move", {"section_id": "plane", "position": "1"}, ["1. Beta", "2. Gamma poprawiona"]),
    ("move", {"direction": "down"}, ["1. Alfa", "2. Gamma poprawiona", "3. Beta"]),
    ("indent", {}, ["1. Alfa", "  – Beta", "2. Gamma poprawiona"]),
    ("delete", {}, ["1. Alfa", "2. Gamma poprawiona"]),
])
def test_changes_of_other_entries_do_not_make_an_open_editor_conflict(board, editor, admin_client, make,
                                                                      action, data, expected):
    """Moving an entry renumbers those after it: their editors must still save."""
    alfa, beta, gamma = three(make, board.topic_section)
    page = get_page(editor, f"{board.url}/entries/{gamma.id}/edit", headers=HX)  # an editor on Gamma
    data = {name: board.plane_section.id if value == "plane" else value for name, value in data.items()}
    target = alfa if data.get("section_id") else beta
    assert hx(admin_client, f"{board.url}/entries/{target.id}/{action}", data).status_code == 200
    response = hx(editor, f"{board.url}/entries/{gamma.id}", editor_form_fields(page, text="Gamma poprawiona"))
    assert response.status_code == 200
    assert outline(html(response), board.topic_section) == expected


def test_a_stale_plain_form_edit_gets_the_conflict_page(board, editor, admin_client, make):
    entry = make.entry(board.topic_section, "Pierwotny tekst")
    stale = str(entry.version)
    admin_client.submit(f"{board.url}/entries/{entry.id}", {"text": "Tekst administratora", "version": stale})
    before = everything()
    response = editor.submit(f"{board.url}/entries/{entry.id}", {"text": "Tekst moderatora", "version": stale})
    assert response.status_code == 409
    page = html(response)
    assert text(find(page, "h1")) == "Konflikt edycji"
    assert text(find(page, ".conflict__theirs")) == "Tekst administratora"
    assert field_value(page, f"conflict-text-{entry.id}") == "Tekst moderatora"
    assert everything() == before


def test_the_kind_is_changed_with_htmx_and_with_the_plain_edit_page(board, editor, make):
    entry = make.entry(board.plane_section, "Wniosek", kind=EntryKind.CONCLUSION)
    response = hx(editor, f"{board.url}/entries/{entry.id}/kind", {"kind": "strength"})  # Alt+1
    assert response.status_code == 200
    assert kinds(html(response), board.plane_section) == ["mocna strona"]
    form = find(get_page(editor, f"{board.url}/entries/{entry.id}/edit"), "form.entry-editor")
    assert [r["value"] for r in form.select("input[name=kind][checked]")] == ["strength"]
    response = editor.submit(form["action"], editor_form_fields(form, kind="weakness"))
    assert response.status_code == 303
    assert kinds(board_page(editor, board), board.plane_section) == ["słaba strona"]
    assert [(r.action, r.before["kind"], r.after["kind"]) for r in entry_revisions(entry.id)] == [
        ("kind", "conclusion", "strength"), ("edit", "strength", "weakness")]


# Deleting and undoing ------------------------------------------------------------------------


def test_an_htmx_delete_hides_the_entry_and_answers_with_an_undo_form(board, editor, make):
    first = make.entry(board.topic_section, "Pierwszy")
    gone = make.entry(board.topic_section, "Do usunięcia")
    make.entry(board.topic_section, "Jego podpunkt", parent=gone)
    make.entry(board.topic_section, "Trzeci")
    response = hx(editor, f"{board.url}/entries/{gone.id}/delete")
    assert response.status_code == 200
    answer = html(response)
    assert outline(answer, board.topic_section) == ["1. Pierwszy", "2. Trzeci"]
    undo = find(answer, "#board-undo form[data-undo]")  # the script puts it in the entry's place
    assert undo["action"] == undo["data-hx-post"] == f"{board.url}/entries/{gone.id}/restore"
    assert undo["data-entry"] == str(gone.id)
    assert text(undo) == "Usunięto wpis. Cofnij: przywróć wpis „Do usunięcia” (Ctrl+Z)"
    assert text(find(answer, "#board-messages")) == (
        "Usunięto wpis: „Do usunięcia”. Aby go przywrócić, użyj przycisku „Cofnij” w jego miejscu "
        "lub naciśnij Ctrl+Z.")
    assert undo.find("input", attrs={"name": "csrf_token"})["value"]
    assert outline(board_page(editor, board), board.topic_section) == ["1. Pierwszy", "2. Trzeci"]
    summary = meeting_summary(get_page(editor, board.url))
    shown = text(summary)
    assert "Do usunięcia" not in shown and "Jego podpunkt" not in shown and "Pierwszy" in shown
    [row] = entry_revisions(gone.id)
    assert (row.action, row.before["deleted_at"]) == ("delete", None) and row.after["deleted_at"]
    db.session.refresh(gone)
    assert gone.deleted_at is not None  # kept, only hidden
    # Undo
    response = hx(editor, undo["action"])
    assert response.status_code == 200
    assert text(find(html(response), "#board-messages")) == "Przywrócono wpis: „Do usunięcia”."
    assert html(response).select_one("#board-undo") is None
    expected = ["1. Pierwszy", "2. Do usunięcia", "  – Jego podpunkt", "3. Trzeci"]
    assert outline(html(response), board.topic_section) == expected
    assert outline(board_page(editor, board), board.topic_section) == expected
    assert [r.action for r in entry_revisions(gone.id)] == ["delete", "restore"]
    assert entry_revisions(first.id) == []  # the others were not touched


def test_a_plain_delete_flashes_an_undo_button(board, editor, make):
    make.entry(board.topic_section, "Pierwszy")
    gone = make.entry(board.topic_section, "Do usunięcia")
    response = editor.submit(f"{board.url}/entries/{gone.id}/delete")
    assert response.status_code == 303
    assert response.location == f"{board.url}/board#section-{board.topic_section.id}"
    page = board_page(editor, board)
    assert outline(page, board.topic_section) == ["1. Pierwszy"]
    assert flashes(page) == ["Usunięto wpis. Cofnij"]
    undo = find(page, ".flashes form")
    assert undo["action"] == f"{board.url}/entries/{gone.id}/restore"
    assert text(find(undo, "button")) == "Cofnij"
    response = editor.submit(undo["action"])
    assert response.status_code == 303
    page = board_page(editor, board)
    assert flashes(page) == ["Przywrócono wpis."]
    assert outline(page, board.topic_section) == ["1. Pierwszy", "2. Do usunięcia"]


def test_deleting_an_entry_that_is_already_deleted_offers_no_undo(board, editor, make):
    gone = make.entry(board.topic_section, "Usunięty dwa razy")
    editor.submit(f"{board.url}/entries/{gone.id}/delete")
    board_page(editor, board)  # the first flash is read
    before = everything()
    response = editor.submit(f"{board.url}/entries/{gone.id}/delete")  # a second click
    assert response.status_code == 303
    assert flashes(board_page(editor, board)) == ["Tego wpisu nie ma w tym spotkaniu (albo został usunięty)."]
    assert everything() == before


# Moving ------------------------------------------------------------------------------------


def three(make, section) -> list[Entry]:
    return [make.entry(section, name) for name in ("Alfa", "Beta", "Gamma")]


def test_up_and_down_with_htmx_and_plain_forms(board, editor, make):
    alfa, beta, gamma = three(make, board.topic_section)
    response = hx(editor, f"{board.url}/entries/{gamma.id}/move", {"direction": "up"})
    assert response.status_code == 200
    assert outline(html(response), board.topic_section) == ["1. Alfa", "2. Gamma", "3. Beta"]
    response = editor.submit(f"{board.url}/entries/{alfa.id}/move", {"direction": "down"})
    assert response.status_code == 303
    assert response.location == f"{board.url}/board#entry-{alfa.id}"
    assert outline(board_page(editor, board), board.topic_section) == ["1. Gamma", "2. Alfa", "3. Beta"]


@pytest.mark.parametrize("which, direction, refusal", [
    (0, "up", "Wpis jest już pierwszy."),
    (2, "down", "Wpis jest już ostatni."),
    (1, "sideways", "Przesuń w górę lub w dół."),
])
def test_moving_past_the_edge_is_refused_and_changes_nothing(board, editor, make, which, direction, refusal):
    entry = three(make, board.topic_section)[which]
    before = everything()
    response = hx(editor, f"{board.url}/entries/{entry.id}/move", {"direction": direction})
    assert response.status_code == 422
    assert message(response) == refusal
    assert response.headers["HX-Reswap"] == "none"
    response = editor.submit(f"{board.url}/entries/{entry.id}/move", {"direction": direction})
    assert response.status_code == 303
    page = board_page(editor, board)
    assert flashes(page) == [refusal]
    assert outline(page, board.topic_section) == ["1. Alfa", "2. Beta", "3. Gamma"]
    assert everything() == before


def test_a_move_to_another_section_takes_the_sub_points_along(board, editor, make):
    alfa, beta, gamma = three(make, board.topic_section)
    sub = make.entry(board.topic_section, "Beta 1", parent=beta)
    make.entry(board.topic_section, "Beta 1 a", parent=sub)
    make.entry(board.plane_section, "Pierwszy wniosek", kind=EntryKind.CONCLUSION)
    make.entry(board.plane_section, "Drugi wniosek", kind=EntryKind.CONCLUSION)
    page = get_page(editor, f"{board.url}/entries/{beta.id}/move")
    assert text(find(page, "h1")) == "Przeniesienie wpisu"
    offered = [int(option["value"]) for option in find(page, "select#section_id").find_all("option")]
    assert offered == [board.plane_section.id, board.priority_section.id, board.topic_section.id]
    assert board.other_section.id not in offered
    # a plane is named as everywhere else ("Płaszczyzna 1. …"), not as a bare "1. …"
    plane = board.plane_section.plane
    assert text(find(page, f"option[value='{board.plane_section.id}']")) == (
        f"Płaszczyzna {plane.number}. {plane.title}")
    assert field_value(page, "section_id") == str(board.topic_section.id)
    form = find(page, "form.form")
    response = editor.submit(form["action"], {"section_id": board.plane_section.id, "position": "2"})
    assert response.status_code == 303
    page = board_page(editor, board)
    assert outline(page, board.topic_section) == ["1. Alfa", "2. Gamma"]
    assert outline(page, board.plane_section) == ["1. Pierwszy wniosek", "2. Beta", "  – Beta 1",
                                                  "    – Beta 1 a", "3. Drugi wniosek"]
    db.session.expire_all()
    for section in (board.topic_section, board.plane_section):
        positions = sorted(e.position for e in db.session.scalars(
            sa.select(Entry).where(Entry.section_id == section.id, Entry.parent_id.is_(None))))
        assert positions == list(range(len(positions)))
    assert {e.section_id for e in db.session.scalars(sa.select(Entry).where(Entry.text.like("Beta%")))} == {
        board.plane_section.id}
    # with htmx: both lists come back
    response = hx(editor, f"{board.url}/entries/{beta.id}/move",
                  {"section_id": board.priority_section.id, "position": "1"})
    answer = html(response)
    assert sorted(entry_lists(answer)) == sorted([f"entries-{board.plane_section.id}",
                                                  f"entries-{board.priority_section.id}"])
    assert outline(answer, board.priority_section) == ["1. Beta", "  – Beta 1", "    – Beta 1 a"]
    assert outline(answer, board.plane_section) == ["1. Pierwszy wniosek", "2. Drugi wniosek"]
    [*_, row] = entry_revisions(beta.id)
    assert (row.action, row.before["section_id"], row.after["section_id"]) == (
        "move", board.plane_section.id, board.priority_section.id)


@pytest.mark.parametrize("position, refusal", [
    ("0", "Nie ma tu miejsca 0: wybierz od 1 do 3."),
    ("4", "Nie ma tu miejsca 4: wybierz od 1 do 3."),
    ("-2", "Nie ma tu miejsca -2: wybierz od 1 do 3."),
    ("abc", "Podaj nowy numer wpisu."),
    ("", "Podaj nowy numer wpisu."),
])
def test_a_move_to_a_place_that_does_not_exist_gets_a_clear_message(board, editor, make, position, refusal):
    alfa = three(make, board.topic_section)[0]
    before = everything()
    data = {"section_id": board.topic_section.id, "position": position}
    response = hx(editor, f"{board.url}/entries/{alfa.id}/move", data)
    assert response.status_code == 422
    assert message(response) == refusal
    response = editor.submit(f"{board.url}/entries/{alfa.id}/move", data)
    assert response.status_code == 303
    page = board_page(editor, board)
    assert flashes(page) == [refusal]
    assert outline(page, board.topic_section) == ["1. Alfa", "2. Beta", "3. Gamma"]
    assert everything() == before


# Sub-points: indent and outdent ----------------------------------------------------------------


def test_indent_makes_a_sub_point_of_the_entry_above_and_the_first_cannot(board, editor, make):
    alfa, beta, gamma = three(make, board.topic_section)
    response = hx(editor, f"{board.url}/entries/{beta.id}/indent")
    assert response.status_code == 200
    assert outline(html(response), board.topic_section) == ["1. Alfa", "  – Beta", "2. Gamma"]
    response = editor.submit(f"{board.url}/entries/{gamma.id}/indent")
    assert response.status_code == 303
    assert outline(board_page(editor, board), board.topic_section) == ["1. Alfa", "  – Beta", "  – Gamma"]
    before = everything()
    response = hx(editor, f"{board.url}/entries/{alfa.id}/indent")
    assert response.status_code == 422
    assert message(response) == "Pierwszy wpis nie może stać się podpunktem: nie ma nic nad nim."
    editor.submit(f"{board.url}/entries/{alfa.id}/indent")
    assert flashes(board_page(editor, board)) == [
        "Pierwszy wpis nie może stać się podpunktem: nie ma nic nad nim."]
    assert everything() == before


def test_outdent_puts_the_sub_point_right_after_its_former_parent(board, editor, make):
    alfa, beta, gamma = three(make, board.topic_section)
    first = make.entry(board.topic_section, "Alfa 1", parent=alfa)
    make.entry(board.topic_section, "Alfa 2", parent=alfa)
    response = hx(editor, f"{board.url}/entries/{first.id}/outdent")
    assert response.status_code == 200
    assert outline(html(response), board.topic_section) == [
        "1. Alfa", "  – Alfa 2", "2. Alfa 1", "3. Beta", "4. Gamma"]
    before = everything()
    response = hx(editor, f"{board.url}/entries/{first.id}/outdent")
    assert response.status_code == 422
    assert message(response) == "Ten wpis jest już na najwyższym poziomie."
    response = editor.submit(f"{board.url}/entries/{beta.id}/outdent")
    assert response.status_code == 303
    assert flashes(board_page(editor, board)) == ["Ten wpis jest już na najwyższym poziomie."]
    assert everything() == before


# Parts, sections and the meeting's details -----------------------------------------------------


def test_a_part_is_added_with_htmx_and_with_a_plain_form(board, editor):
    response = hx(editor, f"{board.url}/board/parts", {"part-heading": "Nowe pomysły na współpracę",
                                                      "part-question": "Co dalej?"})
    assert response.status_code == 200
    appended = find(html(response), "[data-hx-swap-oob='beforeend:#board-parts']")
    assert text(find(appended, "h2.part-heading")) == "Nowe pomysły na współpracę"
    assert text(find(appended, "p.part-question")) == "Co dalej?"
    assert find(appended, "details.add-section summary")  # sections can be added to it at once
    response = editor.submit(f"{board.url}/board/parts", {"part-heading": "Druga nowa część",
                                                         "part-question": ""})
    assert response.status_code == 303
    page = board_page(editor, board)
    assert "Dodano część." in flashes(page)
    assert texts(page.select("h2.part-heading"))[-2:] == ["Nowe pomysły na współpracę", "Druga nowa część"]


def test_a_part_without_heading_is_refused_and_the_plain_form_keeps_what_was_typed(board, editor):
    before = everything()
    response = hx(editor, f"{board.url}/board/parts", {"part-heading": "   ", "part-question": "Pytanie"})
    assert response.status_code == 422
    assert message(response) == "Nagłówek części: To pole jest wymagane."
    response = editor.submit(f"{board.url}/board/parts", {"part-heading": "", "part-question": "Pytanie"})
    assert response.status_code == 422
    page = html(response)
    assert field_error(page, "part-heading") == "Błąd: To pole jest wymagane."
    assert field_value(page, "part-question") == "Pytanie"
    assert find(page, "details.add-part").has_attr("open")  # the form with its message is shown
    assert outline(page, board.topic_section) == []  # the board is all there
    assert everything() == before


@pytest.mark.parametrize("subject", ["plane", "priority", "topic"])
def test_a_section_is_added_to_a_part_with_a_plain_form(board, editor, make, subject):
    part_id = board.topic_section.part_id
    priority = make.priority(board.consultation, "I.1.1", "Edukacja kulturalna")
    fields = {"plane": {"about": f"plane:{board.plane_2.id}", "label": "Wnioski"},
              "priority": {"about": f"priority:{priority.id}", "label": "Pomysły"},
              "topic": {"topic": "Festiwale", "label": ""}}[subject]
    response = editor.submit(f"{board.url}/board/sections", section_form(part_id, **fields))
    assert response.status_code == 303
    page = board_page(editor, board)
    assert "Dodano sekcję." in flashes(page)
    new = page.select(f"#part-{part_id}-sections > section")[-1]
    expected = {"plane": "2. Płaszczyzna – Współpraca finansowa — Wnioski",
                "priority": "I.1.1 Edukacja kulturalna — Pomysły",
                "topic": "2. Festiwale"}[subject]
    assert text(find(new, "h3")) == expected
    default = "conclusion" if subject == "plane" else "idea"
    assert find(new, f"form.add-entry input[name=kind][value={default}]").has_attr("checked")


def test_the_add_section_form_chooses_its_subject_in_one_list(board, editor):
    """Choosing a plane or a priority in the list is all it takes: there is no separate
    kind to tick that could disagree with it. Planes read as everywhere else."""
    part_id = board.topic_section.part_id
    form = find(board_page(editor, board), f"#add-section-{part_id} form")
    about = find(form, f"select[name='section-{part_id}-about']")
    assert text(find(form, f"label[for='{about['id']}']")) == "Czego dotyczy sekcja"
    groups = {group["label"]: [text(o) for o in group.select("option")]
              for group in about.select("optgroup")}
    assert groups["Temat"] == ["Temat wpisany poniżej"]
    assert groups["Płaszczyzny współpracy"][1] == "Płaszczyzna 2. Współpraca finansowa"
    assert find(about, "option[selected]")["value"] == "topic"
    assert not form.select("input[type=radio]")
    assert "płaszczyznę" not in text(form)  # no "Sekcja dotyczy płaszczyznę"


def test_a_section_added_with_htmx_arrives_with_its_add_form(board, editor):
    part_id = board.plane_section.part_id
    response = hx(editor, f"{board.url}/board/sections",
                  section_form(part_id, about=f"plane:{board.plane_2.id}", label="Wnioski"))
    assert response.status_code == 200
    appended = find(html(response), f"[data-hx-swap-oob='beforeend:#part-{part_id}-sections']")
    new = find(appended, "section.board-section")
    assert text(find(new, "h3")) == "2. Płaszczyzna – Współpraca finansowa — Wnioski"
    form = find(new, "form.add-entry")
    radios = {r["value"]: r.has_attr("checked") for r in form.select("input[name=kind]")}
    assert radios == {"strength": False, "weakness": False, "conclusion": True, "idea": False}
    assert state(html(response))["data-active"] == new["data-section"]


@pytest.mark.parametrize("fields, at, refusal", [
    ({"about": "plane:foreign"}, "about", "Wybierz płaszczyznę tej konsultacji."),
    ({"about": "priority:foreign"}, "about", "Wybierz priorytet tej konsultacji."),
    ({"about": "plane:abc"}, "about", "Wybierz płaszczyznę tej konsultacji."),
    ({"about": "plane:"}, "topic", "Wpisz temat albo wybierz na liście płaszczyznę lub priorytet."),
    ({"about": "topic", "topic": "  "}, "topic",
     "Wpisz temat albo wybierz na liście płaszczyznę lub priorytet."),
    ({"about": "plane:own", "topic": "Temat"}, "topic",
     "Na liście wybrano płaszczyznę lub priorytet: zostaw temat pusty albo wybierz „Temat wpisany "
     "poniżej”."),
    ({"about": "topic", "topic": "Temat", "label": "L" * 101}, "label", "Najwyżej 100 znaków."),
    ({"about": "anything", "topic": "Temat"}, "about", "Wybierz na liście, czego dotyczy sekcja."),
])
def test_a_section_that_is_not_about_exactly_one_subject_is_refused_at_its_field(
        board, editor, fields, at, refusal):
    part_id = board.topic_section.part_id
    ids = {"foreign": {"plane": board.foreign_plane.id, "priority": board.foreign_priority.id},
           "own": {"plane": board.plane_2.id}}
    if ":" in fields["about"]:
        kind, _sep, which = fields["about"].partition(":")
        fields = {**fields, "about": f"{kind}:{ids.get(which, {}).get(kind, which)}"}
    data = section_form(part_id, **fields)
    before = everything()
    # htmx: the form comes back in its place, as typed, the message at the field
    response = hx(editor, f"{board.url}/board/sections", data)
    assert response.status_code == 422
    assert (response.headers["HX-Retarget"], response.headers["HX-Reswap"]) == (
        f"#add-section-{part_id}", "outerHTML")
    form = html(response)
    assert find(form, "details.add-section").has_attr("open")
    field = find(form, f"[name='section-{part_id}-{at}']")
    assert field["aria-invalid"] == "true"
    assert text(find(form, f"#section-{part_id}-{at}-error")) == f"Błąd: {refusal}"
    if fields.get("topic", "").strip():
        assert find(form, f"[name='section-{part_id}-topic']")["value"] == fields["topic"]
    # without JavaScript: the board, the form open with the same message
    response = editor.submit(f"{board.url}/board/sections", data)
    assert response.status_code == 422
    page = html(response)
    assert text(find(page, f"#section-{part_id}-{at}-error")) == f"Błąd: {refusal}"
    assert find(page, f"#add-section-{part_id}").has_attr("open")
    assert everything() == before


@pytest.mark.parametrize("part", ["other", "abc"])
def test_a_section_of_a_part_of_another_meeting_is_refused(board, editor, part):
    part_id = {"other": board.other_section.part_id, "abc": "abc"}[part]
    data = section_form(part_id, topic="Temat")
    before = everything()
    response = hx(editor, f"{board.url}/board/sections", data)
    assert (response.status_code, message(response)) == (404, "Wybierz część tego spotkania.")
    response = editor.submit(f"{board.url}/board/sections", data)
    assert response.status_code == 303
    assert flashes(board_page(editor, board)) == ["Wybierz część tego spotkania."]
    assert everything() == before


def test_the_meetings_details_are_edited_on_the_board(board, editor):
    response = hx(editor, f"{board.url}/board/details", details_form(goal="Nowy cel", participants="14"))
    assert response.status_code == 200
    shown = dict(facts(html(response)))
    assert (shown["Cel spotkania"], shown["Liczba uczestników"], shown["Prowadzenie"]) == (
        "Nowy cel", "14", "Ewa Chromniak")
    assert find(html(response), "#meeting-details-view")["data-hx-swap-oob"] == "true"
    response = editor.submit(f"{board.url}/board/details", details_form(participants="15"))
    assert response.status_code == 303
    assert response.location == f"{board.url}/board#meeting-details"
    page = board_page(editor, board)
    assert "Zapisano informacje o spotkaniu." in flashes(page)
    shown = dict(facts(find(page, "#meeting-details")))
    assert (shown["Liczba uczestników"], shown["Opracowanie"]) == ("15", "Jan Kowalski")
    assert texts(items(find(page, "#meeting-details-view ol.agenda"))) == ["Powitanie", "Praca w grupach"]


@pytest.mark.parametrize("field, value, refusal", [
    ("participants", "-1", "Liczba uczestników: Podaj liczbę od 0 do 100000."),
    ("participants", "dziesięć", "Liczba uczestników: Nieprawidłowa liczba całkowita"),
    ("date", "2026-02-30", "Data: Nieprawidłowa data"),
    ("title", "", "Tytuł: To pole jest wymagane."),
])
def test_invalid_meeting_details_save_nothing(board, editor, field, value, refusal):
    before = everything()
    data = details_form(**{field: value, "goal": "Cel, który się nie zapisze"})
    response = hx(editor, f"{board.url}/board/details", data)
    assert response.status_code == 422
    assert message(response).startswith(refusal)
    response = editor.submit(f"{board.url}/board/details", data)
    assert response.status_code == 422
    page = html(response)
    assert field_error(page, field).startswith("Błąd: " + refusal.split(": ", 1)[1])
    typed = form_values(find(page, "#meeting-details form"))
    assert (typed[field], typed["goal"], typed["location"]) == (value, "Cel, który się nie zapisze",
                                                               "Dom Kultury")
    assert find(page, "details.board-details__edit").has_attr("open")  # the message is in sight
    assert everything() == before


# The projector and live updates ----------------------------------------------------------------


def test_the_projector_is_read_only_and_high_contrast(board, editor, make):
    make.entry(board.plane_section, "Wniosek na rzutniku", kind=EntryKind.CONCLUSION)
    hx(editor, f"{board.url}/board/focus", {"section_id": board.plane_section.id})
    response = editor.get(f"{board.url}/projector")
    assert response.status_code == 200
    page = html(response)
    assert "projector" in find(page, "html")["class"]
    assert "projector-body" in find(page, "body")["class"]
    for control in ("form", "button", "input", "textarea", "select", "[data-hx-post]", "[data-hx-get]", "a"):
        assert page.select(control) == [], control
    assert outline(page, board.plane_section) == ["1. Wniosek na rzutniku"]
    assert kinds(page, board.plane_section) == ["wniosek"]
    active = [s["id"] for s in page.select("section.board-section.is-active")]
    assert active == [f"section-{board.plane_section.id}"]
    assert find(page, "main")["data-changes-url"] == f"{board.url}/board/changes?view=projector"


def test_nothing_changed_is_an_empty_204(board, editor):
    hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Coś"))
    response = editor.get(f"{board.url}/board/changes?since={revision(board.meeting)}", headers=HX)
    assert response.status_code == 204
    assert response.get_data() == b""


def test_a_poll_brings_only_the_sections_that_changed(board, editor, admin_client, make):
    make.entry(board.plane_section, "Bez zmian", kind=EntryKind.CONCLUSION)
    page = board_page(editor, board)
    seen = revision(board.meeting)
    admin_client.submit(f"{board.url}/board/entries", add_form(board.topic_section, "Nowy pomysł"))
    response = editor.get(f"{board.url}/board/changes?since={seen}", headers=HX)
    assert response.status_code == 200
    answer = html(response)
    assert entry_lists(answer) == []  # no list is sent whole
    assert len(appended(response, f"#entries-{board.topic_section.id}")) == 1
    assert appended(response, f"#entries-{board.plane_section.id}") == []
    assert appended_texts(response, f"#entries-{board.topic_section.id}") == ["Nowy pomysł"]
    assert outline(page, board.topic_section) == []  # the list it goes at the end of
    assert state(answer)["data-rev"] == str(seen + 1)
    assert answer.select("li[data-entry] > a")  # the board gets its controls
    # the reader now at seen + 1 gets nothing again
    assert editor.get(f"{board.url}/board/changes?since={seen + 1}", headers=HX).status_code == 204


@pytest.mark.parametrize("since", ["", "ahead", "abc", "-1", "²"])
def test_a_page_with_a_missing_or_impossible_revision_is_told_to_reload(board, editor, since):
    hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Coś"))
    if since == "ahead":
        since = str(revision(board.meeting) + 5)
    response = editor.get(f"{board.url}/board/changes?since={since}", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Refresh"] == "true"
    response = editor.get(f"{board.url}/board/changes", headers=HX)
    assert response.headers["HX-Refresh"] == "true"


def test_the_projector_poll_brings_no_controls(board, editor, official_client, make):
    for url in (f"{board.url}/board", f"{board.url}/projector"):  # the lists the additions go to
        assert outline(get_page(official_client, url), board.topic_section) == []
    seen = revision(board.meeting)
    hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Dla rzutnika"))
    hx(editor, f"{board.url}/board/details", details_form(goal="Nowy cel"))
    for client, query in ((editor, "&view=projector"), (official_client, ""), (official_client,
                                                                               "&view=projector")):
        response = client.get(f"{board.url}/board/changes?since={seen}{query}", headers=HX)
        assert response.status_code == 200
        answer = html(response)
        assert appended_texts(response, f"#entries-{board.topic_section.id}") == ["Dla rzutnika"]
        assert entry_lists(answer) == []
        for control in ("form", "button", "input", "textarea", "[data-hx-post]"):
            assert answer.select(control) == [], (query, control)
    projector = html(editor.get(f"{board.url}/board/changes?since={seen}&view=projector", headers=HX))
    assert projector.select("#meeting-details-view") == []


def test_a_list_a_reader_lacks_is_sent_once(board, editor, admin_client):
    seen = revision(board.meeting)
    part_id = board.topic_section.part_id
    admin_client.submit(f"{board.url}/board/sections", section_form(part_id, topic="Nowy temat"))
    new = db.session.scalars(sa.select(Section).order_by(Section.id.desc())).first()
    admin_client.submit(f"{board.url}/board/entries", add_form(new, "Pierwszy w nowym temacie"))
    for query in ("", "&view=projector"):
        answer = html(editor.get(f"{board.url}/board/changes?since={seen}{query}", headers=HX))
        assert entry_lists(answer) == [f"entries-{new.id}"]  # inside the new section, once
        appended = find(answer, f"[data-hx-swap-oob='beforeend:#part-{part_id}-sections']")
        assert outline(appended, new) == ["1. Pierwszy w nowym temacie"]
        assert find(appended, f"ol#entries-{new.id}").get("data-hx-swap-oob") is None
    now = revision(board.meeting)
    assert editor.get(f"{board.url}/board/changes?since={now}", headers=HX).status_code == 204


def test_focus_moves_the_projector_highlight(board, editor, official_client):
    seen = revision(board.meeting)
    response = hx(editor, f"{board.url}/board/focus", {"section_id": board.topic_section.id})
    assert response.status_code == 200
    assert state(html(response))["data-active"] == str(board.topic_section.id)
    poll = official_client.get(f"{board.url}/board/changes?since={seen}&view=projector", headers=HX)
    assert state(html(poll))["data-active"] == str(board.topic_section.id)
    assert state(html(poll))["data-rev"] == str(seen + 1)
    projector = get_page(official_client, f"{board.url}/projector")
    assert [s["id"] for s in projector.select("section.is-active")] == [f"section-{board.topic_section.id}"]
    assert state(projector)["data-active"] == str(board.topic_section.id)
    # the same section again is no news
    hx(editor, f"{board.url}/board/focus", {"section_id": board.topic_section.id})
    assert revision(board.meeting) == seen + 1
    # writing in a section makes it the active one
    hx(editor, f"{board.url}/board/entries", add_form(board.plane_section, "Tu piszę"))
    projector = get_page(official_client, f"{board.url}/projector")
    assert [s["id"] for s in projector.select("section.is-active")] == [f"section-{board.plane_section.id}"]


# History -----------------------------------------------------------------------------------------


def test_the_history_of_an_entry_lists_every_revision(board, editor, admin_client):
    hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Pierwotny tekst"))
    entry = live_entry("Pierwotny tekst")
    hx(admin_client, f"{board.url}/entries/{entry.id}", {"text": "Poprawiony tekst", "version": entry.version})
    hx(editor, f"{board.url}/entries/{entry.id}/kind", {"kind": "weakness"})
    hx(editor, f"{board.url}/entries/{entry.id}/move", {"section_id": board.plane_section.id, "position": "1"})
    hx(admin_client, f"{board.url}/entries/{entry.id}/delete")
    hx(admin_client, f"{board.url}/entries/{entry.id}/restore")
    page = get_page(editor, f"{board.url}/entries/{entry.id}/history")
    assert text(find(page, "h1")) == "Historia wpisu"
    assert text(find(page, "blockquote")) == "Poprawiony tekst"
    listed = items(find(page, "ol.history__list"))
    whats = [text(li.find("p")).split(" — ", 1)[1] for li in listed]
    assert whats == ["Ada Admin: przywrócenie", "Ada Admin: usunięcie", "Fela Facilitator: przeniesienie",
                     "Fela Facilitator: zmiana rodzaju", "Ada Admin: edycja", "Fela Facilitator: utworzenie"]
    edit = listed[4]
    assert texts(edit.select("p.history__text")) == ["przed: Pierwotny tekst", "po: Poprawiony tekst"]
    assert texts(listed[-1].select("p.history__text")) == ["Pierwotny tekst"]
    fragment = get_page(editor, f"{board.url}/entries/{entry.id}/history", headers=HX)
    assert fragment.find("html") is None and len(items(find(fragment, "ol.history__list"))) == 6
    get_page(editor, f"{board.url}/entries/{board.other_entry.id}/history", status=404)


# Every change: one revision of the meeting, one revision row -------------------------------------


def test_every_change_bumps_the_revision_once_and_writes_one_revision_row(board, editor, make):
    alfa, beta, gamma = three(make, board.topic_section)
    e = lambda entry, action="": f"{board.url}/entries/{entry.id}{action}"  # noqa: E731
    changes = [
        ("create", None, f"{board.url}/board/entries", add_form(board.topic_section, "Delta")),
        ("edit", alfa, e(alfa), {"text": "Alfa poprawiona", "version": "1"}),
        ("kind", alfa, e(alfa, "/kind"), {"kind": "strength"}),
        ("move", gamma, e(gamma, "/move"), {"direction": "up"}),
        ("move", gamma, e(gamma, "/move"), {"section_id": board.plane_section.id, "position": "1"}),
        ("indent", beta, e(beta, "/indent"), {}),
        ("outdent", beta, e(beta, "/outdent"), {}),
        ("delete", beta, e(beta, "/delete"), {}),
        ("restore", beta, e(beta, "/restore"), {}),
    ]
    for action, entry, url, data in changes:
        seen = revision(board.meeting)
        last = db.session.scalar(sa.select(sa.func.max(Revision.id))) or 0
        response = hx(editor, url, data, since=seen)
        assert response.status_code == 200, action
        assert revision(board.meeting) == seen + 1, action
        assert state(html(response))["data-rev"] == str(seen + 1), action
        db.session.expire_all()
        new = db.session.scalars(sa.select(Revision).where(Revision.id > last)).all()
        entry_id = entry.id if entry else live_entry("Delta").id
        assert [(r.object_type, r.object_id, r.action, r.user_id) for r in new] == [
            ("entry", entry_id, action, board.facilitator.id)], action
        assert new[0].after is not None and (new[0].before is None) == (action == "create"), action


# Who may do what ---------------------------------------------------------------------------------


def every_post(board, entry: Entry) -> list[tuple[str, dict]]:
    """Each change the board can send, about ``entry`` of this meeting (the second entry of
    its section). Sent in this order by an editor, every one of them goes through."""
    url, part_id = board.url, board.topic_section.part_id
    return [
        (f"{url}/board/entries", add_form(board.topic_section, "Przejęty")),
        (f"{url}/entries/{entry.id}", {"text": "Przejęty", "version": entry.version}),
        (f"{url}/entries/{entry.id}/kind", {"kind": "weakness"}),
        (f"{url}/entries/{entry.id}/delete", {}),
        (f"{url}/entries/{entry.id}/restore", {}),
        (f"{url}/entries/{entry.id}/indent", {}),
        (f"{url}/entries/{entry.id}/outdent", {}),
        (f"{url}/entries/{entry.id}/move", {"direction": "up"}),
        (f"{url}/entries/{entry.id}/move", {"section_id": board.plane_section.id, "position": "1"}),
        (f"{url}/board/parts", {"part-heading": "Przejęta część", "part-question": ""}),
        (f"{url}/board/sections", section_form(part_id, topic="Przejęty temat")),
        (f"{url}/board/details", details_form(title="Przejęte")),
        (f"{url}/board/focus", {"section_id": board.plane_section.id}),
    ]


@pytest.mark.parametrize("who", ["admin", "facilitator"])
def test_admins_and_the_consultations_facilitators_change_the_board(board, admin, login_as, make, who):
    client = login_as(admin if who == "admin" else board.facilitator)
    make.entry(board.topic_section, "Alfa")
    beta = make.entry(board.topic_section, "Beta")
    page = board_page(client, board)
    assert page.select("form.add-entry") and page.select("li[data-entry] > a") and page.select("#entry-toolbar")
    assert find(page, "#board")["data-editable"] == "true" and page.find(class_="notice") is None
    # every change goes through, as a plain form …
    for url, data in every_post(board, beta):
        revisions = revision(board.meeting)
        assert client.submit(url, data).status_code == 303, url
        assert board_page(client, board).select(".flash--error") == [], url
        assert revision(board.meeting) > revisions or url.endswith("/focus"), url
    # … and with htmx
    make.entry(board.topic_section, "Gamma")
    delta = make.entry(board.topic_section, "Delta")
    for url, data in every_post(board, delta):
        response = hx(client, url, data)
        assert response.status_code == 200, (url, response.get_data(as_text=True))


def assert_every_post_refused(client, board, entry, status: int) -> None:
    before = everything()
    for url, data in every_post(board, entry):
        assert client.submit(url, data).status_code == status, url
        assert client.submit(url, data, headers=HX).status_code == status, url
    assert everything() == before


def test_an_official_reads_the_board_and_projector_but_changes_nothing(board, official_client, make):
    entry = make.entry(board.topic_section, "Do przeczytania")
    page = board_page(official_client, board)
    assert outline(page, board.topic_section) == ["1. Do przeczytania"]
    assert text(find(page, ".notice")) == (
        "Możesz czytać tę tablicę; zmieniać ją mogą tylko moderatorzy tej konsultacji.")
    for control in ("form.add-entry", "li[data-entry] > a", "#entry-toolbar", "#meeting-details form",
                    "details.add-part", "details.add-section", "[data-hx-post]", "textarea"):
        assert page.select(control) == [], control
    assert find(page, "#board")["data-editable"] == "false"
    get_page(official_client, f"{board.url}/projector")
    get_page(official_client, f"{board.url}/entries/{entry.id}/history")
    get_page(official_client, f"{board.url}/entries/{entry.id}/edit", status=403)
    get_page(official_client, f"{board.url}/entries/{entry.id}/move", status=403)
    get_page(official_client, f"{board.url}/entries/{entry.id}/actions", status=403)
    assert official_client.get(f"{board.url}/board/changes?since={revision(board.meeting)}",
                               headers=HX).status_code == 204
    assert_every_post_refused(official_client, board, entry, 403)


def test_a_facilitator_not_assigned_to_the_consultation_gets_403_everywhere(board, make, login_as):
    stranger = make.user(Role.FACILITATOR, email="stranger@example.org", name="Obcy Moderator")
    make.consultation(facilitators=[stranger])  # assigned to another consultation
    client = login_as(stranger)
    entry = make.entry(board.topic_section, "Nie dla obcych")
    for url in ("/board", "/projector", f"/entries/{entry.id}/history", f"/entries/{entry.id}/edit",
                f"/entries/{entry.id}/move", f"/entries/{entry.id}",
                f"/board/changes?since={revision(board.meeting)}", "/board/changes?since=0"):
        assert client.get(board.url + url).status_code == 403, url
        assert client.get(board.url + url, headers=HX).status_code == 403, url
    assert "Nie dla obcych" not in client.get(f"{board.url}/board").get_data(as_text=True)
    assert_every_post_refused(client, board, entry, 403)


def test_anonymous_visitors_are_sent_to_log_in_and_htmx_requests_get_401(board, client, make):
    entry = make.entry(board.topic_section, "Tylko dla zalogowanych")
    for path in ("/board", "/projector", f"/entries/{entry.id}/history", f"/entries/{entry.id}/edit"):
        response = client.get(board.url + path)
        assert response.status_code == 302, path
        location = urlsplit(response.location)
        assert (location.path, parse_qs(location.query)["next"]) == ("/login", [board.url + path])
        assert client.get(board.url + path, headers=HX).status_code == 401, path
    response = client.get(f"{board.url}/board/changes?since=0", headers=HX)
    assert response.status_code == 401
    assert "Tylko dla zalogowanych" not in response.get_data(as_text=True)
    before = everything()
    for url, data in every_post(board, entry):
        assert client.submit(url, data, headers=HX).status_code == 401, url
        response = client.submit(url, data)
        assert response.status_code == 302 and urlsplit(response.location).path == "/login", url
    assert everything() == before


def test_a_post_without_csrf_token_is_refused_and_saves_nothing(board, editor, make):
    entry = make.entry(board.topic_section, "Chroniony")
    before = everything()
    for url, data in every_post(board, entry):
        response = editor.post(url, data=data)
        assert response.status_code == 400, url
        assert "Formularz wygasł" in response.get_data(as_text=True)
        assert editor.post(url, data={**data, "since": "0"}, headers=HX).status_code == 400, url
        assert editor.post(url, data={**data, "csrf_token": "forged"}).status_code == 400, url
    assert everything() == before


# Bad input ---------------------------------------------------------------------------------------


def _bad_requests(board, entry, sub):
    """(url, data, status, message): what each refusal says, for requests a page could send."""
    url = board.url
    other = board.other_entry
    topic = board.topic_section
    return [
        (f"{url}/board/entries", add_form(topic, ""), 422, "Wpisz treść wpisu."),
        (f"{url}/board/entries", add_form(topic, " \r\n\t "), 422, "Wpisz treść wpisu."),
        (f"{url}/board/entries", add_form(topic, "\x00\x00"), 422, "Wpisz treść wpisu."),
        (f"{url}/board/entries", add_form(topic, "x" * 5001), 422,
         "Wpis może mieć najwyżej 5000 znaków (ten ma 5001)."),
        (f"{url}/board/entries", add_form(topic, "Tekst", kind="opinion"), 422,
         "Wybierz: mocna strona, słaba strona, wniosek lub pomysł."),
        (f"{url}/board/entries", add_form(topic, "Tekst", section_id=board.other_section.id), 404,
         "Wybierz sekcję tego spotkania."),
        (f"{url}/board/entries", add_form(topic, "Tekst", section_id="abc"), 404,
         "Wybierz sekcję tego spotkania."),
        (f"{url}/board/entries", add_form(topic, "Tekst", section_id="99999999999"), 404,
         "Wybierz sekcję tego spotkania."),
        (f"{url}/board/entries", add_form(topic, "Tekst", parent_id=other.id), 404,
         "Tego wpisu nie ma w tym spotkaniu (albo został usunięty)."),
        (f"{url}/board/entries", add_form(topic, "Tekst", parent_id="1x"), 404,
         "Tego wpisu nie ma w tym spotkaniu."),
        (f"{url}/board/entries", add_form(board.plane_section, "Tekst", parent_id=entry.id), 404,
         "Podpunkt musi być w tej samej sekcji co jego wpis."),
        (f"{url}/entries/{entry.id}", {"text": "", "version": entry.version}, 422, "Wpisz treść wpisu."),
        (f"{url}/entries/{entry.id}", {"text": "y" * 5001, "version": entry.version}, 422,
         "Wpis może mieć najwyżej 5000 znaków (ten ma 5001)."),
        (f"{url}/entries/{entry.id}", {"text": "Nowy"}, 422, "Formularz jest niepełny; odśwież stronę."),
        (f"{url}/entries/{entry.id}", {"text": "Nowy", "version": "abc"}, 422,
         "Formularz jest niepełny; odśwież stronę."),
        (f"{url}/entries/{other.id}", {"text": "Przejęty", "version": other.version}, 404,
         "Tego wpisu nie ma w tym spotkaniu (albo został usunięty)."),
        (f"{url}/entries/{entry.id}/kind", {"kind": ""}, 422,
         "Wybierz: mocna strona, słaba strona, wniosek lub pomysł."),
        (f"{url}/entries/{entry.id}/kind", {"kind": "idea\x00"}, 422,
         "Wybierz: mocna strona, słaba strona, wniosek lub pomysł."),
        (f"{url}/entries/{other.id}/kind", {"kind": "weakness"}, 404,
         "Tego wpisu nie ma w tym spotkaniu (albo został usunięty)."),
        (f"{url}/entries/{other.id}/delete", {}, 404,
         "Tego wpisu nie ma w tym spotkaniu (albo został usunięty)."),
        (f"{url}/entries/{other.id}/restore", {}, 404,
         "Tego wpisu nie ma w tym spotkaniu (albo został usunięty)."),
        (f"{url}/entries/{other.id}/move", {"direction": "down"}, 404,
         "Tego wpisu nie ma w tym spotkaniu (albo został usunięty)."),
        (f"{url}/entries/{other.id}/indent", {}, 404,
         "Tego wpisu nie ma w tym spotkaniu (albo został usunięty)."),
        (f"{url}/entries/{other.id}/outdent", {}, 404,
         "Tego wpisu nie ma w tym spotkaniu (albo został usunięty)."),
        (f"{url}/entries/{entry.id}/move", {"section_id": board.other_section.id, "position": "1"}, 404,
         "Wybierz sekcję tego spotkania."),
        (f"{url}/entries/{entry.id}/move", {"section_id": "abc", "position": "1"}, 404,
         "Wybierz sekcję tego spotkania."),
        (f"{url}/entries/{entry.id}/move", {"section_id": topic.id, "position": "1\x00"}, 422,
         "Podaj nowy numer wpisu."),
        (f"{url}/entries/{sub.id}/indent", {}, 422,
         "Pierwszy wpis nie może stać się podpunktem: nie ma nic nad nim."),
        (f"{url}/board/focus", {"section_id": board.other_section.id}, 404, "Wybierz sekcję tego spotkania."),
        (f"{url}/board/focus", {"section_id": "²"}, 404, "Wybierz sekcję tego spotkania."),
        (f"{url}/board/sections", section_form("²", topic="Temat"), 404,
         "Wybierz część tego spotkania."),
    ]


def test_bad_input_gets_a_clear_message_and_changes_nothing_in_either_meeting(board, editor, make):
    entry = make.entry(board.topic_section, "Nietknięty")
    sub = make.entry(board.topic_section, "Nietknięty podpunkt", parent=entry)
    cases = _bad_requests(board, entry, sub)
    before = everything()
    for url, data, status, refusal in cases:
        response = hx(editor, url, data)
        assert (response.status_code, message(response)) == (status, refusal), (url, data)
        assert response.headers["HX-Reswap"] == "none"
        response = editor.submit(url, data)
        assert response.status_code == 303, (url, data)
        assert response.location == f"{board.url}/board"
        assert flashes(board_page(editor, board)) == [refusal], (url, data)
    assert everything() == before
    page = board_page(editor, board)
    assert outline(page, board.topic_section) == ["1. Nietknięty", "  – Nietknięty podpunkt"]
    other = get_page(editor, f"/meetings/{board.other_meeting.id}/board")
    assert outline(other, board.other_section) == ["1. Wpis innego spotkania"]


def test_nul_characters_are_dropped_from_text_that_is_saved(board, editor):
    page = board_page(editor, board)
    response = hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Bez\x00 zera",
                                                                client_key="key\x00nul"))
    assert response.status_code == 200
    assert appended_texts(response, f"#entries-{board.topic_section.id}") == ["Bez zera"]
    assert outline(page, board.topic_section) == []
    assert live_entry("Bez zera").client_key == "keynul"


@pytest.mark.parametrize("method, path", [
    ("GET", "/meetings/abc/board"), ("POST", "/meetings/{m}/entries/abc/delete"),
    ("POST", "/meetings/{m}/entries/1.5/move"), ("GET", "/meetings/987654/board"),
    ("POST", "/meetings/987654/board/entries"), ("GET", "/meetings/{m}/entries/987654/history"),
    ("GET", "/meetings/987654/board/changes?since=0"),
    # beyond the database's INTEGER ids
    ("GET", "/meetings/99999999999/board"), ("GET", "/meetings/99999999999/projector"),
    ("GET", "/meetings/99999999999/board/changes?since=0"), ("POST", "/meetings/99999999999/board/entries"),
    ("GET", "/meetings/{m}/entries/99999999999/history"), ("GET", "/meetings/{m}/entries/99999999999/edit"),
])
def test_ids_that_are_not_there_are_404(board, editor, method, path):
    url = path.format(m=board.meeting.id)
    before = everything()
    if method == "GET":
        assert editor.get(url).status_code == 404
        assert editor.get(url, headers=HX).status_code == 404
    else:
        assert editor.submit(url, add_form(board.topic_section, "x")).status_code == 404
        assert editor.submit(url, add_form(board.topic_section, "x"), headers=HX).status_code == 404
    assert everything() == before


@pytest.mark.parametrize("since", ["abc", "²", "-3", "99999999999999999999"])
def test_a_write_with_an_impossible_since_still_saves_once(board, editor, since):
    response = hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Zapisany"),
                  since=since)
    assert response.status_code == 200
    assert outline(board_page(editor, board), board.topic_section) == ["1. Zapisany"]


def test_saving_details_on_the_board_keeps_the_summary_setting(board, editor):
    from consult.meetings.models import Meeting

    meeting = db.session.get(Meeting, board.meeting.id)
    meeting.show_kinds = False
    db.session.commit()
    assert hx(editor, f"{board.url}/board/details", details_form(goal="Inny cel")).status_code == 200
    db.session.expire_all()
    meeting = db.session.get(Meeting, board.meeting.id)
    assert (meeting.goal, meeting.show_kinds) == ("Inny cel", False)
