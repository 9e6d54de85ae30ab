"""The structure tree of each kind of document's tagged PDF (PDF/UA-1; issue 17, point 15):
page furniture is an Artifact and nothing hangs outside the tree, no heading holds a heading,
an element cut by a page break is one element, the facts are no list and numbers are list
labels, one link annotation per entry of the contents (described by its words), table header
cells with their scope, and words extracted whole (no hyphen drawn at a line's end).

The PDFs are read with pikepdf (the tree, the annotations, the content streams) and pypdf
(the text of each piece of marked content)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pikepdf
import pytest
from flask import current_app
from pypdf import PdfReader

from consult.core.enums import ConsultationStatus, Role
from consult.core.models import utcnow
from consult.extensions import db
from consult.reports import rendering
from consult.reports.catalogue import COMPILATION, REPORT, SUMMARY
from tests.conftest import DEMO_FILE
from tests.test_remarks import received

DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
HEADINGS = {f"/H{n}" for n in range(1, 7)} | {"/H"}
REMARKS = 24  # enough for the table of remarks to run over several pages


# Reading the structure ---------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    """One structure element: its type, page, parent, kids, and what it holds directly."""

    obj: pikepdf.Dictionary
    type: str
    page: int | None
    parent: Node | None
    kids: list[Node] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)  # (page, MCID), in order
    annotations: list[pikepdf.Dictionary] = field(default_factory=list)  # its OBJRs' annotations

    def walk(self):
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Structure:
    """A tagged PDF as a screen reader meets it: its structure tree, the text each element
    holds, the Artifacts, the marked content of each page and its annotations."""

    def __init__(self, content: bytes):
        self.content = content
        self.pdf = pikepdf.open(io.BytesIO(content))
        self.page_numbers = {page.obj.objgen: n for n, page in enumerate(self.pdf.pages)}
        self.marked_text, self.artifact_text, self.marked = self._read_content(content)
        root = self.pdf.Root.StructTreeRoot
        kids = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
        self.roots = [self._node(kid, None, None) for kid in kids]
        self.nodes = [node for top in self.roots for node in top.walk()]
        self.parent_tree = self._parent_tree(root.ParentTree)

    def _page(self, obj, inherited):
        return self.page_numbers[obj.Pg.objgen] if "/Pg" in obj else inherited

    def _node(self, obj, parent, page) -> Node:
        page = self._page(obj, page)
        node = Node(obj, str(obj.S), page, parent)
        kids = obj.get("/K")
        for kid in ([] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(kid, int):
                node.content.append((page, int(kid)))
            elif kid.get("/Type") == "/MCR":
                node.content.append((self._page(kid, page), int(kid.MCID)))
            elif kid.get("/Type") == "/OBJR":
                node.annotations.append(kid.Obj)
            else:
                node.kids.append(self._node(kid, node, page))
        return node

    @staticmethod
    def _parent_tree(parent_tree) -> dict:
        nums, entries = parent_tree.Nums, {}
        for i in range(0, len(nums), 2):
            entries[int(nums[i])] = nums[i + 1]
        return entries

    @staticmethod
    def _read_content(content: bytes):
        """{(page, MCID): text}, {page: the text inside Artifacts}, {page: MCIDs marked}."""
        marked_text, artifact_text, marked = {}, {}, {}
        for number, page in enumerate(PdfReader(io.BytesIO(content)).pages):
            stack, texts, artifacts, mcids = [], {}, [], []

            def before(operator, operands, cm, tm, stack=stack, mcids=mcids):
                if operator in (b"BDC", b"BMC"):
                    properties = operands[1] if operator == b"BDC" else {}
                    mcid = properties.get("/MCID") if hasattr(properties, "get") else None
                    stack.append((str(operands[0]), mcid))
                    if mcid is not None and not any(tag == "/Artifact" for tag, _ in stack[:-1]):
                        mcids.append(int(mcid))
                elif operator == b"EMC" and stack:
                    stack.pop()

            def text(string, cm, tm, font, size, stack=stack, texts=texts, artifacts=artifacts, number=number):
                if any(tag == "/Artifact" for tag, _ in stack):
                    artifacts.append(string)
                elif stack and stack[-1][1] is not None:
                    key = (number, int(stack[-1][1]))
                    texts[key] = texts.get(key, "") + string

            page.extract_text(visitor_operand_before=before, visitor_text=text)
            marked_text.update(texts)
            artifact_text[number] = "".join(artifacts)
            marked[number] = mcids
        return marked_text, artifact_text, marked

    # What it holds ------------------------------------------------------------------------

    def text(self, node: Node) -> str:
        """The words of an element, as a reader of the tree gets them."""
        parts = [self.marked_text.get(key, "") for n in node.walk() for key in n.content]
        return " ".join("".join(parts).split())

    def of_type(self, *types: str) -> list[Node]:
        return [node for node in self.nodes if node.type in types]

    def pages_of(self, node: Node) -> set[int]:
        return {page for n in node.walk() for page, _ in n.content}

    def annotations(self, page: int) -> list[pikepdf.Dictionary]:
        return list(self.pdf.pages[page].obj.get("/Annots", []))


def render(kind, subject) -> Structure:
    with current_app.test_request_context():
        return Structure(rendering.render_pdf(kind.html(subject, for_pdf=True)).content)


@pytest.fixture
def demo(make):
    return make.demo_meeting()


def with_remarks(consultation, make, count: int = REMARKS):
    """``count`` remarks with published stances (the report's table of remarks)."""
    from consult.remarks import moderation, stances

    consultation.status = ConsultationStatus.OPEN
    consultation.organizer = "Urząd Miasta Krakowa"
    consultation.submissions_open_at = utcnow() - timedelta(days=1)
    consultation.submissions_close_at = utcnow() + timedelta(days=13)
    db.session.commit()
    official = make.user(Role.OFFICIAL, email="official@example.org", name="Olek Official")
    for n in range(count):
        submission, _token = received(consultation, f"Stowarzyszenie Kultury nr {n + 1}", remarks=(
            "Zespoły konsultacyjne powinny zbierać się co kwartał, a ich skład powinien uwzględniać "
            "organizacje pozarządowe z różnych dzielnic.",))
        moderation.accept(submission.remarks[0], official)
        stances.set_stance(submission.remarks[0], official, "partly",
                           "Nabór trwa 30 dni: dłuższy opóźniłby przyznanie dotacji organizacjom.",
                           "§ 7 ust. 1: 30 dni zamiast 21.")
    stances.publish_stances(consultation, official)
    db.session.commit()
    return consultation


@pytest.fixture(params=["summary", "compilation", "report"])
def kind(request):
    return request.param


@pytest.fixture
def document(kind, demo, make) -> Structure:
    if kind == "summary":
        return render(SUMMARY, demo)
    if kind == "compilation":
        return render(COMPILATION, demo.consultation)
    return render(REPORT, with_remarks(demo.consultation, make))


# Artifacts and the parent tree ---------------------------------------------------------------


def test_page_furniture_is_an_artifact_and_nothing_hangs_outside_the_tree(document, kind):
    in_tree = {key: node for node in document.nodes for key in node.content}
    for page, mcids in document.marked.items():
        for mcid in mcids:  # all marked content that is no Artifact belongs to an element
            assert (page, mcid) in in_tree, f"page {page + 1}: MCID {mcid} is outside the structure tree"
    for (page, mcid), node in in_tree.items():  # and the ParentTree says which
        holder = document.parent_tree[int(document.pdf.pages[page].obj.StructParents)][mcid]
        assert holder.objgen == node.obj.objgen, f"page {page + 1}: ParentTree of MCID {mcid}"
    for node in document.nodes:
        if node.parent is not None:
            assert node.obj.P.objgen == node.parent.obj.objgen, f"{node.type}: /P is not its parent"

    pages = len(document.pdf.pages)
    tree_text = " ".join(document.text(top) for top in document.roots)
    assert "WERSJA ROBOCZA" not in tree_text and f"1 / {pages}" not in tree_text
    title = "Konsultacje założeń Wieloletniego Programu"
    # The running title is in each page's header, not read; the cover and the report's title hold it once.
    assert tree_text.count(title) == (0 if kind == "summary" else 1)
    for page in range(pages):
        furniture = document.artifact_text[page]
        assert "WERSJA ROBOCZA" in furniture, f"page {page + 1}"
        if kind != "compilation" or page > 0:  # the compilation's cover has no header nor number
            assert f"{page + 1} / {pages}" in furniture and title in furniture, f"page {page + 1}"
    # A screen reader skips the Artifacts: the document's title, which it reads, says "draft".
    assert str(document.pdf.docinfo.Title).endswith(" – Wersja robocza")


def test_a_published_version_is_not_called_a_draft(demo):
    with current_app.test_request_context():
        content = rendering.render_pdf(SUMMARY.html(demo, for_pdf=True, draft=False)).content
    published = Structure(content)
    assert str(published.pdf.docinfo.Title).startswith("Podsumowanie spotkania konsultacyjnego")
    assert "Wersja robocza" not in str(published.pdf.docinfo.Title)
    assert not any("WERSJA ROBOCZA" in text for text in published.artifact_text.values())


# Headings --------------------------------------------------------------------------------------


def test_no_heading_holds_a_heading_and_the_title_reads_whole(document, kind):
    for heading in document.of_type(*HEADINGS):
        assert not [n for n in heading.walk() if n is not heading and n.type in HEADINGS], \
            f"{heading.type} «{document.text(heading)[:60]}» holds a heading"
    titles = [document.text(h) for h in document.of_type("/H1" if kind != "compilation" else "/H2")]
    expected = {"summary": "Podsumowanie spotkania konsultacyjnego dla organizacji pozarządowych działających "
                           "w obszarze kultury i sztuki",
                "compilation": "Podsumowanie spotkania konsultacyjnego dla organizacji pozarządowych działających "
                               "w obszarze kultury i sztuki",
                "report": "Raport z konsultacji Konsultacje założeń Wieloletniego Programu Współpracy"}[kind]
    assert any(title.startswith(expected) for title in titles), titles


# Elements cut by a page break ------------------------------------------------------------------


def conclusions(document: Structure, plane_number: int) -> Node:
    """The list after "Wnioski:" in the section of a plane."""
    for section in document.of_type("/Sect"):
        kids = section.kids
        if kids and kids[0].type.startswith("/H") and document.text(kids[0]).startswith(f"{plane_number}. Płaszczyzna"):
            return next(kid for kid in kids if kid.type == "/L")
    raise AssertionError(f"no section of plane {plane_number}")


@pytest.mark.parametrize("kind", ["summary", "compilation"])
def test_a_list_cut_by_a_page_break_is_one_list(document, kind):
    first_list = conclusions(document, 1)  # 8 points on one page, the 9th on the next
    assert [kid.type for kid in first_list.kids] == ["/LI"] * 9
    assert len(document.pages_of(first_list)) == 2
    assert document.text(first_list.kids[-1]).startswith("9. ")
    # Nothing else is doubled by page breaks: one main part, one section per part and section
    # of the meeting, one article per meeting.
    assert len(document.of_type("/Part")) == 1
    sections = len(DEMO["parts"]) + sum(len(part["sections"]) for part in DEMO["parts"])
    assert len(document.of_type("/Sect")) == sections + (2 if kind == "compilation" else 0)  # its cover
    if kind == "compilation":
        [article] = document.of_type("/Art")
        assert len(document.pages_of(article)) == 3


def test_a_table_over_several_pages_is_one_table_with_its_header_once(demo, make):
    document = render(REPORT, with_remarks(demo.consultation, make))
    remarks = next(t for t in document.of_type("/Table") if "Uwaga" in document.text(t))
    assert len(document.pages_of(remarks)) >= 2
    assert [kid.type for kid in remarks.kids] == ["/THead", "/TBody"]
    [body] = [kid for kid in remarks.kids if kid.type == "/TBody"]
    assert len(body.kids) == REMARKS
    assert all(len(row.kids) == 8 for row in body.kids)  # a row cut by a page: still 8 cells


# Lists -----------------------------------------------------------------------------------------


def test_facts_are_paragraphs_and_lists_hold_only_items(document, kind):
    for node in document.of_type("/L"):
        assert {kid.type for kid in node.kids} <= {"/LI", "/L", "/Caption"}, \
            f"L holds {[kid.type for kid in node.kids]}"
    for node in document.of_type("/LI"):
        assert {kid.type for kid in node.kids} <= {"/Lbl", "/LBody"}, f"LI holds {[k.type for k in node.kids]}"
        assert [kid.type for kid in node.kids].count("/LBody") == 1
    fact = {"summary": "Liczba uczestników: 10", "compilation": "Spotkania: 1 (25 maja 2018 r.)",
            "report": "Organizator: Urząd Miasta Krakowa"}[kind]
    paragraphs = [document.text(p) for p in document.of_type("/P")]
    assert fact in paragraphs, paragraphs[:8]


@pytest.mark.parametrize("kind", ["summary", "compilation"])
def test_numbers_of_points_are_labels_of_their_items(document, kind):
    labels = [[document.text(kid) for kid in item.kids if kid.type == "/Lbl"] for item in conclusions(document, 1).kids]
    assert labels == [[f"{n}."] for n in range(1, 10)]
    for item in document.of_type("/LI"):
        body = next(kid for kid in item.kids if kid.type == "/LBody")
        assert not re.match(r"\d+\.", document.text(body)), f"a number in the LBody: {document.text(body)[:40]}"
    agenda = [[document.text(k) for k in item.kids if k.type == "/Lbl"]
              for item in next(node for node in document.of_type("/L") if
                               document.text(node).startswith("1. Informacja o działaniach")).kids]
    assert agenda == [["1."], ["2."], ["3."], ["4."]]
    for label in document.of_type("/Lbl"):
        assert re.fullmatch(r"\d+\.|•", document.text(label)), document.text(label)


# The compilation's contents ---------------------------------------------------------------------


def test_the_contents_have_one_annotation_per_entry_described_by_its_words(demo):
    document = render(COMPILATION, demo.consultation)
    entries = ["Spotkanie konsultacyjne dla organizacji pozarządowych działających w obszarze kultury i sztuki, "
               "25 maja 2018 r."] + [part["heading"] for part in DEMO["parts"]]
    toc_page = 1
    annotations = document.annotations(toc_page)
    assert [str(a.Contents) for a in annotations] == entries  # words, not anchor ids
    assert all(a.Subtype == "/Link" for a in annotations)

    links = document.of_type("/Link")
    assert [document.text(link) for link in links] == entries
    for link in links:
        assert not [n for n in link.walk() if n is not link and n.type == "/Link"], "a link in a link"
        assert len(link.annotations) == 1
    holders = [node for node in document.nodes if node.annotations]
    assert holders == links  # no annotation hangs on a Span or anything but its Link
    for annotation in annotations:  # each annotation names its Link in the ParentTree
        holder = document.parent_tree[int(annotation.StructParent)]
        assert holder.objgen in {link.obj.objgen for link in links}
    rects = [sorted(map(float, a.Rect[0::2])) + sorted(map(float, a.Rect[1::2])) for a in annotations]
    for i, (left, right, bottom, top) in enumerate(rects):
        for other_left, other_right, other_bottom, other_top in rects[i + 1:]:
            apart = right <= other_left or other_right <= left or top <= other_bottom or other_top <= bottom
            assert apart, f"annotation {i + 1} overlaps another"

    [contents] = [node for node in document.of_type("/L") if document.text(node).startswith("1. Spotkanie")]
    words = document.text(contents)
    assert "...." not in words  # the leader dots are layout, not text
    assert words.endswith("5") and " 3 " in words  # the page numbers are read
    assert document.artifact_text[toc_page].count(".") > 100


# The report's tables -----------------------------------------------------------------------------


def test_table_header_cells_say_what_they_head(demo, make):
    document = render(REPORT, with_remarks(demo.consultation, make))
    headers = document.of_type("/TH")
    assert headers
    for cell in headers:
        in_head = any(node.type == "/THead" for node in cell.ancestors())
        assert cell.obj.get("/A", {}).get("/Scope") == ("/Column" if in_head else "/Row"), document.text(cell)
    ids = {str(cell.obj.ID) for cell in headers if "/ID" in cell.obj}
    for cell in document.of_type("/TD"):  # every data cell names header cells that exist
        named = [str(h) for h in cell.obj.A.get("/Headers", [])]
        assert named and set(named) <= ids, named


# Words extracted whole -----------------------------------------------------------------------------


def test_extracted_text_has_no_hyphen_drawn_at_a_line_end(document, kind):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document.content)).pages)
    assert "\u2010" not in text and "\u00ad" not in text
    words = " ".join(text.split())
    assert "pozarządowymi" in words and "pozarzą" not in words.replace("pozarządow", "")
