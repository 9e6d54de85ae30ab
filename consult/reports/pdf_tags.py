"""The structure tree of the tagged PDF (PDF/UA-1), finished where WeasyPrint leaves it wrong.

WeasyPrint tags the PDF page by page, from the boxes of each page; this module watches that
tagging (which box made which structure element, which marked content a page's margin or a
leader holds) and then, as the ``finisher`` of ``write_pdf``, mends the tree before the PDF
is written (on WeasyPrint's own PDF objects: nothing is parsed again):

- the page's margin boxes (running title, "n / N", the draft mark) and the dots of a
  ``leader()`` become Artifacts (pagination, or layout) instead of marked content outside
  the tree, or dots read as text;
- an element cut by a page break (or, inline, by a line break) is one element again, its
  parts' content in order: a list of 8 items on one page and 1 on the next is one L of 9 LI
  — the ParentTree, the annotations' StructParent and the moved content follow;
- a table header repeated on a later page is an Artifact there, its cells' Headers pointing
  at the first header; every TH gets ``/Scope`` from its HTML ``scope``;
- an element marked ``data-pdf="lbl"`` that starts a list item (the number of a numbered
  point, which is text so that it is read and extracted with its point) is the item's Lbl,
  beside its LBody;
- a link's annotations on one page are one annotation (a Rect around its lines, QuadPoints
  for each), whose ``/Contents`` are the link's words, not its target;
- the elements with an ID (header cells) are in the IDTree, which WeasyPrint leaves out.

In the templates: a link holds its words only (whatever box is inside a link becomes a link
annotation of its own), and headings, lists and facts are written so that WeasyPrint tags
them right (see templates/reports/_summary_body.html).

The patch of WeasyPrint's tagging is made once, at import, and only observes: while no
:func:`recording` is open in the thread, WeasyPrint tags as it always does. It follows
WeasyPrint's internals (``weasyprint.pdf.tags`` of WeasyPrint 70): should a later version
lack them, the PDF is written as WeasyPrint tags it, with a warning in the log, and
tests/test_pdf_structure.py (which checks the tree of every kind of document) fails.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from contextlib import contextmanager

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags as weasy_tags

NULL = b"null"
LABEL = "lbl"  # data-pdf="lbl": the label of the list item the element starts
SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}
REPEATED = ("/THead", "/TFoot")  # parts of a table drawn again on each of its pages

# One per process, kept on WeasyPrint's module: this file may be loaded under two names
# (consult.reports.pdf_tags, and by path in the renderer's child process).
_local = getattr(weasy_tags, "_consult_local", None) or threading.local()
weasy_tags._consult_local = _local


class _Record:
    """What WeasyPrint's tagging of one document said, by PDF object number."""

    def __init__(self):
        self.boxes: dict[int, object] = {}  # structure element → the box it was made for
        # page → {MCID: the artifact's properties} for marked content of margins and leaders
        self.artifacts: dict[int, dict[int, pydyf.Dictionary]] = defaultdict(dict)

    def note(self, element: pydyf.Dictionary, box) -> None:
        self.boxes.setdefault(element.number, box)

    def artifact(self, page: int, box, tags: dict, properties: pydyf.Dictionary) -> None:
        """The marked content of ``box`` (its text, its images) is an Artifact."""
        for child in box.descendants():
            if child in tags:
                self.artifacts[page][tags[child]["mcid"]] = properties


_original_build_box_tree = getattr(weasy_tags, "_build_box_tree", None)


def _traced_build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
    """WeasyPrint's ``_build_box_tree`` (it calls itself through this module global), telling
    the thread's record which box made each element it yields."""
    record = getattr(_local, "record", None)
    if record is not None:
        if isinstance(box, boxes.MarginBox):
            edge = box.at_keyword.split("-")[0]
            subtype = {"@top": "/Header", "@bottom": "/Footer"}.get(edge)
            properties = pydyf.Dictionary({"Type": "/Pagination"})
            if subtype:
                properties["Subtype"] = subtype
            record.artifact(page_number, box, tags, properties)
        elif box.is_leader:
            record.artifact(page_number, box, tags, pydyf.Dictionary({"Type": "/Layout"}))
    for element in _original_build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
        if record is not None:
            record.note(element, box)
        yield element


