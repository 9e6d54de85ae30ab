"""The ``consult-meeting/1`` interchange format: validate, import and export one meeting.

Import checks the whole document first (JSON syntax, the depth of its sub-points and of
its nesting, the schema, then the references and duplicates the schema cannot express)
and lists every problem with its JSON path; nothing is written unless the document is
sound, and then all of it in one transaction. Nothing here recurses into the document
before its depth is known to be small: a file thousands of levels deep gets its problems
listed like any other.
Export writes the same structure back; :func:`normalise` defines when two documents
are the same (key order, ``null`` versus an absent optional field, no sub-points versus
an empty list).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from importlib import resources
from typing import Any

import sqlalchemy as sa
from jsonschema import Draft202012Validator

from consult.auth.models import User
from consult.consultations import codes
from consult.consultations.models import Consultation, Plane, Priority
from consult.consultations.services import unique_slug
from consult.core.enums import EntryKind, EntrySource
from consult.core.models import record_revision
from consult.extensions import db
from consult.meetings.models import MAX_ENTRY_DEPTH, AgendaItem, Entry, Meeting, Part, Section
from consult.meetings.services import summary_tree

FORMAT = "consult-meeting/1"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidDocument(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    text = resources.files("consult.meetings").joinpath("schema/consult-meeting-1.schema.json")
    schema = json.loads(text.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def parse(raw: str | bytes) -> dict[str, Any]:
    """JSON text → document; raises :class:`InvalidDocument` listing every problem."""
    try:
        try:
            doc = json.loads(raw)
        except RecursionError:  # nested deeper than the C parser goes: read it without recursion
            text = raw.decode(json.detect_encoding(raw)) if isinstance(raw, (bytes, bytearray)) else raw
            doc = _loads_iteratively(text)
    except UnicodeDecodeError as exc:
        raise InvalidDocument([Problem("$", f"not UTF-8 text: {exc.reason}")]) from None
    except json.JSONDecodeError as exc:
        raise InvalidDocument(
            [Problem("$", f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")]
        ) from None
    validate(doc)
    return doc


def validate(doc: Any, consultation: Consultation | None = None) -> None:
    """Raise :class:`InvalidDocument` listing every problem of ``doc``. Its depth is
    checked first, without recursion; the schema then sees the document without what is
    too deep (each such place is one problem already)."""
    depth_problems, checkable = _depth_problems(doc)
    too_deep = [path for path, _ in depth_problems]
    schema_problems = [
        (list(error.absolute_path), Problem(error.json_path, error.message))
        for error in _validator().iter_errors(checkable)
        if not any(list(error.absolute_path)[:len(path)] == path for path in too_deep)
    ]
    problems = [problem for _, problem in sorted(
        depth_problems + schema_problems, key=lambda item: list(map(str, item[0])))]
    if not problems:
        problems = _semantic_problems(doc, consultation)
    if problems:
        raise InvalidDocument(problems)


# Depth, checked without recursion --------------------------------------------------------

# Arrays and objects nested deeper than this are refused before anything else reads them
# (a document with every sub-point level needs 18).
MAX_NESTING = 64


_TOKEN = re.compile(r"""[ \t\n\r]*(?:(?P<string>"(?:[^"\\\x00-\x1f]|\\.)*")|(?P<punct>[][{}:,])"""
                    r"""|(?P<atom>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null))""")


