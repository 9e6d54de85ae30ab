"""Tracking tokens stay out of the logs (issue 15, finding 12).

A tracking link, ``/public/tracking/<token>``, opens an organisation's submission to whoever
holds it, and only the token's sha256 is stored — so the logs must not hold it either. The
access log of gunicorn (the production server, ``consult/gunicorn_conf.py``) and the request
log of the development server (werkzeug, ``make run``) show ``/public/tracking/[redacted]``
instead: in the request line, the path, the raw URI and the Referer a page opened from the
tracking page sends.
"""

from __future__ import annotations

import http.client
import logging
import sys
from datetime import timedelta

import pytest
import requests
from flask import url_for

from consult.core.enums import ConsultationStatus
from consult.core.logging import MARKER, redact
from consult.core.models import utcnow
from consult.extensions import db
from tests.conftest import serving
from tests.loadkit import GUNICORN, Server

MADE_UP = "Zm9yZ2VkLXRva2VuLWZvci10aGUtbG9nLXRlc3Q"  # looks like a token, opens nothing
REDACTED = f"/public/tracking/{MARKER}"


@pytest.fixture
def token(make) -> str:
    """The token of a real submission's tracking link."""
    from consult.remarks import intake

    consultation = make.consultation(
        status=ConsultationStatus.OPEN, submissions_open_at=utcnow() - timedelta(days=1),
        submissions_close_at=utcnow() + timedelta(days=7))
    received = intake.submit(consultation, {
        "organisation": "Fundacja", "legal_form": "foundation", "krs": "0000123456",
        "address": "Kraków", "contact_person": "Anna", "email": None, "phone": "600 100 200",
        "remarks": [{"target": "general", "remark": "Uwaga", "document_ref": None,
                     "proposed_wording": None, "justification": None}]})
    db.session.commit()
    return received.token


def test_the_pattern_follows_the_tracking_route(app, token):
    with app.test_request_context():
        path = url_for("remarks.track", token=token, received=1)
    assert redact(path) == f"{REDACTED}?received=1"
    assert redact(f"GET https://konsultacje.example/public/tracking/{token}#a HTTP/1.1") == (
        f"GET https://konsultacje.example{REDACTED}#a HTTP/1.1")
    # Spelt otherwise, it reaches the same page: the log still shows no token.
    assert token not in redact(f"/public//tracking/{token}")
    assert redact(f"/public/%74racking/{token}") == f"/public/%74racking/{MARKER}"
    assert redact(f"/public%2Ftracking%2F{token}%0Aforged") == f"/public%2Ftracking%2F{MARKER}"
    assert redact("/public/konsultacje-2026/remarks") == "/public/konsultacje-2026/remarks"


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this environment")
def test_gunicorn_logs_no_tracking_token(app, token, tmp_path, migrated, monkeypatch):
    db.session.remove()  # the server reads the submission now
    # The production log format, and the other atoms that carry the address or the Referer.
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--access-logformat '%(h)s %(l)s %(u)s %(t)s \"%(r)s\" "
                       "%(s)s %(b)s \"%(f)s\" \"%(a)s\" U=%(U)s raw=%({raw_uri}e)s referer=%({referer}i)s'")
    server = Server(migrated, tmp_path / "instance", workers=1, threads=2)
    try:
        server.wait_ready()
        page = requests.get(f"{server.url}/public/tracking/{token}?received=1", timeout=10)
        assert page.status_code == 200 and "Uwaga" in page.text
        made_up = requests.get(f"{server.url}/public/tracking/{MADE_UP}", timeout=10,
                               headers={"Referer": f"{server.url}/public/tracking/{token}?received=1"})
        assert made_up.status_code == 404
        # The token spelt with a percent escape in the path (requests would undo it).
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", f"/public/%74racking/{token}")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        server.stop()
    log = server.log_text()
    lines = [line for line in log.splitlines() if "tracking" in line]
    assert token not in log and MADE_UP not in log, lines
    assert f'"GET {REDACTED}?received=1 HTTP/1.1" 200' in log, lines
    assert (f'"GET {REDACTED} HTTP/1.1" 404' in log
            and f'"{server.url}{REDACTED}?received=1"' in log), lines
    assert f"U={REDACTED} raw={REDACTED} referer={server.url}{REDACTED}?received=1" in log, lines
    assert "Traceback" not in log, log


def test_the_development_server_logs_no_tracking_token(app, token, caplog):
    with caplog.at_level(logging.INFO, logger="werkzeug"), serving(app) as url:
        assert requests.get(f"{url}/public/tracking/{token}?received=1", timeout=10).status_code == 200
        assert requests.get(f"{url}/public/tracking/{MADE_UP}", timeout=10).status_code == 404
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len([line for line in lines if f"GET {REDACTED}" in line]) == 2, lines
    assert not [line for line in lines if token in line or MADE_UP in line], lines


def test_the_apps_own_log_of_a_failed_request_names_no_token(app, token, caplog):
    """Flask logs the path of a request whose view raised ("Exception on … [GET]")."""
    with caplog.at_level(logging.ERROR, logger=app.logger.name), \
            app.test_request_context(f"/public/tracking/{token}"):
        try:
            raise RuntimeError("the view failed")
        except RuntimeError:
            app.log_exception(sys.exc_info())
    [line] = [record.getMessage() for record in caplog.records if record.name == app.logger.name]
    assert line == f"Exception on {REDACTED} [GET]"