if _original_build_box_tree is not None and not getattr(_original_build_box_tree, "_consult_traced", False):
    _traced_build_box_tree._consult_traced = True
    weasy_tags._build_box_tree = _traced_build_box_tree
TRACED = getattr(getattr(weasy_tags, "_build_box_tree", None), "_consult_traced", False)


@contextmanager
def recording():
    """Watch the tagging of the PDFs this thread writes; yields the finisher to pass to
    ``write_pdf``."""
    if not TRACED:
        logging.getLogger(__name__).warning("this WeasyPrint's tagging cannot be followed: the "
                                            "PDF's structure tree is left as it makes it")
        yield None
        return
    record = _Record()
    previous, _local.record = getattr(_local, "record", None), record
    try:
        yield lambda document, pdf: finish(pdf, record)
    finally:
        _local.record = previous


# Finishing ------------------------------------------------------------------------------


class _Tree:
    """WeasyPrint's PDF objects with what mending the structure tree needs to look up."""

    def __init__(self, pdf: pydyf.PDF, record: _Record):
        self.pdf, self.record = pdf, record
        self.objects = pdf.objects
        root = self.get(pdf.catalog["StructTreeRoot"])
        self.root = root
        self.document = self.get(root["K"][0])
        self.nums = self.get(root["ParentTree"])["Nums"]
        self.pages = [self.objects[number] for number in pdf.pages["Kids"][::3]]  # "n 0 R" as 3 items
        self.page_of_ref = {page.reference: number for number, page in enumerate(self.pages)}
        # ParentTree: the MCIDs of each page (an array, by MCID), then one entry per annotation.
        self.marked = {self.nums[i]: self.nums[i + 1] for i in range(0, 2 * len(self.pages), 2)}
        self.annotation_index = {self.nums[i]: i + 1 for i in range(2 * len(self.pages), len(self.nums), 2)}

    def get(self, reference: bytes) -> pydyf.Object:
        return self.objects[int(reference.split(b" ", 1)[0])]

    @staticmethod
    def is_ref(item) -> bool:
        return isinstance(item, bytes) and item.endswith(b" R")

    def element_kids(self, element) -> list:
        return [self.get(kid) for kid in element["K"] if self.is_ref(kid)
                and self.get(kid).get("Type") == "/StructElem"]

    def box(self, element):
        return self.record.boxes.get(element.number)

    def key(self, element):
        """The same key for every part of one element (or pseudo-element, or anonymous box
        of one element) of the HTML: None for text (its parts cannot be told apart)."""
        box = self.box(element)
        if box is None or box.element is None:
            return None
        return id(box.element), box.element_tag, element["S"]

    def html_element(self, element):
        box = self.box(element)
        return None if box is None else box.element

    def page(self, element) -> int:
        return self.page_of_ref[element["Pg"]]

    def set_parent(self, mcid_page: int, mcid: int, element) -> None:
        self.marked[mcid_page][mcid] = element.reference

    # Removing ---------------------------------------------------------------------------

    def detach(self, element) -> None:
        """Take ``element`` out of its parent (and a parent left empty out of its own)."""
        parent = self.get(element["P"])
        parent["K"][:] = [kid for kid in parent["K"] if kid != element.reference]
        element.clear()
        if not parent["K"] and parent is not self.document and parent.get("Type") == "/StructElem":
            self.detach(parent)

    def to_artifact(self, page: int, mcids: dict[int, pydyf.Dictionary]) -> None:
        """Marked content of a page → Artifacts: the content stream says so, the ParentTree
        and the structure tree no longer hold it."""
        if not mcids:
            return
        stream = self.get(self.pages[page]["Contents"]).stream
        for i, item in enumerate(stream):
            if isinstance(item, pydyf.Dictionary) and "MCID" in item and item["MCID"] in mcids \
                    and i + 1 < len(stream) and stream[i + 1] == b"BDC":
                stream[i - 1], stream[i] = "/Artifact", pydyf.Dictionary(mcids[item["MCID"]])
        parents = self.marked[page]
        for mcid in mcids:
            reference = parents[mcid]
            parents[mcid] = NULL
            if not self.is_ref(reference):
                continue
            element = self.get(reference)
            if element.get("Type") != "/StructElem":
                continue
            element["K"][:] = [kid for kid in element["K"] if kid != mcid]
            if not element["K"] and "P" in element:
                if self.get(element["P"]).get("Type") == "/StructElem" and element.reference in self.get(
                        element["P"])["K"]:
                    self.detach(element)
                else:  # an element of a margin box: never in the tree
                    element.clear()

    def mcids(self, element):
        """(page, MCID) of all the marked content below ``element``."""
        page = self.page_of_ref.get(element.get("Pg"))
        for kid in element["K"]:
            if isinstance(kid, int):
                yield page, kid
            elif self.is_ref(kid):
                child = self.get(kid)
                if child.get("Type") == "/StructElem":
                    yield from self.mcids(child)
                elif child.get("Type") == "/MCR":
                    yield self.page_of_ref[child["Pg"]], child["MCID"]

    # Joining ----------------------------------------------------------------------------

    def absorb(self, first, second) -> None:
        """``second`` (a later part of the same element) joins ``first``."""
        page = self.page(second)
        same_page = page == self.page(first)
        for kid in second["K"]:
            if isinstance(kid, int):
                self.set_parent(page, kid, first)
                if not same_page:  # content of another page than the element's /Pg
                    reference = pydyf.Dictionary({"Type": "/MCR", "Pg": second["Pg"], "MCID": kid})
                    self.pdf.add_object(reference)
                    kid = reference.reference
            elif self.is_ref(kid):
                child = self.get(kid)
                if child.get("Type") == "/StructElem":
                    child["P"] = first.reference
                elif child.get("Type") == "/OBJR":
                    annotation = self.get(child["Obj"])
                    index = self.annotation_index.get(annotation.get("StructParent"))
                    if index is not None:
                        self.nums[index] = first.reference
                elif child.get("Type") == "/MCR":
                    self.set_parent(self.page_of_ref[child["Pg"]], child["MCID"], first)
            first["K"].append(kid)
        second.clear()

    def join(self, element) -> None:
        """Join the parts of each element below ``element`` that a page or line break cut:
        neighbours made for one HTML element (in a table row, its cells, whose parts run side
        by side on each page)."""
        stack = [element]
        while stack:
            element = stack.pop()
            kept, by_key = [], {}
            parallel = element.get("S") == "/TR"
            for kid in element["K"]:
                child = self.get(kid) if self.is_ref(kid) else None
                key = self.key(child) if child is not None and child.get("Type") == "/StructElem" else None
                if key is not None:
                    earlier = by_key.get(key) if parallel else (
                        kept[-1] if kept and by_key.get(key) is kept[-1] else None)
                    if earlier is not None:
                        self.absorb(earlier, child)
                        continue
                    by_key[key] = child
                kept.append(child if child is not None else kid)
            element["K"][:] = [kid.reference if isinstance(kid, pydyf.Dictionary) else kid for kid in kept]
            stack.extend(kid for kid in kept if isinstance(kid, pydyf.Dictionary)
                         and kid.get("Type") == "/StructElem")