def _loads_iteratively(text: str) -> Any:
    """JSON text → value, like :func:`json.loads` but with a stack of its own: for a text
    nested too deeply for the C parser (which recurses). Strings and numbers are still
    read by :func:`json.loads`, one at a time."""
    stack: list[list] = []  # [container, pending key]
    root: Any = None
    state, pos = "value", 0  # value, first value, key, first key, colon, after, end

    def place(value: Any) -> str:
        nonlocal root
        if not stack:
            root = value
            return "end"
        container, key = stack[-1]
        if isinstance(container, list):
            container.append(value)
        else:
            container[key] = value
        return "after"

    while True:
        match = _TOKEN.match(text, pos)
        if match is None:
            rest = text[pos:].lstrip(" \t\n\r")
            if state == "end" and not rest:
                return root
            raise json.JSONDecodeError("Extra data" if state == "end" else
                                       "Unexpected end" if not rest else "Unexpected character",
                                       text, len(text) - len(rest))
        kind = match.lastgroup
        token = match.group(kind)
        start, pos = match.start(kind), match.end()
        closes = (token == "]" and state in ("first value", "after") and isinstance(stack[-1][0], list)) or (
            token == "}" and state in ("first key", "after") and isinstance(stack[-1][0], dict)) \
            if stack else False
        if closes:
            stack.pop()
            state = "after" if stack else "end"
        elif state in ("value", "first value") and kind in ("string", "atom"):
            state = place(json.loads(token))
        elif state in ("value", "first value") and token in ("[", "{"):
            container: Any = [] if token == "[" else {}
            place(container)
            stack.append([container, None])
            state = "first value" if token == "[" else "first key"
        elif state in ("key", "first key") and kind == "string":
            stack[-1][1] = json.loads(token)
            state = "colon"
        elif state == "colon" and token == ":":
            state = "value"
        elif state == "after" and token == ",":
            state = "value" if isinstance(stack[-1][0], list) else "key"
        else:
            raise json.JSONDecodeError("Expecting value" if state.endswith("value") else
                                       "Extra data" if state == "end" else f"Unexpected {token!r}",
                                       text, start)


def _json_path(path: list[str | int]) -> str:
    """The JSON path of ``path`` as jsonschema writes it: ``$.parts[0].sections[1]``."""
    out = "$"
    for elem in path:
        if isinstance(elem, int):
            out += f"[{elem}]"
        elif re.fullmatch(r"[a-zA-Z][a-zA-Z0-9_]*", elem):
            out += f".{elem}"
        else:
            out += "['" + elem.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out


def _depth_problems(doc: Any) -> tuple[list[tuple[list, Problem]], Any]:
    """Sub-points below level MAX_ENTRY_DEPTH and arrays or objects nested deeper than
    MAX_NESTING, each with its path; and a copy of ``doc`` without them (what the schema
    then checks). One pass over the document with a stack of its own, whatever its depth.

    An entry of ``$.parts[i].sections[j].entries`` is level 1, each of its ``children``
    level 2, and so on.
    """
    problems: list[tuple[list, Problem]] = []
    holder: dict[str, Any] = {}
    # (value, its path, how many arrays and objects hold it, its level — of an entry, or of
    # the items of a list of entries — or None, where its copy goes: container and key)
    stack: list[tuple[Any, list, int, int | None, Any, Any]] = [(doc, [], 0, None, holder, "doc")]
    while stack:
        value, path, nesting, level, into, key = stack.pop()
        if not isinstance(value, (dict, list)):
            into[key] = value
        elif nesting >= MAX_NESTING:
            problems.append((path, Problem(_json_path(path), "nested too deeply (more than "
                                           f"{MAX_NESTING} levels of arrays and objects)")))
            into[key] = None
        elif isinstance(value, list):
            if level is not None and level > MAX_ENTRY_DEPTH:
                problems.extend(([*path, i], Problem(_json_path([*path, i]),
                                                     f"more than {MAX_ENTRY_DEPTH} levels of sub-points"))
                                for i in range(len(value)))
                into[key] = []
                continue
            into[key] = copy = [None] * len(value)
            stack.extend((item, [*path, i], nesting + 1, level, copy, i)
                         for i, item in reversed(list(enumerate(value))))
        else:
            into[key] = copy = {}
            is_section = len(path) == 4 and path[0] == "parts" and path[2] == "sections"
            for name, item in reversed(list(value.items())):
                if name == "children" and level is not None:
                    item_level: int | None = level + 1
                elif name == "entries" and is_section:
                    item_level = 1
                else:
                    item_level = None
                stack.append((item, [*path, name], nesting + 1, item_level, copy, name))
    return problems, holder["doc"]


