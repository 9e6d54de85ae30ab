"""The consultation's announcement (issue 19, "Announcement"): its subject, legal basis,
responsible unit, day of announcement, forms of consultation and where paper forms go —
typed once by the admin, shown on the staff and the public page, kept in the audit trail,
and checked against the city's minimums (warnings, never refusals)."""

from __future__ import annotations

import sqlalchemy as sa

from consult.consultations.deadlines import announcement_warnings
from consult.core.enums import ConsultationStatus
from consult.core.models import Revision
from consult.extensions import db
from tests.pages import facts, field_error, find, text
from tests.test_consultations_views import edit_form, reload

ANNOUNCEMENT = {
    "subject": "Projekt Programu współpracy Gminy Miejskiej Kraków z organizacjami pozarządowymi na 2027 r.",
    "legal_basis": "Art. 5 ust. 5 ustawy o działalności pożytku publicznego i o wolontariacie; "
                   "uchwała nr CXVI/3053/18 Rady Miasta Krakowa.",
    "responsible_unit": "Wydział Kultury i Dziedzictwa Narodowego",
    "announced_on": "2026-11-02",
    "methods": ["online_form", "paper_form", "open_meetings"],
    "paper_delivery": "Kancelaria Urzędu Miasta Krakowa, pl. Wszystkich Świętych 3-4, pn.–pt. 8:00–15:30",
    # announced a week before the first day, 21 days of remarks (9–29 November)
    "submissions_open_at": "2026-11-09T00:00",
    "submissions_close_at": "2026-11-30T00:00",
}


def test_the_admin_types_the_announcement_and_both_pages_show_it(app, make, admin_client, client):
    consultation = make.consultation("Konsultacje programu 2027", status=ConsultationStatus.OPEN)
    response = admin_client.submit(f"/consultations/{consultation.id}/edit", edit_form(consultation, **ANNOUNCEMENT))
    assert response.status_code == 303, response.get_data(as_text=True)
    reload(consultation)
    assert consultation.methods == ["online_form", "paper_form", "open_meetings"]
    assert consultation.announced_on.isoformat() == "2026-11-02"
    revision = db.session.scalars(sa.select(Revision).where(Revision.object_type == "consultation")
                                  .order_by(Revision.id.desc())).first()
    assert revision.after["methods"] == ["online_form", "paper_form", "open_meetings"]
    assert revision.after["responsible_unit"] == "Wydział Kultury i Dziedzictwa Narodowego"

    staff = dict(facts(admin_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)))
    public = dict(facts(client.get(f"/public/{consultation.slug}").get_data(as_text=True)))
    for shown in (staff, public):
        assert shown["Przedmiot konsultacji"].startswith("Projekt Programu współpracy")
        assert shown["Podstawa prawna"].startswith("Art. 5 ust. 5")
        assert shown["Jednostka odpowiedzialna"] == "Wydział Kultury i Dziedzictwa Narodowego"
        assert shown["Data ogłoszenia"] == "2 listopada 2026 r."
        assert shown["Formy konsultacji"] == ("formularz internetowy, formularz papierowy, "
                                              "otwarte spotkania konsultacyjne")
        assert shown["Miejsce składania formularzy papierowych"].startswith("Kancelaria Urzędu")
    # it meets the minimums: no warning
    assert announcement_warnings(consultation) == []


def test_below_the_minimums_the_staff_page_warns_and_nothing_is_refused(app, make, admin_client):
    consultation = make.consultation("Konsultacje w pośpiechu", status=ConsultationStatus.DRAFT)
    hurried = {**ANNOUNCEMENT, "announced_on": "2026-11-07", "methods": ["online_form"],
               "submissions_close_at": "2026-11-20T00:00"}
    response = admin_client.submit(f"/consultations/{consultation.id}/edit", edit_form(consultation, **hurried))
    assert response.status_code == 303
    page = admin_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    warnings = [text(li) for li in find(page, ".deadline-warnings").select("li")]
    assert warnings == [
        "Przyjmowanie uwag zaczyna się 2 dni po ogłoszeniu; minimum to 7.",
        "Uwagi przyjmowane są przez 11 dni; minimum to 21.",
        "Ogłoszenie wymienia 1 formę konsultacji; minimum to 3.",
    ]
    app.config.update(NOTICE_MIN_DAYS=2, CONSULTATION_MIN_DAYS=11, CONSULTATION_MIN_METHODS=1)
    assert announcement_warnings(reload(consultation)) == []
    consultation.status = ConsultationStatus.CLOSED  # on the record: nothing to warn about
    app.config.update(CONSULTATION_MIN_METHODS=5)
    assert announcement_warnings(consultation) == []


def test_an_unknown_form_of_consultation_is_refused_at_its_field(app, make, admin_client):
    consultation = make.consultation("Konsultacje z nieznaną formą")
    response = admin_client.submit(f"/consultations/{consultation.id}/edit",
                                   edit_form(consultation, methods=["online_form", "telegraph"]))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "methods")
    assert reload(consultation).methods == []
