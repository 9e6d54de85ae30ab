"""Every change of a capture board, as one transaction per call.

Each write starts by bumping the meeting's revision with one atomic UPDATE. That row lock
serialises the writes of one meeting (PostgreSQL) and, on SQLite, takes the write lock
before anything is read, so what a write reads afterwards is current. The sections and parts
it touches get that revision as ``changed_rev``: a browser that has seen revision N asks for
what changed after N, and when nothing did the answer is one primary-key read.

Services raise :class:`ServiceError` for input the user can correct (status 422) and for
ids that are not of this meeting (status 404), and :class:`Conflict` when an edit was made
from a version that someone else has changed meanwhile. The caller commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from consult.auth import sessions
from consult.auth.models import LoginSession, User
from consult.consultations.models import Plane, Priority, consultation_facilitator
from consult.core.enums import EntryKind, EntrySource
from consult.core.errors import ServiceError
from consult.core.labels import ENTRY_TEXT_MAX
from consult.core.models import parse_id, record_revision, snapshot, utcnow
from consult.core.permissions import board_readers
from consult.extensions import db
from consult.meetings import services as meeting_services
from consult.meetings.models import MAX_ENTRY_DEPTH, Entry, Meeting, Part, Section

ENTRY_FIELDS = ("text", "kind", "section_id", "parent_id", "position", "deleted_at")


class Conflict(Exception):
    """The entry changed since the version the user started from."""

    def __init__(self, entry: Entry, mine: str, mine_kind: EntryKind | None = None):
        super().__init__(f"entry {entry.id} is at version {entry.version}")
        self.entry = entry
        self.mine = mine
        self.mine_kind = mine_kind or entry.kind


@dataclass
class Change:
    """What a write touched: the browser re-renders these."""

    revision: int
    sections: set[int] = field(default_factory=set)
    parts: set[int] = field(default_factory=set)
    meta: bool = False
    entry: Entry | None = None
    # Only entries added at the end of their sections (their lists need not be sent whole).
    appended: bool = False


# Revision bookkeeping ------------------------------------------------------------------


def begin_write(meeting: Meeting, active_section: int | None = None) -> int:
    """Bump the meeting's revision (and lock its row); returns the new revision. The writes
    of one meeting queue here, so what follows until the commit should be short.
    ``active_section``: the section being written in (highlighted on the projector)."""
    values: dict[str, Any] = {"revision": Meeting.revision + 1}
    if active_section is not None:
        values["active_section_id"] = active_section
    revision = db.session.execute(
        sa.update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(**values)
        .returning(Meeting.revision)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return revision


def finish(change: Change, meeting: Meeting, active_section: int | None = None) -> Change:
    """Stamp what changed with the change's revision."""
    if change.sections:
        stamps = {"changed_rev": change.revision}
        if not change.appended:
            stamps["reset_rev"] = change.revision
        db.session.execute(
            sa.update(Section).where(Section.id.in_(change.sections))
            .values(**stamps).execution_options(synchronize_session=False))
    if change.parts:
        db.session.execute(
            sa.update(Part).where(Part.id.in_(change.parts))
            .values(changed_rev=change.revision).execution_options(synchronize_session=False))
    values: dict[str, Any] = {}
    if change.meta:
        values["meta_rev"] = change.revision
    if active_section is not None:  # travels in #board-state with every answer: not "meta"
        values["active_section_id"] = active_section
    if values:
        db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(**values)
                           .execution_options(synchronize_session=False))
    db.session.expire(meeting)
    return change


# The board's poll, built once: the meeting's revision, the session's login and account, and
# whether the account is assigned to the meeting's consultation, in one statement.
_POLL = sa.select(
    Meeting.revision, User.role, User.active, LoginSession.remember, LoginSession.last_seen_at,
    LoginSession.expires_at, LoginSession.revoked_at,
    sa.exists().where(consultation_facilitator.c.consultation_id == Meeting.consultation_id,
                      consultation_facilitator.c.user_id == User.id).label("assigned"),
).select_from(Meeting).join(User, User.id == sa.bindparam("user_id")).join(
    LoginSession, sa.and_(LoginSession.user_id == User.id,
                          LoginSession.secret_hash == sa.bindparam("secret_hash"))).where(
    Meeting.id == sa.bindparam("meeting_id"))