def finish(pdf: pydyf.PDF, record: _Record) -> None:
    """Mend the structure tree WeasyPrint made (see the module's doc)."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    tree = _Tree(pdf, record)
    for page, mcids in record.artifacts.items():
        tree.to_artifact(page, mcids)
    _repeated_headers_to_artifacts(tree)
    tree.join(tree.document)
    _labels(tree)
    _scopes(tree)
    _links(tree)
    _id_tree(tree)


def _walk(tree: _Tree, element):
    """``element`` and the elements below it, in document order."""
    stack = [element]
    while stack:
        element = stack.pop()
        yield element
        stack.extend(reversed(tree.element_kids(element)))


def _repeated_headers_to_artifacts(tree: _Tree) -> None:
    """A table's header (or footer) drawn again on each page of the table: the first is its
    structure, the others Artifacts; data cells point at the first one's header cells."""
    seen, ids = {}, {}
    for element in list(_walk(tree, tree.document)):
        if element.get("S") not in REPEATED:
            continue
        key = tree.key(element)
        if key not in seen:
            seen[key] = {tree.key(cell): cell.get("ID") for cell in _walk(tree, element)
                         if cell.get("S") == "/TH"}
            continue
        for cell in _walk(tree, element):
            if cell.get("S") == "/TH" and cell.get("ID") is not None:
                ids[cell["ID"].string] = seen[key].get(tree.key(cell))
        by_page = defaultdict(dict)
        for page, mcid in tree.mcids(element):
            by_page[page][mcid] = pydyf.Dictionary({"Type": "/Pagination"})
        for page, mcids in by_page.items():
            tree.to_artifact(page, mcids)
        if element:  # not already taken out with its last content
            tree.detach(element)
    if ids:
        for element in _walk(tree, tree.document):
            headers = element.get("A", {}).get("Headers") if element.get("S") == "/TD" else None
            if headers:
                element["A"]["Headers"] = pydyf.Array(
                    ids.get(h.string) or h for h in headers)