def _semantic_problems(doc: dict[str, Any], consultation: Consultation | None) -> list[Problem]:
    problems: list[Problem] = []
    plane_numbers: dict[int, str] = {}
    for i, plane in enumerate(doc["consultation"]["planes"]):
        if plane["number"] in plane_numbers:
            problems.append(Problem(f"$.consultation.planes[{i}].number",
                                    f"plane number {plane['number']} is repeated"))
        plane_numbers.setdefault(plane["number"], plane["title"])
    priority_codes: dict[str, str] = {}
    for i, priority in enumerate(doc["consultation"]["priorities"]):
        code = priority["code"]
        if not codes.is_valid(code):
            problems.append(Problem(f"$.consultation.priorities[{i}].code",
                                    f"{code!r} is not a valid priority code"))
        elif code in priority_codes:
            problems.append(Problem(f"$.consultation.priorities[{i}].code",
                                    f"priority code {code} is repeated"))
        priority_codes.setdefault(code, priority["title"])
    if consultation is not None:
        existing_planes = {p.number: p.title for p in consultation.planes}
        existing_priorities = {p.code: p.title for p in consultation.priorities}
        for key, field, existing in (("planes", "number", existing_planes),
                                     ("priorities", "code", existing_priorities)):
            for i, item in enumerate(doc["consultation"][key]):
                known = existing.get(item[field])
                if known is not None and known != item["title"]:
                    problems.append(Problem(
                        f"$.consultation.{key}[{i}].title",
                        f"the consultation already has {field} {item[field]} titled {known!r}"))
        plane_numbers = {**existing_planes, **plane_numbers}
        priority_codes = {**existing_priorities, **priority_codes}
    meeting = doc["meeting"]
    if "end_time" in meeting and ("start_time" not in meeting or meeting["end_time"] <= meeting["start_time"]):
        problems.append(Problem("$.meeting.end_time", "end_time must come after start_time"))
    for i, part in enumerate(doc["parts"]):
        for j, section in enumerate(part["sections"]):
            path = f"$.parts[{i}].sections[{j}]"
            if "plane" in section and section["plane"] not in plane_numbers:
                problems.append(Problem(f"{path}.plane",
                                        f"unknown plane {section['plane']} (not in consultation.planes)"))
            if "priority" in section and section["priority"] not in priority_codes:
                problems.append(Problem(f"{path}.priority",
                                        f"unknown priority {section['priority']!r} (not in consultation.priorities)"))
    return problems


def find_consultation(doc: dict[str, Any]) -> Consultation | None:
    return db.session.scalar(
        sa.select(Consultation).where(Consultation.title == doc["consultation"]["title"])
        .order_by(Consultation.id).limit(1)
    )


def import_meeting(
    doc: dict[str, Any],
    user: User | None = None,
    consultation: Consultation | None = None,
    source: EntrySource = EntrySource.IMPORT,
) -> Meeting:
    """Create the meeting (and its consultation, planes, priorities when missing).

    Attaches to ``consultation`` or, when none is given, to the consultation with the same
    title, adding the planes and priorities it lacks. The caller commits; on
    :class:`InvalidDocument` nothing has been added to the session.
    """
    if consultation is None:
        consultation = find_consultation(doc)
    validate(doc, consultation)
    c = doc["consultation"]
    if consultation is None:
        consultation = Consultation(
            title=c["title"], organizer=c.get("organizer"), partner_short=c.get("partner_short"),
            program=c.get("program"), slug=unique_slug(c["title"]),
        )
        db.session.add(consultation)
    planes = {p.number: p for p in consultation.planes}
    for plane in c["planes"]:
        if plane["number"] not in planes:
            planes[plane["number"]] = Plane(number=plane["number"], title=plane["title"])
            consultation.planes.append(planes[plane["number"]])
    priorities = {p.code: p for p in consultation.priorities}
    for priority in c["priorities"]:
        if priority["code"] not in priorities:
            priorities[priority["code"]] = Priority(code=priority["code"], title=priority["title"])
            consultation.priorities.append(priorities[priority["code"]])

    m = doc["meeting"]
    meeting = Meeting(
        consultation=consultation,
        title=m["title"],
        date=date.fromisoformat(m["date"]),
        start_time=time.fromisoformat(m["start_time"]) if "start_time" in m else None,
        end_time=time.fromisoformat(m["end_time"]) if "end_time" in m else None,
        location=m.get("location"),
        goal=m.get("goal"),
        participants=m.get("participants"),
        facilitator=m.get("facilitator"),
        prepared_by=m.get("prepared_by"),
    )
    meeting.agenda_items = [AgendaItem(position=i, text=t) for i, t in enumerate(m.get("agenda", []))]
    author_id = getattr(user, "id", None)

    def entries(section: Section, items: list[dict], parent: Entry | None, kind: EntryKind | None):
        for position, item in enumerate(items):
            entry_kind = EntryKind(item["kind"]) if "kind" in item else kind
            entry = Entry(section=section, parent=parent, kind=entry_kind, text=item["text"],
                          position=position, source=source, author_id=author_id)
            entries(section, item.get("children", []), entry, entry_kind)

    for part_position, p in enumerate(doc["parts"]):
        part = Part(heading=p["heading"], question=p.get("question"), position=part_position)
        meeting.parts.append(part)
        for section_position, s in enumerate(p["sections"]):
            section = Section(
                plane=planes.get(s["plane"]) if "plane" in s else None,
                priority=priorities.get(s["priority"]) if "priority" in s else None,
                topic=s.get("topic"),
                label=s.get("label"),
                entry_kind=EntryKind(s["kind"]) if "kind" in s else None,
                position=section_position,
            )
            part.sections.append(section)
            entries(section, s["entries"], None, None)
    db.session.add(meeting)
    db.session.flush()
    record_revision(meeting, "import", user, None, {"format": FORMAT, "title": meeting.title})
    return meeting