def nothing_changed(meeting_id: int, session_token: Any, since: int) -> bool:
    """True when the board is still at revision ``since`` and the session's login is alive
    and may read it: what the board asks every second, answered with one statement.
    Anything else (no login, an ended one, a changed board, no access, a login whose last
    use is to be written down) is False: the full answer sorts it out."""
    login = sessions.parse_cookie(session_token) if session_token else None
    if login is None or parse_id(meeting_id) is None:
        return False
    row = db.session.execute(_POLL, {"meeting_id": meeting_id, "user_id": login[0],
                                     "secret_hash": sessions.secret_hash(login[1])}).first()
    if row is None or row.revision != since:
        return False
    if not sessions.is_alive(row.remember, row.last_seen_at, row.expires_at, row.revoked_at) \
            or sessions.needs_touch(row.last_seen_at):
        return False
    return board_readers(row.role, row.active, lambda: bool(row.assigned))


def current_revision(meeting_id: int) -> int | None:
    if parse_id(meeting_id) is None:
        return None
    return db.session.scalar(sa.select(Meeting.revision).where(Meeting.id == meeting_id))


# Loading, always fresh and always within the meeting -----------------------------------


def _section(meeting: Meeting, section_id: Any) -> Section:
    section_id = parse_id(section_id)
    if section_id is None:
        raise ServiceError(_("Choose a section of this meeting."), "section_id", 404)
    section = db.session.scalar(
        sa.select(Section).join(Part).where(Section.id == section_id, Part.meeting_id == meeting.id)
        .execution_options(populate_existing=True)
    )
    if section is None:
        raise ServiceError(_("Choose a section of this meeting."), "section_id", 404)
    return section


def entry_of(meeting: Meeting, entry_id: Any, deleted: bool = False) -> Entry:
    """The entry ``entry_id`` of this meeting, read fresh (ServiceError 404 otherwise)."""
    entry_id = parse_id(entry_id)
    if entry_id is None:
        raise ServiceError(_("This entry is not part of this meeting."), None, 404)
    entry = db.session.scalar(
        sa.select(Entry).join(Section).join(Part)
        .where(Entry.id == entry_id, Part.meeting_id == meeting.id)
        .execution_options(populate_existing=True)
    )
    if entry is None or (entry.deleted_at is not None and not deleted):
        raise ServiceError(_("This entry is not part of this meeting (or was deleted)."), None, 404)
    return entry


def _siblings(section_id: int, parent_id: int | None, live_only: bool = False) -> list[Entry]:
    query = sa.select(Entry).where(Entry.section_id == section_id, Entry.parent_id.is_(None)
                                   if parent_id is None else Entry.parent_id == parent_id)
    if live_only:
        query = query.where(Entry.deleted_at.is_(None))
    return list(db.session.scalars(query.order_by(Entry.position, Entry.id)
                                   .execution_options(populate_existing=True)))


def _renumber(entries: list[Entry]) -> None:
    """Close up positions with plain UPDATEs, not through the ORM: the ORM would bump each
    neighbour's version, and an editor open on a neighbour would then get a conflict view
    though nobody changed its text."""
    for position, entry in enumerate(entries):
        if entry.position != position:
            db.session.execute(sa.update(Entry).where(Entry.id == entry.id).values(position=position)
                               .execution_options(synchronize_session=False))
            set_committed_value(entry, "position", position)


def _clean_text(text: Any) -> str:
    text = (text or "").replace("\x00", "").replace("\r\n", "\n").strip() if isinstance(text, str) else ""
    if not text:
        raise ServiceError(_("Type the text of the entry."), "text")
    if len(text) > ENTRY_TEXT_MAX:
        raise ServiceError(_("An entry may have at most %(max)d characters (this one has %(n)d).",
                             max=ENTRY_TEXT_MAX, n=len(text)), "text")
    return text


def _clean_kind(kind: Any, default: EntryKind | None) -> EntryKind | None:
    if kind in (None, ""):
        return default
    try:
        return EntryKind(kind)
    except ValueError:
        raise ServiceError(_("Choose strength, weakness, conclusion or idea."), "kind") from None


