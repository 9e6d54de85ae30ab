"""The hot paths ask the database a fixed number of questions, whatever the size of the
meeting: the board's "nothing changed" poll, an added entry's answer, the board page and a
published file's download. (How fast they are is measured by `make bench`, not here.)"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from consult.core.enums import ConsultationStatus, EntryKind, Role
from consult.extensions import db
from tests.test_capture_views import HX, add_form, hx, revision


@contextmanager
def statements():
    """The SQL statements sent while the block runs (a list filled in as they go)."""
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def grow(make, section, n: int) -> None:
    for i in range(n):
        make.entry(section, f"Wpis {i}", kind=EntryKind.IDEA)


def test_the_nothing_changed_poll_is_one_statement_and_still_refuses_outsiders(board, editor,
                                                                                 login_as, make):
    url = f"{board.url}/board/changes?since={revision(board.meeting)}"
    with statements() as sent:
        assert editor.get(url, headers=HX).status_code == 204
    assert len(sent) == 1  # the revision, the logged-in account and its right to see the board
    outsider = login_as(make.user(Role.FACILITATOR))  # of another consultation
    assert outsider.get(url, headers=HX).status_code == 403
    official = login_as(make.user(Role.OFFICIAL))  # reads every board
    assert official.get(url, headers=HX).status_code == 204
    board.facilitator.invalidate_sessions()  # e.g. a password change: logged out everywhere
    db.session.commit()
    assert editor.get(url, headers=HX).status_code == 401


def test_an_added_entrys_answer_does_not_grow_with_its_section(board, editor, make):
    sizes, counts = [], []
    for more in (5, 60):
        grow(make, board.topic_section, more)
        hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Punkt odniesienia"))
        with statements() as sent:
            response = hx(editor, f"{board.url}/board/entries",
                          add_form(board.topic_section, f"Nowy po {more}"))
        assert response.status_code == 200
        sizes.append(len(response.data))
        counts.append(len(sent))
    assert counts[0] == counts[1]
    assert abs(sizes[1] - sizes[0]) < 200  # one entry either way, not the whole section


@pytest.mark.parametrize("entries", [(10, 100)])
def test_the_board_page_asks_the_same_questions_at_any_size(board, editor, make, entries):
    counts = []
    for n in entries:
        grow(make, board.topic_section, n - len(board.topic_section.entries))
        with statements() as sent:
            assert editor.get(f"{board.url}/board").status_code == 200
        counts.append(len(sent))
    assert counts[0] == counts[1]


def test_a_published_file_is_one_statement_after_its_first_download(app, make, client, runner):
    from consult.core import runners
    from consult.reports.models import Publication

    meeting = make.demo_meeting()
    meeting.consultation.status = ConsultationStatus.OPEN
    admin = make.user(Role.ADMIN)
    db.session.commit()
    result = runner.invoke(args=["report", "publish", str(meeting.id), "--as", admin.email])
    assert result.exit_code == 0, result.output
    runners.drain(app)
    publication = db.session.scalars(sa.select(Publication).where(Publication.media_type == "application/pdf")).one()
    url = f"/documents/{publication.id}/{publication.file_name}"
    first = client.get(url)
    with statements() as sent:
        again = client.get(url)
    assert again.data == first.data == db.session.scalar(sa.select(Publication.content))
    assert len(sent) == 1  # may the visitor see it (the consultation is public), and its name
    # A consultation back to draft: its files are not there for the public any more.
    meeting.consultation.status = ConsultationStatus.DRAFT
    db.session.commit()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["facilitator", "other_facilitator", "official", "admin", "deactivated"])
def test_the_poll_s_one_statement_and_the_board_s_access_rule_agree(board, login_as, make, app, who):
    """The poll answers "nothing changed" from one statement; whom it answers must be whom
    the board's rule (permissions.can_view_board, through board_readers) lets in."""
    from consult.capture.services import nothing_changed
    from consult.core.permissions import can_view_board

    user = {"facilitator": board.facilitator, "other_facilitator": make.user(Role.FACILITATOR),
            "official": make.user(Role.OFFICIAL), "admin": make.user(Role.ADMIN),
            "deactivated": make.user(Role.FACILITATOR)}[who]
    if who == "deactivated":
        board.consultation.facilitators.append(user)
        db.session.commit()
    client = login_as(user)
    if who == "deactivated":
        user.active = False
        db.session.commit()
    with client.session_transaction() as cookie:
        token = cookie["_user_id"]
    since = revision(board.meeting)
    with app.test_request_context():
        polled = nothing_changed(board.meeting.id, token, since)
        assert polled == can_view_board(user, board.meeting.consultation)
        assert polled is (who != "other_facilitator" and who != "deactivated")


def reads_of_consultation(sent: list[str]) -> int:
    """Statements that load a consultation's row."""
    return sum(1 for statement in sent if statement.lstrip().startswith("SELECT consultation.id"))


def test_the_language_marks_of_the_board_cost_no_statement_of_their_own(board, editor, login_as):
    """The board's fragments mark their content with its consultation's language (WCAG
    3.1.2): read with the meeting's row, not by loading the consultation again after a
    write has expired it (an added entry's answer) or the meeting was read afresh (a poll)."""
    since = revision(board.meeting)
    with statements() as sent:
        response = hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Nowy wpis"))
    assert response.status_code == 200
    written = next(n for n, statement in enumerate(sent) if statement.startswith("INSERT INTO entry"))
    assert reads_of_consultation(sent[written:]) == 0  # the answer, after the write
    with statements() as sent:
        response = editor.get(f"{board.url}/board/changes?since={since}", headers=HX)
    assert response.status_code == 200 and "Nowy wpis" in response.get_data(as_text=True)
    assert reads_of_consultation(sent) == 1  # the access check's
