"""Command-line interface: ``flask --app consult COMMAND``."""

from __future__ import annotations

import json
import os
import secrets
import sys
from datetime import date
from importlib import resources
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from consult.auth import services as auth_services
from consult.consultations.models import Consultation
from consult.core.enums import ConsultationStatus, Role
from consult.core.errors import ServiceError
from consult.core.urls import background_context
from consult.extensions import db
from consult.meetings import csvfile, imports, interchange
from consult.meetings.models import Meeting

DEMO_ACCOUNTS = (
    ("admin@consult.example", "Administrator (demo)", Role.ADMIN),
    ("facilitator@consult.example", "Ewa Chromniak (demo)", Role.FACILITATOR),
    ("official@consult.example", "Urzędnik Wydziału Kultury (demo)", Role.OFFICIAL),
)

user_cli = AppGroup("user", help="Manage staff accounts.")
report_cli = AppGroup("report", help="Render summary documents.")
meeting_cli = AppGroup("meeting", help="Import, export and list meetings.")
mail_cli = AppGroup("mail", help="The mail outbox: send what is due, see what is waiting.")


@user_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", help="At least 10 characters; generated and printed when omitted.")
@click.option("--name", help="Display name; defaults to the part of the e-mail before @.")
def user_create(email: str, role: str, password: str | None, name: str | None) -> None:
    """Create a staff account."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = auth_services.create_user(
            {"email": email, "role": role, "password": password, "name": name}, None
        )
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"created {user.role.value} {user.email} (id {user.id})")
    if generated:
        click.echo(f"password: {password}")


@meeting_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--consultation", "consultation_id", type=int,
              help="Attach to this consultation (JSON: default the one with the same title, else a new "
                   "one; CSV: required).")
@click.option("--title", help="The meeting's title (required for CSV; for JSON, replaces the file's).")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The meeting's date, YYYY-MM-DD (required for CSV; for JSON, replaces the file's).")
def meeting_import(file, consultation_id: int | None, title: str | None, day) -> None:
    """Import a consult-meeting/1 JSON file or a CSV of entries ('-' for standard input);
    prints the new id last. Every problem is listed with its place; nothing is written on error."""
    consultation = None
    if consultation_id is not None:
        consultation = db.session.get(Consultation, consultation_id)
        if consultation is None:
            raise click.ClickException(f"no consultation with id {consultation_id}")
    raw, name = file.read(), getattr(file, "name", "-")
    with force_locale("en"):
        try:
            if imports.is_csv(name, raw):
                if consultation is None:
                    raise click.ClickException("a CSV file needs --consultation ID (its planes and priorities)")
                if not title or not day:
                    raise click.ClickException("a CSV file names no meeting: give --title and --date")
                doc = csvfile.parse_csv(raw, consultation, {"title": title, "date": day.date().isoformat()})
            else:
                doc = interchange.parse(raw)
                if title:
                    doc["meeting"]["title"] = title
                if day:
                    doc["meeting"]["date"] = day.date().isoformat()
            meeting = interchange.import_meeting(doc, consultation=consultation)
            db.session.commit()
        except interchange.InvalidDocument as exc:
            db.session.rollback()
            click.echo(f"{name}: not imported, {len(exc.problems)} problem(s):", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(1)
    click.echo(f"imported “{meeting.title}” ({meeting.date.isoformat()}) "
               f"into consultation {meeting.consultation_id}")
    click.echo(meeting.id)


@meeting_cli.command("export")
@click.argument("meeting_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "docx", "odt"]), default="json",
              show_default=True, help="consult-meeting/1 JSON, a CSV of its entries, or its summary as "
                                      "DOCX or ODT (the draft, as the PDF shows it now).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
def meeting_export(meeting_id: int, fmt: str, output: str | None) -> None:
    """Export a meeting as JSON or CSV, or its summary as DOCX or ODT."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise click.ClickException(f"no meeting with id {meeting_id}")
    with background_context():
        if fmt == "json":
            body = interchange.dumps(interchange.export_meeting(meeting)).encode("utf-8")
        elif fmt == "csv":
            body = csvfile.export_csv(meeting)
        else:
            from consult.reports.summaries import SUMMARY

            body = SUMMARY.export(meeting, fmt, None)
    if output:
        Path(output).write_bytes(body)
    elif fmt in ("docx", "odt") and sys.stdout.isatty():
        raise click.ClickException(f"a {fmt.upper()} file is binary: give -o FILE")
    else:
        click.get_binary_stream("stdout").write(body)