def _record(entry: Entry, action: str, user: User | None, before: dict | None) -> None:
    record_revision(entry, action, user, before, snapshot(entry, ENTRY_FIELDS))


# Levels of sub-points (at most MAX_ENTRY_DEPTH) --------------------------------------------

_LEVEL_GUARD = 100_000  # ends the recursive queries whatever the rows say


def _level(entry_id: int) -> int:
    """The entry's level: 1 for a numbered entry, 2 for its sub-points and so on (one
    recursive query up its ancestors, deleted ones too)."""
    above = aliased(Entry)
    up = sa.select(Entry.parent_id, sa.literal_column("1").label("level")) \
        .where(Entry.id == entry_id).cte("up", recursive=True)
    up = up.union_all(sa.select(above.parent_id, up.c.level + 1)
                      .where(above.id == up.c.parent_id, up.c.level < _LEVEL_GUARD))
    return db.session.scalar(sa.select(sa.func.max(up.c.level))) or 1


def _height(entry_id: int) -> int:
    """How many levels the entry and its live sub-points take (1: none): what shows of it
    once it is live (one recursive query down; deleted sub-points and theirs stay hidden)."""
    below = aliased(Entry)
    down = sa.select(Entry.id, sa.literal_column("1").label("level")) \
        .where(Entry.id == entry_id).cte("down", recursive=True)
    down = down.union_all(sa.select(below.id, down.c.level + 1)
                          .where(below.parent_id == down.c.id, below.deleted_at.is_(None),
                                 down.c.level < _LEVEL_GUARD))
    return db.session.scalar(sa.select(sa.func.max(down.c.level))) or 1


def depth_limit() -> str:
    """What the board says of the limit (the service's refusals, and the script's Tab)."""
    return ngettext("Sub-points may have at most %(num)d level.",
                    "Sub-points may have at most %(num)d levels.", MAX_ENTRY_DEPTH)


def _too_deep(detail: str | None = None, field: str | None = None) -> ServiceError:
    limit = depth_limit()
    return ServiceError(f"{limit} {detail}" if detail else limit, field)


# Entries -------------------------------------------------------------------------------


def add_entry(meeting: Meeting, user: User | None, section_id: Any, text: Any,
              kind: Any = None, parent_id: Any = None, client_key: str | None = None,
              source: EntrySource = EntrySource.LIVE) -> Change:
    """Append an entry (or a sub-point of ``parent_id``) to a section; ``source``: where it
    came from (typed live, or an accepted remark).

    A repeated ``client_key`` (a retried save) returns the entry made the first time.
    """
    client_key = (client_key or "").replace("\x00", "").strip()[:64] or None  # PostgreSQL refuses NUL
    text = _clean_text(text)
    section = _section(meeting, section_id)  # sections never move nor go: read before the lock
    # From here on, no other write of this meeting runs.
    revision = begin_write(meeting, active_section=section.id)
    if client_key:
        existing = db.session.scalar(sa.select(Entry).where(Entry.client_key == client_key))
        if existing is not None:
            if existing.section_id != section.id:
                _section(meeting, existing.section_id)  # of this meeting, or refused
            return Change(revision, {existing.section_id}, entry=existing)
    parent = None
    if parent_id not in (None, ""):
        parent = entry_of(meeting, parent_id)
        if parent.section_id != section.id:
            raise ServiceError(_("A sub-point must be in the section of its entry."), "parent_id", 404)
        if _level(parent.id) >= MAX_ENTRY_DEPTH:
            raise _too_deep(field="parent_id")
    kind = _clean_kind(kind, parent.kind if parent else section.default_kind)
    parent_clause = Entry.parent_id.is_(None) if parent is None else Entry.parent_id == parent.id
    position = db.session.scalar(  # after every sibling, deleted ones too (they can come back)
        sa.select(sa.func.coalesce(sa.func.max(Entry.position) + 1, 0))
        .where(Entry.section_id == section.id, parent_clause))
    entry = Entry(section_id=section.id, parent_id=parent.id if parent else None, kind=kind,
                  text=text, position=position, author_id=getattr(user, "id", None),
                  source=source, client_key=client_key, created_rev=revision)
    db.session.add(entry)
    db.session.flush()
    _record(entry, "create", user, None)
    return finish(Change(revision, {section.id}, entry=entry, appended=True), meeting)