def export_meeting(meeting: Meeting) -> dict[str, Any]:
    consultation = meeting.consultation

    def entry_doc(node, with_kind: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if with_kind:
            out["kind"] = node.entry.kind.value
        out["text"] = node.entry.text
        if node.children:
            out["children"] = [entry_doc(child, False) for child in node.children]
        return out

    parts = []
    for part_node in summary_tree(meeting):
        part: dict[str, Any] = {"heading": part_node.part.heading}
        if part_node.part.question is not None:
            part["question"] = part_node.part.question
        sections = []
        for node in part_node.sections:
            s = node.section
            section: dict[str, Any] = {}
            if s.plane is not None:
                section["plane"] = s.plane.number
            elif s.priority is not None:
                section["priority"] = s.priority.code
            else:
                section["topic"] = s.topic
            if s.label is not None:
                section["label"] = s.label
            if s.entry_kind is not None:
                section["kind"] = s.entry_kind.value
            section["entries"] = [entry_doc(e, True) for e in node.entries]
            sections.append(section)
        part["sections"] = sections
        parts.append(part)

    return {
        "format": FORMAT,
        "consultation": {
            "title": consultation.title,
            "organizer": consultation.organizer,
            "partner_short": consultation.partner_short,
            "program": consultation.program,
            "planes": [{"number": p.number, "title": p.title} for p in consultation.planes],
            "priorities": [{"code": p.code, "title": p.title}
                           for p in consultation.sorted_priorities],
        },
        "meeting": {
            "title": meeting.title,
            "date": meeting.date.isoformat(),
            **({"start_time": meeting.start_time.strftime("%H:%M")} if meeting.start_time else {}),
            **({"end_time": meeting.end_time.strftime("%H:%M")} if meeting.end_time else {}),
            "location": meeting.location,
            "goal": meeting.goal,
            "participants": meeting.participant_count,
            "facilitator": meeting.facilitator,
            "prepared_by": meeting.prepared_by,
            "agenda": meeting.agenda,
        },
        "parts": parts,
    }


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


_OPTIONAL_NULLABLE = {
    "consultation": ("organizer", "partner_short", "program"),
    "meeting": ("location", "goal", "participants", "facilitator", "prepared_by"),
    "part": ("question",),
    "section": ("label",),
}


def normalise(doc: dict[str, Any]) -> dict[str, Any]:
    """The canonical form two equal documents share.

    An optional field that is ``null`` counts as absent, and so do an empty agenda and
    an empty list of sub-points; key order never matters (dicts compare unordered).
    """
    doc = json.loads(json.dumps(doc))

    def drop(obj: dict[str, Any], keys: tuple[str, ...]) -> None:
        for key in keys:
            if key in obj and obj[key] is None:
                del obj[key]

    def points(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("children") == []:
                del item["children"]
            points(item.get("children", []))

    drop(doc["consultation"], _OPTIONAL_NULLABLE["consultation"])
    drop(doc["meeting"], _OPTIONAL_NULLABLE["meeting"])
    if doc["meeting"].get("agenda") == []:
        del doc["meeting"]["agenda"]
    for part in doc["parts"]:
        drop(part, _OPTIONAL_NULLABLE["part"])
        for section in part["sections"]:
            drop(section, _OPTIONAL_NULLABLE["section"])
            points(section["entries"])
    return doc