@meeting_cli.command("list")
def meeting_list() -> None:
    """One line per meeting: id, date, title (tab-separated)."""
    for meeting in db.session.scalars(sa.select(Meeting).order_by(Meeting.date, Meeting.id)):
        click.echo(f"{meeting.id}\t{meeting.date.isoformat()}\t{meeting.title}")


def _demo_credentials_path() -> Path:
    return Path(current_app.instance_path) / "demo-accounts.json"


def _ensure_demo_accounts() -> dict[str, str]:
    """Create the demo accounts (or reset their passwords when they are not on record)."""
    path = _demo_credentials_path()
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        known = {}
    credentials: dict[str, str] = {}
    for email, name, role in DEMO_ACCOUNTS:
        user = auth_services.get_by_email(email)
        password = known.get(email)
        if user is None:
            password = password or secrets.token_urlsafe(9)
            auth_services.create_user(
                {"email": email, "name": name, "role": role, "password": password}, None
            )
        elif password is None or not user.check_password(password):
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.invalidate_sessions()
        credentials[email] = password
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as fh:
        json.dump(credentials, fh, indent=2)
    return credentials


def _demo_meeting() -> Meeting:
    text = resources.files("consult.demo").joinpath("wpw-2018-kultura.json").read_text("utf-8")
    doc = interchange.parse(text)
    existing = db.session.scalar(
        sa.select(Meeting).join(Consultation).where(
            Consultation.title == doc["consultation"]["title"],
            Meeting.title == doc["meeting"]["title"],
            Meeting.date == date.fromisoformat(doc["meeting"]["date"]),
        )
    )
    if existing is not None:
        return existing
    meeting = interchange.import_meeting(doc)
    meeting.show_kinds = False  # the 2018 summary marks no kinds: version 1 looks exactly like it
    consultation = meeting.consultation
    consultation.description = (
        "Konsultacje założeń Wieloletniego Programu Współpracy Gminy Miejskiej Kraków "
        "z organizacjami pozarządowymi na lata 2019–2022 (dane demonstracyjne z 2018 r.)."
    )
    consultation.status = ConsultationStatus.CLOSED
    facilitator = auth_services.get_by_email(DEMO_ACCOUNTS[1][0])
    if facilitator is not None and facilitator not in consultation.facilitators:
        consultation.facilitators.append(facilitator)
    return meeting


def _publish_demo_summary(meeting: Meeting) -> None:
    """Version 1 of the demo summary, so that the documents and public pages show one."""
    from consult.reports import jobs, publications
    from consult.reports.catalogue import SUMMARY

    if publications.latest(SUMMARY.series(meeting)) is None:
        facilitator = auth_services.get_by_email(DEMO_ACCOUNTS[1][0])
        job = jobs.render_now(SUMMARY, meeting, facilitator, publishes=True, runner="cli")
        if job.publication is None:
            click.echo("the demo summary could not be published (see the log)", err=True)


@click.command("demo")
def demo() -> None:
    """Load the 2018 Kraków culture-NGO meeting and demo accounts (idempotent); prints the meeting id last."""
    credentials = _ensure_demo_accounts()
    meeting = _demo_meeting()
    db.session.commit()
    _publish_demo_summary(meeting)
    click.echo("Demo accounts (e-mail / password):")
    for email, _name, role in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<12} {email} / {credentials[email]}")
    click.echo(f"Demo meeting “{meeting.title}” ({meeting.date.isoformat()}), at /meetings/{meeting.id}")
    click.echo(f"Id of the demo meeting: {meeting.id}")


def _write_report(html: str, output: str, html_output: str | None) -> None:
    from consult.reports import rendering

    if html_output:
        Path(html_output).write_text(html, encoding="utf-8")
    pdf = rendering.render_pdf(html)
    Path(output).write_bytes(pdf.content)
    click.echo(f"{output}: {len(pdf.content)} bytes, {pdf.pages} page(s), sha256 {pdf.sha256}")


@report_cli.command("render")
@click.argument("meeting_id", type=int)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The PDF file to write.")
@click.option("--html", "html_output", type=click.Path(dir_okay=False, writable=True),
              help="Also write the HTML the PDF is made from.")