def _write_entry(meeting: Meeting, user: User | None, entry_id: Any, action: str,
                 change: Callable[[Entry], bool | None], *, deleted: bool = False,
                 active: bool = False) -> Change:
    """The flow of every change of one entry: lock the meeting, read the entry fresh, let
    ``change`` alter it (it returns False when there is nothing to do, raises to refuse),
    record a revision and stamp the entry's section."""
    revision = begin_write(meeting)
    entry = entry_of(meeting, entry_id, deleted=deleted)
    before = snapshot(entry, ENTRY_FIELDS)
    if change(entry) is False:
        return Change(revision, {entry.section_id}, entry=entry)
    db.session.flush()
    _record(entry, action, user, before)
    return finish(Change(revision, {entry.section_id}, entry=entry), meeting,
                  active_section=entry.section_id if active else None)


def edit_entry(meeting: Meeting, user: User | None, entry_id: Any, text: Any, version: Any,
               kind: Any = None) -> Change:
    """Save a new text (and, from the in-place editor, a kind) made from ``version``."""
    text = _clean_text(text)
    new_kind = _clean_kind(kind, None)
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise ServiceError(_("The form is incomplete; reload the page."), "version") from None

    def change(entry: Entry) -> bool | None:
        kind = new_kind or entry.kind
        if entry.text == text and entry.kind == kind:  # nothing to change (or both wrote the same)
            return False
        if version != entry.version and entry.text != text:
            raise Conflict(entry, text, kind)
        entry.text, entry.kind = text, kind
        return None

    return _write_entry(meeting, user, entry_id, "edit", change, active=True)


def set_kind(meeting: Meeting, user: User | None, entry_id: Any, kind: Any) -> Change:
    kind = _clean_kind(kind, None)
    if kind is None:
        raise ServiceError(_("Choose strength, weakness, conclusion or idea."), "kind")

    def change(entry: Entry) -> bool | None:
        if kind == entry.kind:
            return False
        entry.kind = kind
        return None

    return _write_entry(meeting, user, entry_id, "kind", change)


def delete_entry(meeting: Meeting, user: User | None, entry_id: Any) -> Change:
    """Soft delete: the entry and its sub-points disappear until restored."""
    return _write_entry(meeting, user, entry_id, "delete",
                        lambda entry: setattr(entry, "deleted_at", utcnow()))


def restore_entry(meeting: Meeting, user: User | None, entry_id: Any) -> Change:
    """Bring back a deleted entry with its sub-points, unless they would now reach below
    the last level (the entries around it may have been indented meanwhile)."""
    def change(entry: Entry) -> bool | None:
        if entry.deleted_at is None:
            return False
        deepest = _level(entry.id) + _height(entry.id) - 1
        if deepest > MAX_ENTRY_DEPTH:
            raise _too_deep(_("Restored, this entry with its sub-points would reach level %(level)d.",
                              level=deepest))
        entry.deleted_at = None
        return None

    return _write_entry(meeting, user, entry_id, "restore", change, deleted=True)


def _descendants(entry: Entry) -> list[Entry]:
    rows = db.session.scalars(sa.select(Entry).where(Entry.section_id == entry.section_id)).all()
    children: dict[int | None, list[Entry]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    found, stack = [], [entry.id]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child.id)
    return found


