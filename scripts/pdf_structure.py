"""Dump a tagged PDF's structure: the tree (type, page, MCIDs, attributes, text), then for
each page the marked content outside the tree, the Artifacts and the annotations.

    .venv/bin/python scripts/pdf_structure.py FILE.pdf [--no-text]

For looking at what WeasyPrint and consult/reports/pdf_tags.py make (pikepdf and pypdf,
from requirements-dev.txt); tests/test_pdf_structure.py asserts on the same things.
"""

from __future__ import annotations

import sys

import pikepdf
from pypdf import PdfReader


def marked_text(path: str) -> dict[tuple[int, int], str]:
    """{(page, MCID): its text}, from pypdf's text of each piece of marked content."""
    texts: dict[tuple[int, int], str] = {}
    for number, page in enumerate(PdfReader(path).pages, start=1):
        stack: list = []

        def before(operator, operands, cm, tm, stack=stack):
            if operator in (b"BDC", b"BMC"):
                properties = operands[1] if operator == b"BDC" else {}
                stack.append(properties.get("/MCID") if hasattr(properties, "get") else None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(string, cm, tm, font, size, stack=stack, number=number):
            if stack and stack[-1] is not None:
                key = (number, int(stack[-1]))
                texts[key] = texts.get(key, "") + string

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


def main(path: str, with_text: bool = True) -> None:
    pdf = pikepdf.open(path)
    pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
    texts = marked_text(path) if with_text else {}
    in_tree: set[tuple[int, int]] = set()

    def walk(element, depth: int, page: int | None) -> None:
        page = pages.get(element.Pg.objgen) if "/Pg" in element else page
        kids = element.get("/K")
        kids = [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]
        held, children = [], []
        for kid in kids:
            if isinstance(kid, int):
                held.append((page, int(kid)))
            elif kid.get("/Type") == "/MCR":
                held.append((pages.get(kid.Pg.objgen, page), int(kid.MCID)))
            elif kid.get("/Type") == "/OBJR":
                held.append(("annotation", str(kid.Obj.get("/Subtype"))))
            else:
                children.append(kid)
        in_tree.update(key for key in held if key[0] != "annotation")
        extra = f" A={dict(element.A)}" if "/A" in element else ""
        if "/ID" in element:
            extra += f" ID={element.ID}"
        words = "".join(texts.get(key, "") for key in held if key[0] != "annotation")
        words = f" «{' '.join(words.split())[:70]}»" if words.strip() else ""
        print(f"{'  ' * depth}{element.S} p{page}{' ' + str(held) if held else ''}{extra}{words}")
        for child in children:
            walk(child, depth + 1, page)

    root = pdf.Root.StructTreeRoot
    for top in root.K if isinstance(root.K, pikepdf.Array) else [root.K]:
        walk(top, 0, None)

    print("--- pages")
    for number, page in enumerate(pdf.pages, start=1):
        stack: list[tuple[str, int | None]] = []
        outside, artifacts = [], 0
        for operands, operator in pikepdf.parse_content_stream(page):
            operator = str(operator)
            if operator in ("BDC", "BMC"):
                tag = str(operands[0])
                properties = operands[1] if operator == "BDC" else None
                mcid = int(properties.MCID) if isinstance(properties, pikepdf.Dictionary) and \
                    "/MCID" in properties else None
                inside_artifact = any(t == "/Artifact" for t, _ in stack)
                stack.append((tag, mcid))
                if tag == "/Artifact":
                    artifacts += 1
                elif mcid is not None and not inside_artifact and (number, mcid) not in in_tree:
                    outside.append((tag, mcid, texts.get((number, mcid), "")))
            elif operator == "EMC" and stack:
                stack.pop()
        print(f"page {number}: artifacts={artifacts} outside the tree={outside}")
        for annotation in page.obj.get("/Annots", []):
            rect = [round(float(x)) for x in annotation.Rect]
            print(f"  annotation {annotation.Subtype} {rect} Contents={str(annotation.get('/Contents'))!r} "
                  f"StructParent={annotation.get('/StructParent')}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], "--no-text" not in sys.argv[2:])
