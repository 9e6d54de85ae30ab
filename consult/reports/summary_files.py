"""The meeting summary as DOCX (python-docx) and ODT (odfpy): files a city can edit, with
the PDF's structure.

Both are written from one list of blocks (:func:`blocks`), read from the same summary tree as
the PDF and in the same order (``reports/_summary_body.html``): the title (heading 1) and
the date, the facts, the course of the meeting, each part (heading 2) and its sections
(heading 3) with their numbered entries and sub-points, and who prepared it. Numbers are text,
as in the PDF, so that an edited copy keeps them where the summary had them. The caller sets
the document's language (flask_babel.force_locale).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import gettext as _

from consult.core.formatting import long_date, xml_safe
from consult.core.i18n import LANGUAGE_TAGS
from consult.core.labels import section_subject
from consult.meetings.models import Meeting
from consult.meetings.services import EntryNode, PartNode

DOCX = "docx"
ODT = "odt"
FONT = "DejaVu Sans"


@dataclass(frozen=True)
class Block:
    """One paragraph of the summary. ``role``: "title", "date", "fact", "heading", "caption",
    "agenda", "entry", "point" or "prepared"; ``level``: a heading's level (2 a part, 3 a
    section, 2 the course of the meeting), a sub-point's depth (1 below its entry);
    ``label``: a fact's label, an entry's or an agenda item's number ("3.")."""

    role: str
    text: str
    level: int = 1
    label: str = ""


def blocks(meeting: Meeting, tree: list[PartNode], audience: str, review_line: str) -> list[Block]:
    """The summary's paragraphs in reading order, in the current (document) language."""
    out = [Block("title", f"{_('Summary of the consultation meeting')} {audience}", 1),
           Block("date", long_date(meeting.date))]
    facts = ((_("Goal of the meeting"), meeting.goal),
             (_("Number of participants"), meeting.participant_count),
             (_("Facilitated by"), meeting.facilitator))
    out += [Block("fact", str(value), label=label) for label, value in facts if value is not None and value != ""]
    out.append(Block("fact", review_line))
    if meeting.agenda_items:
        out.append(Block("heading", f"{_('Course of the meeting')}:", 2))
        out += [Block("agenda", item.text, label=f"{n}.") for n, item in enumerate(meeting.agenda_items, 1)]

    def points(nodes: list[EntryNode], depth: int) -> None:
        for node in nodes:
            out.append(Block("point", node.entry.text, depth))
            points(node.children, depth + 1)

    for part_node in tree:
        out.append(Block("heading", part_node.part.heading, 2))
        if part_node.part.question:
            out.append(Block("caption", part_node.part.question))
        for node in part_node.sections:
            section = node.section
            heading = section_subject(section) if section.topic is None else f"{node.topic_number}. {section.topic}"
            out.append(Block("heading", heading, 3))
            if node.entries and section.label:
                out.append(Block("caption", f"{section.label}:"))
            for entry_node in node.entries:
                entry = entry_node.entry
                text = f"{entry.kind.label} {entry.text}" if meeting.show_kinds else entry.text
                out.append(Block("entry", text, label=f"{entry_node.number}."))
                points(entry_node.children, 1)
    if meeting.prepared_by:
        out.append(Block("fact", meeting.prepared_by, label=_("Prepared by")))
    return out


def _language(language: str) -> str:
    return LANGUAGE_TAGS.get(language, "pl-PL")


# DOCX ----------------------------------------------------------------------------------------


def docx(items: list[Block], title: str, author: str | None, language: str) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    properties = document.core_properties
    properties.title, properties.language, properties.author = xml_safe(title), _language(language), \
        xml_safe(author or "")
    section = document.sections[0]  # A4, as the city prints (python-docx starts on Letter)
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(2))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    bullets = {1: "List Bullet", 2: "List Bullet 2", 3: "List Bullet 3"}
    for block in items:
        text = xml_safe(block.text)
        if block.role in ("title", "heading"):
            document.add_heading(text, level=block.level)
        elif block.role in ("entry", "agenda"):
            paragraph = document.add_paragraph(f"{block.label} {text}")
            paragraph.paragraph_format.left_indent = Cm(0.75)
            paragraph.paragraph_format.first_line_indent = Cm(-0.75)
        elif block.role == "point":  # below its entry's text, one step further per level
            paragraph = document.add_paragraph(text, style=bullets[min(block.level, 3)])
            paragraph.paragraph_format.left_indent = Cm(0.75 + 0.6 * block.level)
            paragraph.paragraph_format.first_line_indent = Cm(-0.5)
        elif block.label:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{xml_safe(block.label)}:").bold = True
            paragraph.add_run(f" {text}")
        else:
            paragraph = document.add_paragraph(text)
            if block.role == "caption":
                paragraph.runs[0].italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ODT -----------------------------------------------------------------------------------------