def move_entry(meeting: Meeting, user: User | None, entry_id: Any, *, direction: str | None = None,
               section_id: Any = None, position: Any = None) -> Change:
    """Move up/down among its siblings, or to ``position`` (1-based) of ``section_id``.

    A move to another section puts the entry (with its sub-points) at the top level there.
    A move keeps or lessens the entry's level, so the limit of MAX_ENTRY_DEPTH levels never
    refuses one (entries made deeper before the limit can always be moved up and out).
    """
    revision = begin_write(meeting)
    entry = entry_of(meeting, entry_id)
    source_section = entry.section_id
    if direction is not None:
        if direction not in ("up", "down"):
            raise ServiceError(_("Move up or down."), "direction")
        live = _siblings(entry.section_id, entry.parent_id, live_only=True)
        index = next(i for i, e in enumerate(live) if e.id == entry.id)
        target_section, target_parent = entry.section_id, entry.parent_id
        position = index + (0 if direction == "up" else 2)  # 1-based target
        if not 1 <= position <= len(live):
            raise ServiceError(_("The entry is already first.") if direction == "up"
                               else _("The entry is already last."), "direction")
    else:
        target = _section(meeting, section_id)
        target_section = target.id
        target_parent = entry.parent_id if target.id == entry.section_id else None
        live = _siblings(target_section, target_parent, live_only=True)
        staying = target_section == entry.section_id and target_parent == entry.parent_id
        limit = len(live) if staying else len(live) + 1
        try:
            position = int(position)
        except (TypeError, ValueError):
            raise ServiceError(_("Give the new number of the entry."), "position") from None
        if not 1 <= position <= limit:
            raise ServiceError(_("There is no place %(n)d here: choose 1 to %(max)d.",
                                 n=position, max=limit), "position")
    before = snapshot(entry, ENTRY_FIELDS)
    old_siblings = [e for e in _siblings(entry.section_id, entry.parent_id) if e.id != entry.id]
    if target_section != entry.section_id or target_parent != entry.parent_id:
        _renumber(old_siblings)
        for child in _descendants(entry):
            child.section_id = target_section
        entry.section_id, entry.parent_id = target_section, target_parent
        siblings = [e for e in _siblings(target_section, target_parent) if e.id != entry.id]
    else:
        siblings = old_siblings
    # Insert before the live sibling that has the wanted number (deleted ones keep their place).
    live_others = [e for e in siblings if e.deleted_at is None]
    anchor = live_others[position - 1] if position - 1 < len(live_others) else None
    index = siblings.index(anchor) if anchor is not None else len(siblings)
    siblings.insert(index, entry)
    _renumber(siblings)
    db.session.flush()
    _record(entry, "move", user, before)
    return finish(Change(revision, {source_section, target_section}, entry=entry), meeting,
                  active_section=target_section)


def indent_entry(meeting: Meeting, user: User | None, entry_id: Any) -> Change:
    """Make the entry the last sub-point of the live entry above it (its sub-points go one
    level down with it: refused when they would go below the last level)."""
    def change(entry: Entry) -> None:
        old_parent = entry.parent_id
        live = _siblings(entry.section_id, old_parent, live_only=True)
        index = next(i for i, e in enumerate(live) if e.id == entry.id)
        if index == 0:
            raise ServiceError(
                _("The first entry cannot become a sub-point: there is nothing above it."), "direction")
        height = _height(entry.id)
        deepest = _level(entry.id) + height
        if deepest > MAX_ENTRY_DEPTH:
            raise _too_deep(_("As a sub-point, this entry would be on level %(level)d.", level=deepest)
                            if height == 1 else
                            _("As a sub-point, this entry would take its sub-points to level %(level)d.",
                              level=deepest), "direction")
        new_parent = live[index - 1]
        children = _siblings(entry.section_id, new_parent.id)
        entry.parent_id = new_parent.id
        entry.position = (children[-1].position + 1) if children else 0
        _renumber([e for e in _siblings(entry.section_id, old_parent) if e.id != entry.id])

    return _write_entry(meeting, user, entry_id, "indent", change)


def outdent_entry(meeting: Meeting, user: User | None, entry_id: Any) -> Change:
    """Make a sub-point an entry of the level above, right after its former parent."""
    def change(entry: Entry) -> None:
        if entry.parent_id is None:
            raise ServiceError(_("This entry is already at the top level."), "direction")
        parent = db.session.get(Entry, entry.parent_id, populate_existing=True)
        _renumber([e for e in _siblings(entry.section_id, parent.id) if e.id != entry.id])
        siblings = _siblings(entry.section_id, parent.parent_id)
        entry.parent_id = parent.parent_id
        siblings.insert(siblings.index(parent) + 1, entry)
        _renumber(siblings)

    return _write_entry(meeting, user, entry_id, "outdent", change)


