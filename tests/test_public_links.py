"""Links that leave the site (issue 15, finding 6): built on PUBLIC_URL, never on the request's
Host; only trusted host names are answered; the receipt e-mail carries no text a stranger
typed, and one address gets a bounded number of them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult import create_app
from consult.core.urls import PublicUrlError
from consult.extensions import db
from consult.remarks.models import Submission
from tests.conftest import PUBLIC_URL, Client, make_app
from tests.pages import find, text
from tests.test_remarks import consultation, form_url, outbox, received, valid  # noqa: F401

PHISHING = "Twoje konto wygasa! Zaloguj się na https://evil.example/krakow, aby je odnowić."


def test_links_in_the_receipt_come_from_public_url_whatever_the_host(app, client, consultation):
    app.config["PUBLIC_URL"] = "https://konsultacje.krakow.example"
    app.config["TRUSTED_HOSTS"] = ["localhost"]
    response = client.submit(form_url(consultation), valid(consultation, **{"remarks-0-remark": PHISHING}))
    assert response.status_code == 303
    [mail] = outbox(app)
    body = mail.get_content()
    token = response.location.split("/")[-1].split("?")[0]
    assert f"https://konsultacje.krakow.example/public/tracking/{token}" in body
    assert "localhost" not in body


def test_a_forged_forwarded_host_does_not_reach_the_link(migrated, tmp_path, consultation):
    app = make_app(migrated, tmp_path / "proxied", PROXY_COUNT=1,
                   PUBLIC_URL="https://konsultacje.krakow.example")
    app.test_client_class = Client
    client = app.test_client()
    base = "http://konsultacje.krakow.example"
    token = client.get(form_url(consultation), base_url=base)
    assert token.status_code == 200
    from tests.pages import control_value

    data = {"csrf_token": control_value(token.get_data(as_text=True), "csrf_token"), **valid(consultation)}
    response = client.post(form_url(consultation), data=data, base_url=base,
                           headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.5"})
    assert response.status_code == 303
    [mail] = outbox(app)
    assert "evil.example" not in mail.get_content()
    assert "https://konsultacje.krakow.example/public/tracking/" in mail.get_content()
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "127.0.0.1.nip.io"])
def test_a_request_for_another_host_is_refused(client, consultation, host):
    response = client.get(form_url(consultation), headers={"Host": host})
    assert response.status_code == 400
    refused = client.post(form_url(consultation), data=valid(consultation), headers={"Host": host})
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 0


def test_https_needs_public_url(migrated, tmp_path):
    with pytest.raises(PublicUrlError, match="PUBLIC_URL is required with HTTPS=1"):
        create_app({"SQLALCHEMY_DATABASE_URI": migrated, "SECRET_KEY": "x", "HTTPS": True},
                   instance_path=str(tmp_path / "https"))
    with pytest.raises(PublicUrlError, match="https://"):
        create_app({"SQLALCHEMY_DATABASE_URI": migrated, "SECRET_KEY": "x", "HTTPS": True,
                    "PUBLIC_URL": "http://konsultacje.krakow.example"}, instance_path=str(tmp_path / "h2"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": migrated, "SECRET_KEY": "x", "HTTPS": True,
                      "PUBLIC_URL": "https://konsultacje.krakow.example/"}, instance_path=str(tmp_path / "h3"))
    assert app.config["PUBLIC_URL"] == "https://konsultacje.krakow.example"
    assert app.config["TRUSTED_HOSTS"] == ["konsultacje.krakow.example"]


def test_the_receipt_mail_repeats_nothing_a_stranger_typed(app, client, consultation):
    response = client.submit(form_url(consultation), valid(consultation, **{
        "organisation": "Pilne: wejdź na evil.example", "remarks-0-remark": PHISHING,
        "remarks-0-proposed_wording": "Kliknij https://evil.example/a",
        "remarks-0-justification": "https://evil.example/b"}))
    assert response.status_code == 303
    [mail] = outbox(app)
    body = mail.get_content()
    assert "evil.example" not in body and "wygasa" not in body and "evil" not in mail["Subject"]
    submission = db.session.scalars(sa.select(Submission)).one()
    assert submission.receipt_number in body and submission.receipt_number in mail["Subject"]
    assert "Liczba uwag: 1" in body
    assert "/public/tracking/" in body


def test_one_address_gets_a_bounded_number_of_receipts(app, client, consultation):
    app.config["MAIL_RECIPIENT_LIMIT"] = "3 per hour"
    for spelling in ("anna@example.org", "Anna@Example.org", " anna@example.org", "ANNA@example.org"):
        response = client.submit(form_url(consultation), valid(consultation, email=spelling))
        assert response.status_code == 303
    assert len(outbox(app)) == 3
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 4  # every one kept
    page = client.get(response.location).get_data(as_text=True)
    assert "Nie udało się wysłać e-maila z potwierdzeniem." in text(find(page, "main"))
    # Another address is not affected.
    client.submit(form_url(consultation), valid(consultation, email="jan@example.org"))
    assert len(outbox(app)) == 4


def test_the_answer_mail_does_not_repeat_the_remark(app, consultation, official):
    from consult.remarks import mail as remark_mail
    from consult.remarks import moderation as remark_moderation
    from consult.remarks import stances
    from consult.remarks.models import Remark

    submission, _token = received(consultation, remarks=(PHISHING,))
    remark = db.session.scalars(sa.select(Remark)).one()
    remark_moderation.accept(remark, official)
    stances.set_stance(remark, official, "partly", "Spotkania będą częstsze.", None)
    changed = stances.publish_stances(consultation, official)
    db.session.commit()
    with app.test_request_context():
        assert remark_mail.stances_published(changed) == 1
    db.session.commit()  # the outbox sends what is committed
    [mail] = [m for m in outbox(app) if "odpowiedź" in m["Subject"]]
    body = mail.get_content()
    assert "Spotkania będą częstsze." in body
    assert "evil.example" not in body and "wygasa" not in body


def test_jobs_and_the_command_line_work_on_the_sites_own_address(app, make, runner, tmp_path):
    """With PUBLIC_URL set, the site answers only to its host (TRUSTED_HOSTS follows it):
    a render job or a command must not pretend to be a request to "localhost"."""
    from consult.reports import jobs
    from consult.reports.summaries import SUMMARY

    app.config.update(PUBLIC_URL=PUBLIC_URL, TRUSTED_HOSTS=["konsultacje.krakow.example"])
    meeting = make.demo_meeting()
    job = jobs.render_now(SUMMARY, meeting, None, runner="test")
    assert job.status.value == "done", job.error
    assert job.result.startswith(b"%PDF")
    out = tmp_path / "summary.odt"
    result = runner.invoke(args=["meeting", "export", str(meeting.id), "--format", "odt", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"
