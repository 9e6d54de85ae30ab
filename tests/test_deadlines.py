"""The consultation's deadlines on its page (issue 19, "Deadlines"): days left for remarks,
the report's due date (REPORT_DUE_DAYS after the end of submissions), remarks without a
published stance — counted in the city's calendar."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from consult.consultations.deadlines import deadlines
from consult.core.enums import ConsultationStatus
from consult.core.formatting import site_today, site_zone
from consult.extensions import db
from consult.remarks import moderation as remark_moderation
from consult.remarks import stances
from tests.pages import find, text
from tests.test_remarks import moderator, received  # noqa: F401

# Noon in Kraków on 4 December 2026 (UTC+1).
NOW = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)
# 23:59 in Kraków on 10 December: the last day is the 10th.
CLOSES = datetime(2026, 12, 10, 22, 59, tzinfo=UTC)


@pytest.fixture
def consultation(make):
    return make.consultation("Konsultacje z terminami", status=ConsultationStatus.OPEN,
                             submissions_open_at=NOW - timedelta(days=20), submissions_close_at=CLOSES)


def test_days_left_and_the_report_due_in_the_citys_calendar(app, consultation):
    found = deadlines(consultation, NOW)
    assert found.open_now and found.days_left == 6
    assert found.closes_on.isoformat() == "2026-12-10"
    assert found.report_due.isoformat() == "2027-01-09"  # 30 days after the last day
    assert found.days_to_report == 36 and not found.report_overdue
    last_day = deadlines(consultation, datetime(2026, 12, 10, 20, 0, tzinfo=UTC))
    assert last_day.days_left == 0
    after = deadlines(consultation, datetime(2027, 1, 10, 9, 0, tzinfo=UTC))
    assert not after.open_now and after.report_overdue and after.days_to_report == -1
    app.config["REPORT_DUE_DAYS"] = 14
    assert deadlines(consultation, NOW).report_due.isoformat() == "2026-12-24"


def test_a_window_closing_at_midnight_ends_the_day_before(app, make):
    midnight = make.consultation("Do północy", status=ConsultationStatus.OPEN,
                                 submissions_close_at=datetime(2026, 12, 9, 23, 0, tzinfo=UTC))
    assert deadlines(midnight, NOW).closes_on.isoformat() == "2026-12-09"


def test_the_staff_page_counts_down_and_names_the_remarks_waiting(app, consultation, moderator, official,
                                                                  admin_client):
    first, _token = received(consultation, remarks=("Pierwsza", "Druga"))
    received(consultation, organisation="Fundacja Spam", remarks=("Kup teraz",), spam=True)
    remark_moderation.accept(first.remarks[0], moderator)
    db.session.commit()
    # Noon of the city's day three days ahead: "3 days" whatever the hour the test runs at
    # (now + 3 days + 1 hour is the fourth day from 23:00 in Kraków).
    consultation.submissions_close_at = datetime.combine(
        site_today() + timedelta(days=3), time(12), tzinfo=site_zone()).astimezone(UTC)
    db.session.commit()
    page = admin_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    section = text(find(page, "section.deadlines"))
    assert "Uwagi przyjmowane są jeszcze przez 3 dni" in section
    assert "Termin raportu z konsultacji:" in section and "(za 33 dni)" in section
    # spam is not counted; one accepted without a stance, one not yet accepted
    assert "2 uwagi nie mają opublikowanego stanowiska (1 z nich czeka na przyjęcie do rozpatrzenia)" in section

    stances.set_stance(first.remarks[0], official, "accepted", "Tak.", None)
    remark_moderation.accept(first.remarks[1], moderator)
    stances.set_stance(first.remarks[1], official, "not_accepted", "Nie.", None)
    stances.publish_stances(consultation, official)
    db.session.commit()
    page = admin_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "opublikowanego stanowiska" not in text(find(page, "section.deadlines"))


def test_an_overdue_report_is_said_plainly(app, make, admin_client):
    late = make.consultation("Po terminie", status=ConsultationStatus.CLOSED,
                             submissions_close_at=datetime.now(UTC) - timedelta(days=40))
    page = admin_client.get(f"/consultations/{late.id}").get_data(as_text=True)
    overdue = text(find(page, "section.deadlines .deadline--overdue"))
    assert overdue.startswith("Termin raportu z konsultacji minął") and "temu" in overdue
