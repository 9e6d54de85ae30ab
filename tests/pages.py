"""Reading pages in the view tests the way a user perceives them.

A *page* is the HTML of a response, or an element already found in a parsed page: every
function accepts either, so that one page can be parsed once and read further. Pages are
parsed by BeautifulSoup with Python's own "html.parser"; what comes back is plain strings and
lists, or BeautifulSoup elements (``Tag``) to read on with these functions or with
BeautifulSoup's own ``find``, ``find_all`` and ``select``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from bs4 import BeautifulSoup, NavigableString, Tag

from consult.extensions import db

Page = str | Tag

# Elements a browser lays out as blocks, rows or cells: their text never runs into the text
# around them. Any other element (a link, <span>, <strong>) flows with its neighbours.
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "head", "header", "hr", "html", "legend", "li", "main", "nav", "ol", "option", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
})


def control_value(html: str, name: str) -> str:
    """The value of the control ``name`` (a CSRF token, a form key) read from raw HTML with a
    regular expression: cheap enough for clients that send thousands of requests."""
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    assert match, f"no {name} on the page"
    return match.group(1)


def parse(page: Page) -> Tag:
    """The page as a tree of elements (an element is taken as it is)."""
    assert page is not None, "no such element"
    return page if isinstance(page, Tag) else BeautifulSoup(page, "html.parser")


def find(page: Page, selector: str) -> Tag:
    """The first element the CSS selector matches; the test fails when there is none."""
    element = parse(page).select_one(selector)
    assert element is not None, f"nothing matches {selector!r}"
    return element


def text(page: Page, skip: tuple[str, ...] = ()) -> str:
    """The text a reader sees, with whitespace collapsed.

    Blocks stay apart, inline elements flow into their neighbours; scripts, styles and
    comments are no text. Elements named in ``skip`` are left out with all they hold.
    """

    def pieces(element: Tag):
        for child in element.children:
            if isinstance(child, Tag):
                if child.name not in skip:
                    gap = " " if child.name in BLOCKS else ""
                    yield gap
                    yield from pieces(child)
                    yield gap
            elif type(child) is NavigableString:
                yield child

    return " ".join("".join(pieces(parse(page))).split())


def own_text(item: Tag) -> str:
    """The text of a list item without that of the lists nested in it."""
    return text(item, skip=("ul", "ol"))


def texts(elements: list[Tag]) -> list[str]:
    """The text of each element."""
    return [text(element) for element in elements]


def items(list_element: Tag) -> list[Tag]:
    """The items of a list (<ol>, <ul>) in order; those of nested lists stay inside theirs."""
    return list_element.find_all("li", recursive=False)


def section(page: Page, heading_id: str) -> Tag:
    """The <section> labelled by the heading with this id (aria-labelledby)."""
    found = parse(page).find("section", attrs={"aria-labelledby": heading_id})
    assert found is not None, f"no section {heading_id}"
    return found


def facts(page: Page) -> list[tuple[str, str]]:
    """The terms of the list of facts (<dl class="facts">) with their descriptions, in order."""
    facts_list = find(page, "dl.facts")
    return list(zip(texts(facts_list.find_all("dt", recursive=False)),
                    texts(facts_list.find_all("dd", recursive=False)), strict=True))


def table_row(page: Page, first_cell: str) -> list[str]:
    """The text of each cell of the table row whose first cell reads ``first_cell``."""
    for row in parse(page).find_all("tr"):
        cells = texts(row.find_all(["td", "th"], recursive=False))
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row starts with {first_cell!r}")


# Messages ---------------------------------------------------------------------------------


def flashes(page: Page) -> list[str]:
    """The flash messages shown at the top of the page."""
    return texts(parse(page).select(".flashes .flash"))


def error_summary(page: Page) -> str:
    """The summary of the errors above a form ("" when there is none)."""
    summary = parse(page).find(class_="error-summary")
    return text(summary) if summary is not None else ""


def field_error(page: Page, field_id: str) -> str:
    """The message shown next to a field: the element "<field_id>-error" ("" when there is none)."""
    error = parse(page).find(id=f"{field_id}-error")
    return text(error) if error is not None else ""


# Forms ------------------------------------------------------------------------------------


def shown_value(control: Tag) -> str:
    """What a form control shows: the text of an input or textarea, the chosen option of a select."""
    if control.name == "textarea":
        # a browser reads every line break as "\n" and drops the one right after <textarea>
        return control.get_text().replace("\r\n", "\n").replace("\r", "\n").removeprefix("\n")
    if control.name == "select":
        choices = control.find_all("option")
        chosen = next((o for o in choices if o.has_attr("selected")), choices[0] if choices else None)
        return option_value(chosen) if chosen is not None else ""
    return control.get("value", "")


def option_value(option: Tag) -> str:
    """The value an option sends: its value attribute, else its text."""
    return option.get("value", text(option))


def field_value(page: Page, field_id: str) -> str:
    """What the input, textarea or select with this id shows."""
    control = parse(page).find(["input", "textarea", "select"], id=field_id)
    assert control is not None, f"no form control {field_id}"
    return shown_value(control)


def options(page: Page, field_id: str) -> list[str]:
    """The values offered by the select with this id, in order."""
    select = parse(page).find("select", id=field_id)
    assert select is not None, f"no select {field_id}"
    return [option_value(option) for option in select.find_all("option")]


def controls(page: Page) -> dict[str, Tag]:
    """The form controls a user fills in, by name: inputs (not hidden ones), textareas, selects."""
    return {control["name"]: control
            for control in parse(page).find_all(["input", "textarea", "select"])
            if control.get("type") != "hidden"}


def form_values(page: Page) -> dict[str, str]:
    """What each text field and select of the page shows, by name (no check boxes, no buttons)."""
    return {name: shown_value(control) for name, control in controls(page).items()
            if control.get("type") not in ("checkbox", "radio", "submit")}


def checkbox_labels(page: Page) -> dict[str, str]:
    """The label of every check box, by the value the box sends."""
    tree = parse(page)
    return {box["value"]: text(tree.find("label", attrs={"for": box["id"]}))
            for box in tree.find_all("input", type="checkbox")}


def checked(page: Page) -> list[str]:
    """The values of the check boxes that are ticked."""
    return [box["value"] for box in parse(page).find_all("input", type="checkbox", checked=True)]


# The summary of a meeting -----------------------------------------------------------------


def meeting_summary(page: Page) -> Tag:
    """The summary of a meeting page: its parts, sections and numbered entries."""
    return find(page, "#meeting-summary")


def summary_section(summary: Tag, heading: str) -> Tag:
    """The section of the summary whose heading (<h3>) reads ``heading``."""
    for candidate in summary.select("section.summary-section"):
        if text(candidate.find("h3")) == heading:
            return candidate
    raise AssertionError(f"no section {heading!r}")


def entries(element: Tag) -> list[Tag]:
    """The items of the first numbered list of entries in the element (sub-points inside theirs)."""
    return items(find(element, "ol.entries"))


# The database -----------------------------------------------------------------------------


def count(model) -> int:
    """How many rows of this model the database holds."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# Crawls of every page a role reaches (the axe and reflow sweep, the HTML check) ------------

DOWNLOAD = re.compile(r"\.(pdf|docx|odt|csv|json|eml|ics)$|/documents/\d+/|/result$")  # files, not pages


def page_key(url: str) -> str:
    """Addresses that differ only in their numbers count as one page (a long meeting does not
    make a crawl long); the query counts (?theme=light is another page)."""
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path + ("?" + parts.query if parts.query else ""))
