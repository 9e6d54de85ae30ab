"""A meeting as a CSV file: one row per entry with its part, section, number, level and kind
— what a spreadsheet shows, and what paper notes are typed into.

The file is read into a ``consult-meeting/1`` document (:mod:`consult.meetings.interchange`)
and then checked and imported exactly as a JSON file is, so both formats keep the same rules;
every problem is told with its row and column, and nothing is written while there is one.
A CSV says nothing of the meeting's facts (title, date, goal, agenda): they are given with
the file (the import form, ``--title`` and ``--date`` on the command line) and edited on the
meeting's page afterwards.

Reading is forgiving where people are: the header in Polish or English, in any order and
case; commas, semicolons or tabs; UTF-8 (with or without a byte-order mark) or the Windows
code page a Polish spreadsheet saves in; blank cells of the part, section and caption meaning
"as in the row above"; a kind by its name in either language; the level from the column or
from the number's dots. A section with no entries is a row with its section and no text.
Written files are UTF-8 with a byte-order mark, every cell quoted and formula-leading cells
escaped, as the consultation report's CSV (:mod:`consult.reports.exports`).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.consultations import codes
from consult.consultations.models import Consultation
from consult.core.enums import EntryKind
from consult.core.formatting import from_spreadsheet, spreadsheet_safe
from consult.core.i18n import document_language
from consult.core.labels import section_subject
from consult.meetings.interchange import FORMAT, InvalidDocument, Problem, validate
from consult.meetings.models import MAX_ENTRY_DEPTH, Meeting
from consult.meetings.services import EntryNode, summary_tree

# The columns, in the order files are written; their headings in the document's language.
COLUMNS = ("part", "question", "section", "caption", "number", "level", "kind", "text", "section_kind")
HEADINGS = {
    "part": _l("Part"), "question": _l("Question of the part"), "section": _l("Section"),
    "caption": _l("Caption"), "number": _l("No."), "level": _l("Level"), "kind": _l("Kind"),
    "text": _l("Text"), "section_kind": _l("Kind of new entries in the section"),
}
REQUIRED = ("part", "section", "text")
LANGUAGES = ("pl", "en")
MAX_ROWS = 20_000
_PLANE = re.compile(r"^(?:(\d+)\s*\.\s*(?:płaszczyzna|plane)\b.*|(?:płaszczyzna|plane)\s+(\d+)\b.*)$",
                    re.IGNORECASE | re.DOTALL)
_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?$")


def _heading_key(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").split()).casefold().rstrip(":")


def _headings() -> dict[str, str]:
    """Every known heading (either language, any case) → its column."""
    found: dict[str, str] = {}
    for language in LANGUAGES:
        with force_locale(language):
            for column, heading in HEADINGS.items():
                found[_heading_key(str(heading))] = column
    for column in COLUMNS:
        found.setdefault(column, column)
    return found


def _kinds() -> dict[str, EntryKind]:
    """A kind by its value or its name in either language."""
    found = {kind.value: kind for kind in EntryKind}
    for language in LANGUAGES:
        with force_locale(language):
            found.update({str(kind.label).casefold(): kind for kind in EntryKind})
    return found


# Writing -------------------------------------------------------------------------------------


def export_csv(meeting: Meeting) -> bytes:
    """The meeting's entries, one row each, in summary order, in its consultation's language."""
    with force_locale(document_language(meeting.consultation)):
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow([str(HEADINGS[c]) for c in COLUMNS])
        for part_node in summary_tree(meeting):
            part = part_node.part
            if not part_node.sections:
                writer.writerow(_row(part=part.heading, question=part.question))
            for node in part_node.sections:
                section = node.section
                common = {"part": part.heading, "question": part.question, "section": section_subject(section),
                          "caption": section.label,
                          "section_kind": section.entry_kind.label if section.entry_kind else None}
                if not node.entries:
                    writer.writerow(_row(**common))
                _entry_rows(writer, node.entries, common, "", 1)
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def _entry_rows(writer, nodes: list[EntryNode], common: dict[str, Any], prefix: str, level: int) -> None:
    for node in nodes:
        number = f"{prefix}{node.number}"
        writer.writerow(_row(**common, number=number, level=level, text=node.entry.text,
                             kind=node.entry.kind.label if level == 1 else None))
        _entry_rows(writer, node.children, common, f"{number}.", level + 1)


def _row(**cells: Any) -> list[str]:
    return [spreadsheet_safe(str(cells.get(c) if cells.get(c) is not None else "")) for c in COLUMNS]


# Reading -------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, consultation: Consultation):
        self.consultation = consultation
        self.problems: list[Problem] = []
        self.places: dict[str, int] = {}  # JSON path of an object → its row
        self.planes = {p.number: p for p in consultation.planes}
        self.priorities = {p.code: p for p in consultation.priorities}
        self.kinds = _kinds()

    def problem(self, row: int, column: str | None, message: str) -> None:
        self.problems.append(Problem(_place(row, column), message))

    def section(self, value: str, row: int) -> dict[str, Any] | None:
        """A section cell → {"plane": n} / {"priority": code} / {"topic": text}."""
        plane = _PLANE.match(value)
        if plane:
            number = int(plane.group(1) or plane.group(2))
            if number not in self.planes:
                self.problem(row, "section", _("This consultation has no plane %(number)d.", number=number))
                return None
            return {"plane": number}
        first = value.split(maxsplit=1)[0]
        code = codes.normalise(first) if codes.is_valid(codes.normalise(first)) else None
        if code is not None and (value == first or "." in code or code in self.priorities):
            if code not in self.priorities:
                self.problem(row, "section", _("This consultation has no priority %(code)s.", code=code))
                return None
            return {"priority": code}
        return {"topic": value}


def _place(row: int, column: str | None) -> str:
    if column is None:
        return _("row %(row)d", row=row)
    return _("row %(row)d, column “%(column)s”", row=row, column=HEADINGS[column])


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A Polish spreadsheet saves "CSV" in the Windows code page unless told otherwise.
        return raw.decode("cp1250", errors="strict")


def _dialect(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max((";", ",", "\t"), key=first.count)


def parse_csv(raw: bytes, consultation: Consultation, meeting: dict[str, Any]) -> dict[str, Any]:
    """CSV bytes → a checked ``consult-meeting/1`` document for ``consultation``;
    ``meeting``: its facts (at least "title" and "date", ISO). Raises
    :class:`~consult.meetings.interchange.InvalidDocument` with every problem and its place."""
    try:
        text = _decode(raw)
    except UnicodeDecodeError:
        raise InvalidDocument([Problem(_("the file"), _("This is not a text file (CSV)."))]) from None
    reader = _Reader(consultation)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text)))
    except csv.Error as exc:
        raise InvalidDocument([Problem(_("the file"), _("Not a CSV file: %(reason)s", reason=exc))]) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InvalidDocument([Problem(_("row %(row)d", row=1), _(
            "The first row must name the columns: %(columns)s.",
            columns=", ".join(str(HEADINGS[c]) for c in COLUMNS)))])
    if len(rows) > MAX_ROWS + 1:
        raise InvalidDocument([Problem(_("the file"), _("At most %(n)d rows can be imported at once.", n=MAX_ROWS))])

    known = _headings()
    columns: dict[str, int] = {}
    for index, heading in enumerate(rows[0]):
        key = _heading_key(heading)
        if not key:
            continue
        column = known.get(key)
        if column is None:
            reader.problems.append(Problem(_("row %(row)d", row=1), _(
                "Unknown column “%(heading)s”; the columns are: %(columns)s.", heading=heading.strip(),
                columns=", ".join(str(HEADINGS[c]) for c in COLUMNS))))
        elif column in columns:
            reader.problems.append(Problem(_("row %(row)d", row=1), _(
                "The column “%(heading)s” is there twice.", heading=heading.strip())))
        else:
            columns[column] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        reader.problems.append(Problem(_("row %(row)d", row=1), _(
            "Columns missing: %(columns)s.", columns=", ".join(str(HEADINGS[c]) for c in missing))))
    if reader.problems:
        raise InvalidDocument(reader.problems)

    parts: list[dict[str, Any]] = []
    above = {"part": "", "question": "", "section": "", "caption": "", "section_kind": ""}
    section: dict[str, Any] | None = None
    section_key: tuple | None = None
    stack: list[dict[str, Any]] = []  # the entry and sub-points the next row may hang below
    for row_number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {column: _cell(cells, columns.get(column)) for column in COLUMNS}
        new_part = bool(values["part"]) and (not parts or values["part"] != parts[-1]["heading"])
        for column in above:
            if values[column]:
                above[column] = values[column]
            elif new_part or (column in ("question", "caption", "section_kind") and values["section"]):
                above[column] = ""  # blank beside a new part or section: it has none
        if not above["part"]:
            reader.problem(row_number, "part", _("Say which part of the meeting this row belongs to."))
            continue
        if new_part:
            parts.append({"heading": above["part"], "sections": []})
            if above["question"]:
                parts[-1]["question"] = above["question"]
            reader.places[f"$.parts[{len(parts) - 1}]"] = row_number
            section_key = None
        if not above["section"]:
            if new_part and not values["text"]:
                continue  # a part without sections (yet)
            reader.problem(row_number, "section", _("Say which section this row belongs to (a plane, "
                                                    "a priority code or a topic)."))
            continue
        key = (above["section"], above["caption"], above["section_kind"])
        if key != section_key:
            subject = reader.section(above["section"], row_number)
            if subject is None:
                continue
            section = {**subject, "entries": []}
            if above["caption"]:
                section["label"] = above["caption"]
            if above["section_kind"]:
                kind = reader.kinds.get(above["section_kind"].casefold())
                if kind is None:
                    reader.problem(row_number, "section_kind", _unknown_kind(above["section_kind"]))
                else:
                    section["kind"] = kind.value
            parts[-1]["sections"].append(section)
            reader.places[_section_path(parts)] = row_number
            section_key, stack = key, []
        if not values["text"]:
            if values["number"] or values["kind"]:
                reader.problem(row_number, "text", _("An entry needs its text."))
            continue

        level = _level(values, reader, row_number)
        if level is None:
            continue
        if level > len(stack) + 1:
            reader.problem(row_number, "level", _(
                "Level %(level)d comes right after level %(above)d: a sub-point goes one level below "
                "its entry.", level=level, above=len(stack)))
            continue
        del stack[level - 1:]
        item: dict[str, Any] = {}
        if level == 1:
            kind_text = values["kind"]
            kind = reader.kinds.get(kind_text.casefold()) if kind_text else None
            if kind_text and kind is None:
                reader.problem(row_number, "kind", _unknown_kind(kind_text))
                kind = EntryKind.IDEA
            item["kind"] = (kind.value if kind else section.get("kind")
                            or (EntryKind.CONCLUSION.value if "plane" in section else EntryKind.IDEA.value))
        item["text"] = values["text"]
        siblings = section["entries"] if level == 1 else stack[-1].setdefault("children", [])
        siblings.append(item)
        # The item and the entries above it are each the last of their lists.
        chain = [*stack, item]
        path = _section_path(parts) + f".entries[{len(section['entries']) - 1}]" + "".join(
            f".children[{len(chain[i - 1]['children']) - 1}]" for i in range(1, len(chain)))
        reader.places[path] = row_number
        stack.append(item)

    if not parts and not reader.problems:
        reader.problems.append(Problem(_("the file"), _("The file has no rows below its headings.")))
    if reader.problems:
        raise InvalidDocument(reader.problems)
    doc = {
        "format": FORMAT,
        "consultation": {
            "title": consultation.title,
            "planes": [{"number": p.number, "title": p.title} for p in consultation.planes],
            "priorities": [{"code": p.code, "title": p.title} for p in consultation.sorted_priorities],
        },
        "meeting": meeting,
        "parts": parts,
    }
    try:
        validate(doc, consultation)
    except InvalidDocument as exc:
        raise InvalidDocument([_row_problem(problem, reader.places) for problem in exc.problems]) from None
    return doc


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return from_spreadsheet(cells[index].strip())


def _section_path(parts: list[dict[str, Any]]) -> str:
    return f"$.parts[{len(parts) - 1}].sections[{len(parts[-1]['sections']) - 1}]"


def _level(values: dict[str, str], reader: _Reader, row: int) -> int | None:
    number, level = values["number"], values["level"]
    if level:
        if not level.isdigit() or not 1 <= int(level) <= MAX_ENTRY_DEPTH:
            reader.problem(row, "level", _("The level is a whole number from 1 to %(max)d.", max=MAX_ENTRY_DEPTH))
            return None
        return int(level)
    if number:
        if not _NUMBER.match(number):
            reader.problem(row, "number", _("A number is like 3 or 3.1 (or leave it empty)."))
            return None
        depth = number.rstrip(".").count(".") + 1
        if depth > MAX_ENTRY_DEPTH:
            reader.problem(row, "number", _("Sub-points go at most %(max)d levels deep.", max=MAX_ENTRY_DEPTH))
            return None
        return depth
    return 1


def _unknown_kind(value: str) -> str:
    return _("Unknown kind “%(kind)s”; the kinds are: %(kinds)s.", kind=value,
             kinds=", ".join(str(kind.label) for kind in EntryKind))


_FIELD_COLUMNS = {"heading": "part", "question": "question", "plane": "section", "priority": "section",
                  "topic": "section", "label": "caption", "kind": "kind", "text": "text"}


def _row_problem(problem: Problem, places: dict[str, int]) -> Problem:
    """A problem the interchange format found, told at the row and column it came from."""
    if problem.path.startswith("$.meeting"):
        return problem  # the facts given with the file: the form's fields say them
    path, _dot, field = problem.path.rpartition(".")
    if "[" in field:  # the path ends at an object: no field
        path, field = problem.path, ""
    while path and path not in places:
        path = path.rpartition(".")[0] if "." in path else ""
    if not path:
        return problem
    column = _FIELD_COLUMNS.get(field)
    if field == "kind" and ".entries[" not in path:
        column = "section_kind"
    return Problem(_place(places[path], column), problem.message)