def _labels(tree: _Tree) -> None:
    """An element marked data-pdf="lbl" at the start of a list item's body: the item's Lbl."""
    for element in list(_walk(tree, tree.document)):
        html = tree.html_element(element)
        if html is None or html.get("data-pdf") != LABEL or element.get("S") != "/Span":
            continue
        if tree.box(element).element_tag != html.tag:
            continue  # an anonymous box of the label, not the label
        child, parent = element, tree.get(element["P"])
        while parent.get("S") in ("/LBody", "/NonStruct", "/P") and parent["K"] and parent["K"][0] == child.reference:
            child, parent = parent, tree.get(parent["P"])
        if parent.get("S") != "/LI" or child.get("S") != "/LBody":
            continue
        holder = tree.get(element["P"])
        holder["K"][:] = [kid for kid in holder["K"] if kid != element.reference]
        element["S"], element["P"] = "/Lbl", parent.reference
        parent["K"].insert(parent["K"].index(child.reference), element.reference)


def _scopes(tree: _Tree) -> None:
    """Every TH says what it heads (``/Scope``), from its HTML ``scope``."""
    for element in _walk(tree, tree.document):
        if element.get("S") != "/TH":
            continue
        html = tree.html_element(element)
        scope = SCOPES.get((html.get("scope") or "").lower()) if html is not None else None
        if scope:
            element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))["Scope"] = scope


def _words(html) -> str:
    return " ".join("".join(html.itertext()).split())


def _links(tree: _Tree) -> None:
    """One annotation per link and page, described by the link's words."""
    dropped = False
    for element in list(_walk(tree, tree.document)):
        if element.get("S") != "/Link":
            continue
        html = tree.html_element(element)
        words = _words(html) if html is not None else ""
        by_page = defaultdict(list)
        for kid in element["K"]:
            if tree.is_ref(kid) and tree.get(kid).get("Type") == "/OBJR":
                by_page[tree.get(kid)["Pg"]].append(tree.get(kid))
        for references in by_page.values():
            kept = tree.get(references[0]["Obj"])
            if words:
                kept["Contents"] = pydyf.String(words)
            if len(references) == 1:
                continue
            rects = []
            for reference in references:
                x1, y1, x2, y2 = tree.get(reference["Obj"])["Rect"]
                rects.append((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))
            kept["Rect"] = pydyf.Array([min(r[0] for r in rects), min(r[1] for r in rects),
                                        max(r[2] for r in rects), max(r[3] for r in rects)])
            kept["QuadPoints"] = pydyf.Array(
                value for x1, y1, x2, y2 in rects for value in (x1, y2, x2, y2, x1, y1, x2, y1))
            for reference in references[1:]:
                _drop_annotation(tree, element, reference)
                dropped = True
    if dropped:
        tree.nums[:] = [item for item in tree.nums if item is not None]


def _drop_annotation(tree: _Tree, link, reference) -> None:
    """Take one of a link's annotations (``reference``: its OBJR) out of the page, the link
    and the ParentTree."""
    annotation = tree.get(reference["Obj"])
    page = tree.get(reference["Pg"])
    page["Annots"][:] = [a for a in page["Annots"] if a != annotation.reference]
    link["K"][:] = [kid for kid in link["K"] if kid != reference.reference]
    index = tree.annotation_index.pop(annotation.get("StructParent"), None)
    if index is not None:  # its ParentTree entry (key, value), taken out by _links
        tree.nums[index - 1] = tree.nums[index] = None
    annotation.clear()
    reference.clear()


def _id_tree(tree: _Tree) -> None:
    """The IDTree of the elements that have an ID (the TH that cells name as Headers)."""
    names = sorted((element["ID"].string, element.reference) for element in _walk(tree, tree.document)
                   if "ID" in element)
    if names:
        tree.root["IDTree"] = pydyf.Dictionary({"Names": pydyf.Array(
            value for name, reference in names for value in (pydyf.String(name), reference))})