def report_render(meeting_id: int, output: str, html_output: str | None) -> None:
    """Render the summary of a meeting as PDF (and optionally its HTML); publishes nothing."""
    from consult.reports.catalogue import SUMMARY

    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise click.ClickException(f"no meeting with id {meeting_id}")
    with background_context():
        html = SUMMARY.html(meeting, for_pdf=True)
    _write_report(html, output, html_output)


@report_cli.command("compile")
@click.argument("consultation_id", type=int)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The PDF file to write.")
@click.option("--html", "html_output", type=click.Path(dir_okay=False, writable=True),
              help="Also write the HTML the PDF is made from.")
def report_compile(consultation_id: int, output: str, html_output: str | None) -> None:
    """Render all meeting summaries of a consultation as one PDF with cover and contents."""
    from consult.reports.catalogue import COMPILATION

    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise click.ClickException(f"no consultation with id {consultation_id}")
    with background_context():
        html = COMPILATION.html(consultation, for_pdf=True)
    _write_report(html, output, html_output)


@report_cli.command("publish")
@click.argument("meeting_id", type=int)
@click.option("--as", "email", required=True, help="E-mail of the facilitator or admin publishing it.")
def report_publish(meeting_id: int, email: str) -> None:
    """Publish the meeting's summary as its next version (rendered here, not by a worker)."""
    from consult.reports import jobs
    from consult.reports.catalogue import SUMMARY

    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise click.ClickException(f"no meeting with id {meeting_id}")
    user = auth_services.get_by_email(email)
    if user is None or not SUMMARY.may_publish(user, meeting.consultation):
        raise click.ClickException(f"{email} may not publish summaries of this consultation")
    job = jobs.render_now(SUMMARY, meeting, user, publishes=True, runner="cli")
    if job.publication is None:
        raise click.ClickException(job.error or "not published")
    click.echo(f"published version {job.publication.version}: {job.publication.file_name} "
               f"({job.publication.size} bytes, sha256 {job.publication.sha256})")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Send e-mails and render documents queued on Redis (REDIS_URL); one at a time."""
    from consult.core import runners

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: without it, the web process renders "
                                   "documents itself and no worker is needed")
    runners.work(current_app._get_current_object(), burst=burst)


@mail_cli.command("deliver")
def mail_deliver() -> None:
    """Send every e-mail that is due now (for cron, when no worker runs, or after an outage)."""
    from consult.outbox import services

    result = services.deliver_due()
    click.echo(f"sent {result.sent}, to be tried again {result.retrying}, not sent {result.failed}")


@mail_cli.command("status")
def mail_status() -> None:
    """How many e-mails are waiting, sent and not sent."""
    from consult.outbox import services

    for status, count in services.counts().items():
        click.echo(f"{status.value:8} {count}")


@click.command("remind")
def remind_command() -> None:
    """Queue today's reminders of missing stances to officials (run daily by cron; a second
    run the same day sends nothing twice)."""
    from consult.consultations import reminders

    result = reminders.remind()
    for consultation in result.consultations:
        click.echo(f"stances missing: {consultation.id} {consultation.title}")
    click.echo(f"reminders queued: {result.mails}")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--format", "fmt", type=click.Choice(["auto", "json"]), default="auto",
              help="auto: SQLite's online backup or pg_dump; json: a full export of every table.")
def backup_command(file: str, fmt: str) -> None:
    """Back up the whole database into FILE (safe while the app runs)."""
    from consult.core import backup

    try:
        kind = backup.backup(Path(file), fmt)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{file}: {kind} backup, {Path(file).stat().st_size} bytes")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask: replace everything now.")
def restore_command(file: str, yes: bool) -> None:
    """Replace the whole database with the backup in FILE (checked first: its schema must be
    what the migrations make)."""
    from consult.core import backup

    try:
        if not yes:
            backup.check(Path(file))  # a backup that would be refused is refused before asking
            click.confirm("Everything in the database is replaced by the backup. Go on?", abort=True)
        kind = backup.restore(Path(file))
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored the {kind} backup {file}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(user_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(meeting_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(remind_command)
    app.cli.add_command(demo)
    app.cli.add_command(worker)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