def odt(items: list[Block], title: str, author: str | None, language: str) -> bytes:
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        FontFace,
        ListLevelProperties,
        MasterPage,
        PageLayout,
        PageLayoutProperties,
        ParagraphProperties,
        Style,
        TextProperties,
    )
    from odf.text import H, List, ListItem, ListLevelStyleBullet, ListStyle, P, Span

    tag = _language(language)
    lang, _dash, country = tag.partition("-")
    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=xml_safe(title)))
    document.meta.addElement(dc.Language(text=tag))
    if author:
        document.meta.addElement(meta.InitialCreator(text=xml_safe(author)))
    document.fontfacedecls.addElement(FontFace(name=FONT, fontfamily=FONT))
    page = PageLayout(name="A4")
    page.addElement(PageLayoutProperties(pagewidth="21cm", pageheight="29.7cm", printorientation="portrait",
                                         margintop="2cm", marginbottom="2cm", marginleft="2cm", marginright="2cm"))
    document.automaticstyles.addElement(page)
    document.masterstyles.addElement(MasterPage(name="Standard", pagelayoutname=page))

    def style(name: str, family: str = "paragraph", parent: str | None = None, **text_props) -> Style:
        found = Style(name=name, family=family, **({"parentstylename": parent} if parent else {}))
        if family == "paragraph":
            found.addElement(ParagraphProperties(marginbottom="0.2cm"))
        found.addElement(TextProperties(fontname=FONT, language=lang, country=country, **text_props))
        document.styles.addElement(found)
        return found

    body = style("Text_20_body", fontsize="11pt")
    body.setAttribute("displayname", "Text body")
    headings = {}
    for level, size in ((1, "18pt"), (2, "14pt"), (3, "12pt")):
        heading = style(f"Heading_20_{level}", parent="Text_20_body", fontsize=size, fontweight="bold")
        heading.setAttribute("displayname", f"Heading {level}")
        heading.setAttribute("defaultoutlinelevel", str(level))
        headings[level] = heading
    entry = Style(name="Entry", family="paragraph", parentstylename="Text_20_body")
    entry.addElement(ParagraphProperties(marginleft="0.75cm", textindent="-0.75cm", marginbottom="0.2cm"))
    entry.addElement(TextProperties(fontname=FONT, fontsize="11pt", language=lang, country=country))
    document.styles.addElement(entry)
    caption = style("Caption", parent="Text_20_body", fontstyle="italic")
    bold = Style(name="Strong", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.styles.addElement(bold)
    bullets = ListStyle(name="Points")
    for level in range(1, 4):
        bullet = ListLevelStyleBullet(level=level, bulletchar="–")
        bullet.addElement(ListLevelProperties(spacebefore=f"{0.75 * level}cm", minlabelwidth="0.5cm"))
        bullets.addElement(bullet)
    document.automaticstyles.addElement(bullets)

    # Sub-points nest as lists within lists (depth 1 right below its entry).
    lists: list = []
    for block in items:
        text = xml_safe(block.text)
        if block.role != "point":
            lists.clear()
        if block.role in ("title", "heading"):
            document.text.addElement(H(outlinelevel=block.level, stylename=headings[block.level], text=text))
        elif block.role in ("entry", "agenda"):
            document.text.addElement(P(stylename=entry, text=f"{block.label} {text}"))
        elif block.role == "point":
            del lists[block.level:]
            while len(lists) < block.level:
                new = List(stylename=bullets) if not lists else List()
                if lists:
                    lists[-1].lastChild.addElement(new)  # inside the item above
                else:
                    document.text.addElement(new)
                lists.append(new)
            item = ListItem()
            item.addElement(P(stylename=body, text=text))
            lists[-1].addElement(item)
        elif block.label:
            paragraph = P(stylename=body)
            paragraph.addElement(Span(stylename=bold, text=f"{xml_safe(block.label)}:"))
            paragraph.addText(f" {text}")
            document.text.addElement(paragraph)
        else:
            document.text.addElement(P(stylename=caption if block.role == "caption" else body, text=text))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


WRITERS = {DOCX: docx, ODT: odt}
