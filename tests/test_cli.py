"""The flask commands, run as a person runs them."""

import copy
import json
import re

import sqlalchemy as sa

from consult.auth.models import User
from consult.consultations.models import Consultation, Plane, Priority
from consult.core.enums import Role
from consult.extensions import db
from consult.meetings.models import Entry, Meeting, Part, Section
from tests.conftest import DEMO_FILE, Client
from tests.test_interchange import DEEP_DOC


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def everything() -> dict:
    return {m.__name__: count(m) for m in (Consultation, Plane, Priority, Meeting, Part, Section, Entry)}


def test_demo_is_idempotent_prints_accounts_and_meeting_id_last(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    last = first.output.strip().splitlines()[-1]
    assert last.startswith("Id of the demo meeting: ")  # says what it is, and stays last
    meeting_id = int(last.rsplit(" ", 1)[1])
    before = everything()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert int(second.output.strip().splitlines()[-1].rsplit(" ", 1)[1]) == meeting_id
    assert everything() == before
    assert count(User) == 3
    # the printed credentials work, and stay the same from run to run
    accounts = dict(re.findall(r"(\S+@consult\.example) / (\S+)", second.output))
    assert accounts == dict(re.findall(r"(\S+@consult\.example) / (\S+)", first.output))
    assert set(accounts) == {"admin@consult.example", "facilitator@consult.example",
                             "official@consult.example"}
    app.test_client_class = Client
    client = app.test_client()
    assert client.login("facilitator@consult.example", accounts["facilitator@consult.example"]).status_code == 303
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Kluczowa jest wzajemna otwartość obu stron" in page
    assert "Edytuj spotkanie" in page  # the demo facilitator is assigned to the consultation
    # Version 1 of the summary is published (once: its PDF, DOCX and ODT), and the public
    # downloads it.
    from consult.reports.models import Publication

    published = db.session.scalars(sa.select(Publication).order_by(Publication.id)).all()
    assert sorted(p.file_name.rsplit(".", 1)[1] for p in published) == ["docx", "odt", "pdf"]
    [v1] = [p for p in published if p.file_name.endswith(".pdf")]
    assert (v1.version, v1.meeting_id, v1.published_by_name) == (1, meeting_id, "Ewa Chromniak (demo)")
    anonymous = app.test_client()
    download = anonymous.get(f"/meetings/{meeting_id}/summary/latest.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")


def test_user_create(app, runner):
    result = runner.invoke(args=["user", "create", "Anna@Example.org", "--role", "official",
                                 "--password", "a long enough password", "--name", "Anna Nowak"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "anna@example.org"))
    assert user.role == Role.OFFICIAL and user.name == "Anna Nowak"
    assert user.check_password("a long enough password")


def test_user_create_generates_a_password_when_none_given(app, runner):
    result = runner.invoke(args=["user", "create", "gen@example.org", "--role", "facilitator"])
    assert result.exit_code == 0, result.output
    password = re.search(r"password: (\S+)", result.output).group(1)
    assert db.session.scalar(sa.select(User)).check_password(password)


def test_user_create_refuses_bad_input(app, runner):
    ok = runner.invoke(args=["user", "create", "x@example.org", "--role", "admin", "--password", "0123456789"])
    assert ok.exit_code == 0
    duplicate = runner.invoke(args=["user", "create", "X@example.org", "--role", "admin",
                                    "--password", "0123456789"])
    assert duplicate.exit_code != 0 and "już istnieje" in duplicate.output
    bad_role = runner.invoke(args=["user", "create", "y@example.org", "--role", "mayor"])
    assert bad_role.exit_code != 0
    short = runner.invoke(args=["user", "create", "z@example.org", "--role", "admin", "--password", "short"])
    assert short.exit_code != 0 and "10" in short.output
    bad_email = runner.invoke(args=["user", "create", "not-an-email", "--role", "admin", "--password", "0123456789"])
    assert bad_email.exit_code != 0
    assert count(User) == 1


def test_meeting_import_export_and_list(app, runner, tmp_path):
    result = runner.invoke(args=["meeting", "import", str(DEMO_FILE)])
    assert result.exit_code == 0, result.output
    meeting_id = int(result.output.strip().splitlines()[-1])

    exported = runner.invoke(args=["meeting", "export", str(meeting_id)])
    assert exported.exit_code == 0
    assert json.loads(exported.output) == json.loads(DEMO_FILE.read_text(encoding="utf-8"))

    out = tmp_path / "out.json"
    assert runner.invoke(args=["meeting", "export", str(meeting_id), "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(exported.output)

    deep = tmp_path / "deep.json"
    deep.write_text(json.dumps(DEEP_DOC), encoding="utf-8")
    second_id = int(runner.invoke(args=["meeting", "import", str(deep)]).output.strip().splitlines()[-1])
    listing = runner.invoke(args=["meeting", "list"])
    assert listing.exit_code == 0
    assert listing.output.splitlines() == [
        f"{meeting_id}\t2018-05-25\tSpotkanie konsultacyjne dla organizacji pozarządowych "
        "działających w obszarze kultury i sztuki",
        f"{second_id}\t2027-03-01\tSpotkanie z organizacjami młodzieżowymi",
    ]


def test_meeting_import_from_standard_input(app, runner):
    result = runner.invoke(args=["meeting", "import", "-"], input=DEMO_FILE.read_bytes())
    assert result.exit_code == 0, result.output
    assert db.session.get(Meeting, int(result.output.strip().splitlines()[-1])) is not None


def test_meeting_export_of_unknown_id(app, runner):
    result = runner.invoke(args=["meeting", "export", "4242"])
    assert result.exit_code != 0 and "4242" in result.output


def import_problems(runner, tmp_path, content) -> tuple[int, str]:
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    before = everything()
    result = runner.invoke(args=["meeting", "import", str(path)])
    assert everything() == before, "a refused import must write nothing"
    return result.exit_code, result.output


def test_import_refuses_a_file_that_is_not_json(app, runner, tmp_path):
    code, output = import_problems(runner, tmp_path, b"{\"format\": \"consult-meeting/1\",")
    assert code != 0
    assert "$: not JSON" in output
    code, output = import_problems(runner, tmp_path, b"\xff\xfe binary")
    assert code != 0


def test_import_lists_every_schema_violation_with_its_path(app, runner, tmp_path):
    doc = copy.deepcopy(DEEP_DOC)
    doc["meeting"]["date"] = "2027-02-30"
    doc["meeting"]["participants"] = -3
    doc["parts"][0]["sections"][0]["entries"][1]["kind"] = "opinion"
    doc["parts"][1]["sections"][0]["entries"][0]["text"] = ""
    doc["parts"][1]["sections"][1]["plane"] = 1  # a priority section that also names a plane
    doc["unexpected"] = True
    code, output = import_problems(runner, tmp_path, doc)
    assert code != 0
    for path in ("$.meeting.date", "$.meeting.participants", "$.parts[0].sections[0].entries[1].kind",
                 "$.parts[1].sections[0].entries[0].text", "$.parts[1].sections[1]", "$:"):
        assert path in output, path


def test_import_refuses_repeated_planes_and_priorities_and_unknown_references(app, runner, tmp_path):
    doc = copy.deepcopy(DEEP_DOC)
    doc["consultation"]["planes"].append({"number": 2, "title": "Again"})
    doc["consultation"]["priorities"].append({"code": "I.2", "title": "Again"})
    doc["consultation"]["priorities"].append({"code": "IIII.1", "title": "Not a roman numeral"})
    doc["parts"][0]["sections"][1]["plane"] = 7
    doc["parts"][1]["sections"][1]["priority"] = "V.5"
    code, output = import_problems(runner, tmp_path, doc)
    assert code != 0
    assert "5 problem(s)" in output
    for path in ("$.consultation.planes[2].number", "$.consultation.priorities[4].code",
                 "$.consultation.priorities[5].code", "$.parts[0].sections[1].plane",
                 "$.parts[1].sections[1].priority"):
        assert path in output, path
    assert count(Consultation) == 0