# Structure and details -------------------------------------------------------------------


def add_part(meeting: Meeting, user: User | None, heading: str, question: str | None) -> Change:
    revision = begin_write(meeting)
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Part.position) + 1, 0)).where(Part.meeting_id == meeting.id))
    part = Part(meeting_id=meeting.id, heading=heading, question=question, position=position,
                created_rev=revision, changed_rev=revision)
    db.session.add(part)
    db.session.flush()
    record_revision(part, "create", user, None, snapshot(part, ("heading", "question", "position")))
    return finish(Change(revision, parts={part.id}), meeting)


def meeting_part(meeting: Meeting, part_id: Any) -> Part | None:
    """The part of this meeting with that id (as a form sends it), or None."""
    if not parse_id(part_id):
        return None
    return db.session.scalar(sa.select(Part).where(Part.id == parse_id(part_id),
                                                   Part.meeting_id == meeting.id))


def add_section(meeting: Meeting, user: User | None, part_id: Any, *, plane_id: Any = None,
                priority_id: Any = None, topic: str | None = None, label: str | None = None,
                entry_kind: EntryKind | None = None) -> Change:
    part = meeting_part(meeting, part_id)
    if part is None:
        raise ServiceError(_("Choose a part of this meeting."), "part_id", 404)
    chosen = [v for v in (plane_id, priority_id, topic) if v not in (None, "")]
    if not chosen:
        raise ServiceError(_("Type the topic, or choose a plane or a priority in the list."), "topic")
    if len(chosen) > 1:
        if topic not in (None, ""):
            raise ServiceError(_("A plane or a priority is chosen in the list: leave the topic "
                                 "empty, or choose „A topic typed below”."), "topic")
        raise ServiceError(_("Choose exactly one: a plane, a priority or a topic."), "about")
    plane = priority = None
    if plane_id not in (None, ""):
        plane = db.session.scalar(sa.select(Plane).where(
            Plane.id == parse_id(plane_id), Plane.consultation_id == meeting.consultation_id)) \
            if parse_id(plane_id) else None
        if plane is None:
            raise ServiceError(_("Choose a plane of this consultation."), "about")
    if priority_id not in (None, ""):
        priority = db.session.scalar(sa.select(Priority).where(
            Priority.id == parse_id(priority_id), Priority.consultation_id == meeting.consultation_id)) \
            if parse_id(priority_id) else None
        if priority is None:
            raise ServiceError(_("Choose a priority of this consultation."), "about")
    revision = begin_write(meeting)
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Section.position) + 1, 0)).where(Section.part_id == part.id))
    section = Section(part_id=part.id, plane_id=plane.id if plane else None,
                      priority_id=priority.id if priority else None,
                      topic=topic or None, label=label or None, entry_kind=entry_kind,
                      position=position, created_rev=revision, changed_rev=revision)
    db.session.add(section)
    db.session.flush()
    record_revision(section, "create", user, None,
                    snapshot(section, ("part_id", "plane_id", "priority_id", "topic", "label",
                                       "entry_kind", "position")))
    return finish(Change(revision, {section.id}, {part.id}), meeting, active_section=section.id)


def update_details(meeting: Meeting, user: User | None, data: dict[str, Any]) -> Change:
    revision = begin_write(meeting)
    meeting_services.update_meeting(meeting, data, user)
    db.session.flush()
    return finish(Change(revision, meta=True), meeting)


def set_active_section(meeting: Meeting, section_id: Any) -> Change:
    section = _section(meeting, section_id)
    if meeting.active_section_id == section.id:
        return Change(meeting.revision)
    return finish(Change(begin_write(meeting)), meeting, active_section=section.id)


def history(meeting: Meeting, entry_id: Any):
    from consult.core.models import Revision

    entry = entry_of(meeting, entry_id, deleted=True)
    revisions = db.session.scalars(
        sa.select(Revision).where(Revision.object_type == Entry.__tablename__,
                                  Revision.object_id == entry.id)
        .order_by(Revision.created_at.desc(), Revision.id.desc())
    ).all()
    return entry, revisions
