"""NGO submissions: the public consultation form, receipts, tracking, e-mail, the submission
window, validation, the honeypot, the rate limit, an expired form, and 50 at once."""

from __future__ import annotations

import email
import email.policy
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.consultations.models import Consultation
from consult.core.enums import ConsultationStatus, RemarkStatus, RemarkTarget
from consult.core.models import utcnow
from consult.devtools.smtp import SmtpSink
from consult.extensions import db
from consult.remarks.models import Remark, Submission
from tests import mailbox
from tests.conftest import serving
from tests.pages import control_value, error_summary, facts, field_error, find, form_values, parse, text

RECEIPT = re.compile(r"^KWP/\d{4}/(\d{4})$")


@pytest.fixture
def consultation(make):
    consultation = make.consultation(
        title="Konsultacje Wieloletniego Programu Współpracy", status=ConsultationStatus.OPEN,
        organizer="Urząd Miasta Krakowa", description="Zapraszamy organizacje do zgłaszania uwag.",
        submissions_open_at=utcnow() - timedelta(days=1),
        submissions_close_at=utcnow() + timedelta(days=13))
    make.plane(consultation, 1, "Tworzenie polityk publicznych")
    make.priority(consultation, "I.1", "Dostęp do kultury")
    return consultation


def form_url(consultation) -> str:
    return f"/public/{consultation.slug}/remarks"


def valid(consultation, **changes) -> dict:
    plane = consultation.planes[0]
    data = {
        "organisation": "Fundacja Kultura Razem", "legal_form": "foundation", "krs": "0000123456",
        "other_register": "", "address": "ul. Floriańska 1, 31-019 Kraków",
        "contact_person": "Anna Nowak", "email": "anna@example.org", "phone": "",
        "remarks-0-target": f"plane:{plane.id}",
        "remarks-0-remark": "Zespoły konsultacyjne powinny zbierać się co kwartał.",
        "remarks-0-proposed_wording": "§ 5 ust. 1 otrzymuje brzmienie: „Zespół zbiera się raz na kwartał”.",
        "remarks-0-justification": "Dziś spotkania są nieregularne.",
        "remarks-0-document_ref": "",
        "clause": "y", "website": "",
    }
    data.update(changes)
    return data


def stored() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Submission.id)))


def outbox(app) -> list[email.message.Message]:
    return mailbox.sent(app)


# The form ------------------------------------------------------------------------------------


def test_the_public_page_leads_to_the_form(client, consultation):
    page = client.get(f"/public/{consultation.slug}").get_data(as_text=True)
    call = find(page, "section.submit-call")
    assert "Otwarte teraz." in text(call)
    link = find(call, "a.button")
    assert text(link) == "Wypełnij formularz konsultacyjny"
    form_page = client.get(link["href"]).get_data(as_text=True)
    assert text(find(form_page, "h1")) == "Formularz konsultacyjny"
    form = find(form_page, "main form")
    for name in ("organisation", "legal_form", "krs", "other_register", "address", "contact_person",
                 "email", "phone", "remarks-0-target", "remarks-0-document_ref", "remarks-0-remark",
                 "remarks-0-proposed_wording", "remarks-0-justification", "clause"):
        control = find(form, f"[name={name}]")
        assert find(form, f"label[for={control['id']}]"), f"{name} has no label"
    options = [text(o) for o in find(form, "select[name=remarks-0-target]").find_all("option")]
    assert options == ["Dokument jako całość", "Wskazany zapis dokumentu (podaj go niżej)",
                       "Płaszczyzna 1. Tworzenie polityk publicznych", "I.1 Dostęp do kultury"]
    honeypot = find(form, "input[name=website]")
    assert honeypot["tabindex"] == "-1" and honeypot.find_parent(attrs={"aria-hidden": "true"})


def test_a_submission_gets_a_receipt_a_tracking_link_and_an_email(app, client, consultation):
    page = client.get(form_url(consultation))
    response = client.submit(form_url(consultation), valid(consultation, **{
        "remarks-1-target": "document", "remarks-1-document_ref": "§ 3 ust. 2",
        "remarks-1-remark": "Dopisać organizacje nieformalne.", "remarks-1-proposed_wording": "",
        "remarks-1-justification": ""}))
    assert page.status_code == 200 and response.status_code == 303
    assert re.fullmatch(r"/public/tracking/[\w-]{30,}\?received=1", response.location)
    token = response.location.split("/")[-1].split("?")[0]
    outbox(app)  # the outbox's worker has sent the receipt

    receipt = client.get(response.location)
    assert receipt.headers["Cache-Control"] == "private, no-store"
    html = receipt.get_data(as_text=True)
    assert find(html, "meta[name=referrer]")["content"] == "no-referrer"
    assert receipt.headers["Referrer-Policy"] == "no-referrer"  # the header too, not only the tag
    assert text(find(html, ".success-panel h1")) == "Dziękujemy: Twoje uwagi zostały przyjęte"
    shown = dict(facts(html))
    number = shown["Numer potwierdzenia"]
    assert RECEIPT.match(number) and number.endswith("/0001")
    assert shown["Organizacja"] == "Fundacja Kultura Razem" and shown["Numer KRS"] == "0000123456"
    assert "Kopię potwierdzenia wysłano na adres anna@example.org." in text(html)
    remarks = parse(html).select("ol.remark-list > li")
    assert len(remarks) == 2
    assert "Płaszczyzna 1. Tworzenie polityk publicznych" in text(remarks[0])
    assert "Zespoły konsultacyjne powinny zbierać się co kwartał." in text(remarks[0])
    assert "§ 3 ust. 2" in text(remarks[1]) and f"{number}-2" in text(remarks[1])
    assert "Stan: oczekuje na rozpatrzenie" in text(remarks[0])

    submission = db.session.scalars(sa.select(Submission)).one()
    assert submission.receipt_number == number and submission.receipt_mailed_at is not None
    assert token not in submission.tracking_hash  # only the hash is stored
    assert [(p.position, p.target, p.status) for p in submission.remarks] == [
        (1, RemarkTarget.PLANE, RemarkStatus.SUBMITTED),
        (2, RemarkTarget.DOCUMENT, RemarkStatus.SUBMITTED)]

    [mail] = outbox(app)
    assert mail["To"] == "anna@example.org" and number in mail["Subject"]
    body = mail.get_content()
    assert number in body and f"http://localhost/public/tracking/{token}" in body
    assert "Liczba uwag: 2" in body

    later = client.get(f"/public/tracking/{token}").get_data(as_text=True)
    assert text(find(later, "h1")) == f"Twoje uwagi: {number}"
    assert client.get("/public/tracking/not-a-real-token").status_code == 404
    assert client.get("/public/tracking/" + "x" * 500).status_code == 404


def form_key(page) -> str:
    key = find(page.get_data(as_text=True), "input[name=form_key]")
    assert key["type"] == "hidden" and len(key["value"]) >= 16
    return key["value"]


def test_the_same_form_sent_again_makes_one_submission_and_shows_its_receipt(app, client, consultation):
    """A retry after a lost answer (a timeout, a crashed server process) or a double click
    sends the same form again: one submission, one e-mail, the same receipt and link."""
    page = client.get(form_url(consultation))
    assert page.headers["Cache-Control"] == "private, no-store"  # a stored copy would share the key
    data = valid(consultation, form_key=form_key(page))
    first = client.submit(form_url(consultation), data)
    again = client.submit(form_url(consultation), data)
    assert first.status_code == again.status_code == 303
    assert again.location == first.location
    receipt = client.get(again.location).get_data(as_text=True)
    assert "Ten formularz został już przyjęty: oto jego potwierdzenie." in text(receipt)
    assert stored() == 1 and len(outbox(app)) == 1
    assert db.session.scalar(sa.select(sa.func.count(Remark.id))) == 1

    # Another visitor's form (another key) with the same text is another submission.
    other = client.submit(form_url(consultation), valid(consultation, form_key=form_key(
        client.get(form_url(consultation)))))
    assert other.status_code == 303 and other.location != first.location and stored() == 2
    # The same key with other content (a page copied or cached somewhere) is not a retry.
    changed = client.submit(form_url(consultation), {**data, "organisation": "Fundacja Inna"})
    assert changed.status_code == 303 and changed.location != first.location and stored() == 3
    # A malformed key is ignored, not refused: the submission is kept.
    odd = client.submit(form_url(consultation), {**data, "form_key": "<script>", "organisation": "X"})
    assert odd.status_code == 303 and stored() == 4
    numbers = sorted(db.session.scalars(sa.select(Submission.sequence)))
    assert numbers == [1, 2, 3, 4]


def test_the_form_key_is_kept_while_remarks_are_added_and_errors_shown(client, consultation):
    page = client.get(form_url(consultation))
    key = form_key(page)
    added = client.submit(form_url(consultation), valid(consultation, form_key=key, add_remark="1"))
    assert form_key(added) == key
    refused = client.submit(form_url(consultation), valid(consultation, form_key=key, organisation=""))
    assert refused.status_code == 422 and form_key(refused) == key
    assert client.get(form_url(consultation)).status_code == 200
    assert form_key(client.get(form_url(consultation))) != key  # each showing of the form has its own


def test_receipt_numbers_count_up_per_consultation(client, consultation, make):
    numbers = []
    for _ in range(3):
        location = client.submit(form_url(consultation), valid(consultation)).location
        numbers.append(dict(facts(client.get(location).get_data(as_text=True)))["Numer potwierdzenia"])
    assert [RECEIPT.match(n).group(1) for n in numbers] == ["0001", "0002", "0003"]
    other = make.consultation(title="Inne Konsultacje", status=ConsultationStatus.OPEN)
    location = client.submit(form_url(other), valid(consultation, **{"remarks-0-target": "general"})).location
    assert dict(facts(client.get(location).get_data(as_text=True)))["Numer potwierdzenia"].endswith("/0001")


def test_a_phone_is_enough_and_no_email_is_sent(app, client, consultation):
    response = client.submit(form_url(consultation), valid(consultation, email="", phone="+48 12 616 12 34",
                                                           krs="", other_register="ewidencja Starosty nr 12"))
    assert response.status_code == 303
    assert outbox(app) == []
    assert "Kopię potwierdzenia" not in client.get(response.location).get_data(as_text=True)


# Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("changes, field, message", [
    ({"krs": "12345"}, "krs", "Numer KRS ma dokładnie 10 cyfr."),
    ({"krs": "", "other_register": ""}, "other_register", "Podaj numer KRS albo inny rejestr lub ewidencję."),
    ({"email": "", "phone": ""}, "email", "Podaj adres e-mail lub numer telefonu (albo oba)."),
    ({"email": "anna@"}, "email", "Podaj adres e-mail, np. nazwa@example.org."),
    ({"phone": "zadzwoń"}, "phone", "Podaj numer telefonu: tylko cyfry, spacje, +, ( ) i -."),
    ({"organisation": "   "}, "organisation", "To pole jest wymagane."),
    ({"legal_form": ""}, "legal_form", "Wybierz formę prawną."),
    ({"remarks-0-remark": ""}, "remarks-0-remark", "To pole jest wymagane."),
    ({"remarks-0-remark": "x" * 10001}, "remarks-0-remark", "Najwyżej 10000 znaków."),
    ({"clause": ""}, "clause", "Potwierdź, że zapoznałeś(-aś) się z klauzulą informacyjną."),
    ({"remarks-0-target": "document"}, "remarks-0-document_ref", "Podaj zapis, którego dotyczy uwaga, np. § 3 ust. 2."),
    ({"remarks-0-target": "plane:999999"}, "remarks-0-target", "Wybierz z listy, czego dotyczy uwaga."),
    ({"remarks-0-target": "plane:99999999999999"}, "remarks-0-target", "Wybierz z listy, czego dotyczy uwaga."),
])
def test_invalid_input_is_shown_at_its_field_and_nothing_is_stored(client, consultation, changes, field, message):
    data = valid(consultation, **changes)
    response = client.submit(form_url(consultation), data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) == f"Błąd: {message}"
    assert message in error_summary(page)
    kept = form_values(find(page, "main form"))
    for name in ("address", "remarks-0-justification", "remarks-0-proposed_wording"):
        assert kept[name] == data[name]  # what was typed stays
    assert stored() == 0


def test_a_foreign_plane_is_refused(client, consultation, make):
    foreign = make.plane(make.consultation(), 1, "Cudza")
    response = client.submit(form_url(consultation), valid(consultation, **{"remarks-0-target": f"plane:{foreign.id}"}))
    assert response.status_code == 422 and stored() == 0


def test_an_expired_form_keeps_what_was_typed(client, consultation):
    client.get(form_url(consultation))
    data = valid(consultation)
    response = client.post(form_url(consultation), data={**data, "csrf_token": "expired-or-forged"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = error_summary(page)
    assert summary.startswith("Formularz wygasł") and "wyślij go ponownie" in summary
    assert form_values(find(page, "main form"))["remarks-0-remark"] == data["remarks-0-remark"]
    assert "expired-or-forged" not in page
    assert client.post(form_url(consultation), data=data).status_code == 422  # no token at all
    assert stored() == 0


# Several remarks, with and without JavaScript -------------------------------------------------


def test_remarks_are_added_and_removed_without_javascript(client, consultation):
    data = valid(consultation, **{"remarks-0-remark": "Pierwsza uwaga"})
    response = client.submit(form_url(consultation), {**data, "add_remark": "1"})
    assert response.status_code == 200 and stored() == 0
    page = response.get_data(as_text=True)
    fieldsets = parse(page).select("#remarks fieldset.remark")
    assert [text(f.legend) for f in fieldsets] == ["Uwaga 1", "Uwaga 2"]
    assert find(page, "#remarks-1-target").has_attr("autofocus")
    values = form_values(find(page, "main form"))
    assert values["remarks-0-remark"] == "Pierwsza uwaga" and values["organisation"] == data["organisation"]

    values.update({"remarks-1-remark": "Druga uwaga", "clause": "y", "remove_remark": "0"})
    response = client.submit(form_url(consultation), values)
    page = response.get_data(as_text=True)
    assert [text(f.legend) for f in parse(page).select("#remarks fieldset.remark")] == ["Uwaga 1"]
    assert form_values(find(page, "main form"))["remarks-0-remark"] == "Druga uwaga"
    assert find(page, "#remarks-heading").has_attr("autofocus")


def test_with_htmx_adding_a_remark_swaps_the_list(client, consultation):
    page = client.get(form_url(consultation)).get_data(as_text=True)
    button = find(page, "button[name=add_remark]")
    assert (button["data-hx-post"], button["data-hx-select"], button["data-hx-target"]) == (
        form_url(consultation), "#remarks", "#remarks")
    assert button.has_attr("formnovalidate") and button["type"] == "submit"


# The window, the honeypot, the rate limit ------------------------------------------------------


@pytest.mark.parametrize("state", ["not yet", "over", "closed", "draft"])
def test_outside_the_window_the_form_says_so_and_refuses(client, consultation, state, admin_client):
    if state == "not yet":
        consultation.submissions_open_at = utcnow() + timedelta(days=2)
    elif state == "over":
        consultation.submissions_close_at = utcnow() - timedelta(minutes=1)
    else:
        consultation.status = ConsultationStatus(state)
    db.session.commit()
    visitor = admin_client if state == "draft" else client  # a draft is not public at all
    page = visitor.get(form_url(consultation)).get_data(as_text=True)
    assert "Zamknięte:" in text(find(page, "main")) and parse(page).select_one("main form") is None
    response = visitor.submit(form_url(consultation), valid(consultation))
    assert response.status_code == 403 and stored() == 0
    if state == "draft":
        assert client.get(form_url(consultation)).status_code == 404


def test_the_honeypot_keeps_the_submission_marked_as_spam(app, client, consultation):
    response = client.submit(form_url(consultation), valid(consultation, website="http://spam.example"))
    assert response.status_code == 303  # a bot learns nothing
    submission = db.session.scalars(sa.select(Submission)).one()
    assert submission.spam is True
    assert outbox(app) == []  # no mail on behalf of a bot


def test_submissions_are_rate_limited_per_address(app, client, consultation):
    """Only new submissions count: adding a remark, a form with errors and the same form sent
    again do not (a room of organisations on one Wi-Fi shares one address). Over the limit,
    the form comes back with everything typed and says when to send it again."""
    app.config["SUBMISSION_RATE_LIMIT"] = "2 per minute"
    first = valid(consultation, form_key=form_key(client.get(form_url(consultation))))
    assert client.submit(form_url(consultation), first).status_code == 303
    assert client.submit(form_url(consultation), first).status_code == 303  # sent again: no count
    # Adding a remark is no submission: it does not count; nor does a form with errors.
    assert client.submit(form_url(consultation), {**valid(consultation), "add_remark": "1"}).status_code == 200
    assert client.submit(form_url(consultation), {**valid(consultation), "organisation": ""}).status_code == 422
    assert client.submit(form_url(consultation), valid(consultation)).status_code == 303
    typed = valid(consultation, organisation="Stowarzyszenie Trzecie")
    refused = client.submit(form_url(consultation), typed)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    page = refused.get_data(as_text=True)
    summary = text(find(page, ".error-summary"))
    assert "Za dużo" in summary and re.search(r"Wyślij formularz ponownie za \d+ (sekund|minut)", summary)
    assert form_values(find(page, "form.submission-form, main form"))["organisation"] == "Stowarzyszenie Trzecie"
    assert stored() == 2
    other = client.submit(form_url(consultation), valid(consultation),
                          environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 303 and stored() == 3


# Many at once ---------------------------------------------------------------------------------


def test_fifty_simultaneous_submissions_get_fifty_distinct_receipts(app, consultation):
    app.config["SUBMISSION_RATE_LIMIT"] = "1000 per minute"
    data = valid(consultation)
    barrier = threading.Barrier(50, timeout=60)

    def one(n: int) -> str:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = opener.open(url, timeout=60).read().decode()
        body = urllib.parse.urlencode({**data, "csrf_token": control_value(page, "csrf_token"),
                                       "organisation": f"Stowarzyszenie nr {n}"}).encode()
        barrier.wait()  # all fifty POSTs leave together
        receipt = opener.open(url, data=body, timeout=120).read().decode()
        return re.search(r"KWP/\d{4}/\d{4}", receipt).group(0)

    with serving(app) as base, ThreadPoolExecutor(max_workers=50) as pool:
        url = base + form_url(consultation)
        numbers = list(pool.map(one, range(50)))
    assert len(set(numbers)) == 50
    assert sorted(int(n[-4:]) for n in numbers) == list(range(1, 51))
    assert stored() == 50
    assert db.session.scalar(sa.select(sa.func.count(Remark.id))) == 50
    organisations = set(db.session.scalars(sa.select(Submission.organisation)))
    assert organisations == {f"Stowarzyszenie nr {n}" for n in range(50)}


def test_the_same_form_sent_twenty_times_at_once_makes_one_submission(app, consultation):
    """Twenty copies of one form (same key, same content) racing: one wins, the others find
    its submission (on PostgreSQL they wait on the receipt counter's row lock)."""
    app.config["SUBMISSION_RATE_LIMIT"] = "1000 per minute"
    barrier = threading.Barrier(20, timeout=60)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None  # the 303 itself is the answer looked at

    sender = urllib.request.build_opener(NoRedirect(), urllib.request.HTTPCookieProcessor())

    def one(_n: int) -> str:
        barrier.wait()
        try:
            response = sender.open(url, data=body, timeout=120)
        except urllib.error.HTTPError as exc:  # an unfollowed 303 surfaces as HTTPError
            assert exc.code == 303, exc.read().decode()[:500]
            return exc.headers["Location"]
        raise AssertionError(f"expected 303, got {response.status}")

    with serving(app) as base, ThreadPoolExecutor(max_workers=20) as pool:
        url = base + form_url(consultation)
        page = sender.open(url, timeout=60).read().decode()
        body = urllib.parse.urlencode({**valid(consultation), **{
            name: control_value(page, name) for name in ("csrf_token", "form_key")}}).encode()
        locations = list(pool.map(one, range(20)))
    assert len(set(locations)) == 1
    assert stored() == 1
    assert db.session.scalar(sa.select(Consultation.receipt_counter).where(
        Consultation.id == consultation.id)) == 1


# Moderation and stances -----------------------------------------------------------------------


def received(consultation, organisation="Fundacja Kultura Razem", remarks=("Więcej konsultacji",),
             email="anna@example.org", spam=False):
    """A submission made through the service, as the form makes it; returns (submission, token)."""
    from consult.remarks import intake

    data = {"organisation": organisation, "legal_form": "association", "krs": "0000123456",
            "address": "Kraków", "contact_person": "Jan Kowalski", "email": email, "phone": None,
            "remarks": [{"target": "general", "remark": text_, "document_ref": None,
                         "proposed_wording": None, "justification": None} for text_ in remarks]}
    result = intake.submit(consultation, data, spam=spam)
    db.session.commit()
    return result.submission, result.token


@pytest.fixture
def moderator(make, consultation, facilitator):
    consultation.facilitators.append(facilitator)
    db.session.commit()
    return facilitator


def test_the_queue_lists_filters_and_hides_spam(consultation, moderator, facilitator_client, official_client):
    first, _ = received(consultation, "Fundacja Alfa", ["Uwaga o planowaniu", "Uwaga o finansach"])
    received(consultation, "Stowarzyszenie Beta", ["Uwaga o lokalach"])
    received(consultation, "Bot", ["Kup tanio"], spam=True)
    url = f"/consultations/{consultation.id}/remarks"
    page = official_client.get(url).get_data(as_text=True)
    rows = parse(page).select("table.remarks-table tbody tr")
    assert [text(r.th) for r in rows] == [f"{first.receipt_number}-1", f"{first.receipt_number}-2",
                                          first.receipt_number.replace("0001", "0002") + "-1"]
    assert "Kup tanio" not in page
    spam = facilitator_client.get(url + "?spam=only").get_data(as_text=True)
    assert "Kup tanio" in spam and "spam" in text(find(spam, "tbody"))
    found = facilitator_client.get(url + "?q=lokal").get_data(as_text=True)
    assert [text(r.th)[-6:] for r in parse(found).select("tbody tr")] == ["0002-1"]
    detail = facilitator_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "4 uwagi zgłoszone" in text(find(detail, "section[aria-labelledby=remarks-heading]"))


def test_accepting_can_add_the_remark_to_a_meeting(consultation, moderator, facilitator_client, make, client):
    from consult.core.enums import EntrySource
    from consult.meetings.models import Entry

    meeting = make.meeting(consultation, title="Spotkanie w Nowej Hucie")
    section = make.section(meeting, heading="Opinie", plane=consultation.planes[0], label="Wnioski")
    submission, token = received(consultation, remarks=["Zespoły powinny zbierać się co kwartał."])
    remark = submission.remarks[0]
    page = facilitator_client.get(f"/remarks/{remark.id}").get_data(as_text=True)
    options = [text(o) for o in find(page, "select[name=accept-section_id]").find_all("option")]
    assert any("Spotkanie w Nowej Hucie" in o and "Płaszczyzna 1. Tworzenie polityk publicznych – Wnioski" in o
               for o in options)
    response = facilitator_client.submit(f"/remarks/{remark.id}/accept", {
        "accept-section_id": str(section.id), "accept-kind": "conclusion"})
    assert response.status_code == 303
    db.session.expire_all()
    assert remark.status == RemarkStatus.ACCEPTED
    entry = db.session.get(Entry, remark.entry_id)
    assert (entry.section_id, entry.source, entry.kind.value) == (section.id, EntrySource.REMARK, "conclusion")
    assert entry.text == "Zespoły powinny zbierać się co kwartał. (Fundacja Kultura Razem)"
    shown = find(facilitator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True), f"#entry-{entry.id}")
    assert text(shown) == "wniosek Zespoły powinny zbierać się co kwartał. (Fundacja Kultura Razem) " \
        "z uwagi zgłoszonej online"
    board = facilitator_client.get(f"/meetings/{meeting.id}/board").get_data(as_text=True)
    assert "z uwagi zgłoszonej online" in text(find(board, f"#entry-{entry.id}"))
    tracking = client.get(f"/public/tracking/{token}").get_data(as_text=True)
    assert "Stan: przyjęta do rozpatrzenia" in text(tracking)


def test_merging_and_rejecting(consultation, moderator, facilitator_client, client):
    one, _ = received(consultation, "Fundacja Alfa", ["Dłuższy nabór wniosków"])
    two, token = received(consultation, "Fundacja Beta", ["Wydłużyć nabór", "Reklama kasyna"])
    original, copy, spam = one.remarks[0], two.remarks[0], two.remarks[1]
    assert facilitator_client.submit(f"/remarks/{copy.id}/duplicate",
                                     {"duplicate-duplicate_of": str(original.id)}).status_code == 303
    refused = facilitator_client.submit(f"/remarks/{spam.id}/reject", {"reject-reason": ""})
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "reject-reason") == \
        "Błąd: Podaj powód: przeczyta go zgłaszający."
    assert facilitator_client.submit(f"/remarks/{spam.id}/reject",
                                     {"reject-reason": "Uwaga nie dotyczy konsultowanego programu."}).status_code == 303
    db.session.expire_all()
    assert (copy.status, copy.duplicate_of_id) == (RemarkStatus.DUPLICATE, original.id)
    assert original.status == RemarkStatus.SUBMITTED  # both kept
    page = facilitator_client.get(f"/remarks/{original.id}").get_data(as_text=True)
    assert copy.number in dict(facts(page))["Połączone z nią"]
    tracking = text(client.get(f"/public/tracking/{token}").get_data(as_text=True))
    assert f"Stan: połączona z inną uwagą (odpowiedź przy uwadze {original.number})" in tracking
    assert "Powód: Uwaga nie dotyczy konsultowanego programu." in tracking
    itself = facilitator_client.submit(f"/remarks/{original.id}/duplicate",
                                       {"duplicate-duplicate_of": str(copy.id)})
    assert itself.status_code == 422  # merging back into its own copy would make a loop


def test_stances_are_drafts_until_published_together(app, consultation, moderator, facilitator_client,
                                                     official_client, client):
    one, token = received(consultation, "Fundacja Alfa", ["Dłuższy nabór", "Więcej szkoleń"])
    two, _ = received(consultation, "Fundacja Beta", ["Wydłużyć nabór"], email="")
    first, second, copy = one.remarks[0], one.remarks[1], two.remarks[0]
    for p in (first, second):
        facilitator_client.submit(f"/remarks/{p.id}/accept", {"accept-section_id": ""})
    facilitator_client.submit(f"/remarks/{copy.id}/duplicate", {"duplicate-duplicate_of": str(first.id)})
    assert facilitator_client.submit(f"/remarks/{first.id}/stance", {
        "stance-stance": "accepted"}).status_code == 403  # stances are the officials' part

    refused = official_client.submit(f"/remarks/{first.id}/stance", {"stance-stance": "not_accepted",
                                                                    "stance-reasoning": ""})
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "stance-reasoning").startswith(
        "Błąd: Podaj uzasadnienie")
    assert official_client.submit(f"/remarks/{first.id}/stance", {
        "stance-stance": "partly", "stance-reasoning": "Nabór wydłużono do 30 dni, nie do 45.",
        "stance-resulting_change": "§ 7 ust. 1: „30 dni”."}).status_code == 303
    queue_url = f"/consultations/{consultation.id}/remarks"
    response = official_client.submit(f"/consultations/{consultation.id}/stances/publish")
    assert response.status_code == 303
    page = official_client.get(queue_url).get_data(as_text=True)
    assert "1 przyjęta uwaga nie ma jeszcze stanowiska" in text(find(page, ".flashes"))
    assert "Stanowisko:" not in text(client.get(f"/public/tracking/{token}").get_data(as_text=True))

    official_client.submit(f"/remarks/{second.id}/stance", {"stance-stance": "accepted"})
    official_client.submit(f"/consultations/{consultation.id}/stances/publish")
    tracking = text(client.get(f"/public/tracking/{token}").get_data(as_text=True))
    assert ("Stanowisko: uwzględniona częściowo Uzasadnienie stanowiska: Nabór wydłużono do 30 dni, "
            "nie do 45.") in tracking
    assert "Zmiana w dokumencie: § 7 ust. 1: „30 dni”." in tracking
    assert "Stanowisko: uwzględniona" in tracking
    mails = [m for m in outbox(app) if "odpowiedź" in m["Subject"]]
    assert len(mails) == 1 and mails[0]["To"] == "anna@example.org"
    assert "Nabór wydłużono do 30 dni" in mails[0].get_content()

    # A stance changed after publishing stays a draft: the submitter still sees the published one.
    official_client.submit(f"/remarks/{first.id}/stance", {"stance-stance": "not_accepted",
                                                          "stance-reasoning": "Jednak nie."})
    assert "Jednak nie." not in client.get(f"/public/tracking/{token}").get_data(as_text=True)
    queue = official_client.get(queue_url).get_data(as_text=True)
    assert "nieopublikowane: 1" in text(find(queue, "#stances-heading").parent)


def test_moderation_is_for_the_consultations_editors(consultation, moderator, login_as, make,
                                                     official_client, client, facilitator_client):
    submission, _ = received(consultation)
    remark = submission.remarks[0]
    other = login_as(make.user(email="inny@example.org"))
    for who in (other, official_client):
        assert who.submit(f"/remarks/{remark.id}/reject", {"reject-reason": "Nie"}).status_code == 403
    assert client.submit(f"/remarks/{remark.id}/reject", {"reject-reason": "Nie"}).status_code == 302
    assert client.get(f"/consultations/{consultation.id}/remarks").status_code == 302
    assert facilitator_client.post(f"/remarks/{remark.id}/reject", data={"reject-reason": "Nie"}).status_code == 400
    db.session.expire_all()
    assert remark.status == RemarkStatus.SUBMITTED
    detail = official_client.get(f"/remarks/{remark.id}").get_data(as_text=True)
    assert parse(detail).select_one("#moderation-heading") is None
    # Officials read the remark, not the organisation's contact details (tests/test_privacy.py).
    assert "Jan Kowalski" not in detail and "Dane kontaktowe" in dict(facts(detail))


# The whole path and the consultation report ---------------------------------------------------


def test_the_whole_path_from_the_form_to_the_published_report(app, client, consultation, moderator, make,
                                                              facilitator_client, official_client):
    import csv
    import io

    from docx import Document
    from pypdf import PdfReader

    from consult.core import runners
    from tests.test_reports import pdf_text

    make.meeting(consultation, title="Spotkanie konsultacyjne w Podgórzu", participants=14)
    # Two organisations send remarks through the form; a bot fills in the honeypot.
    first = client.submit(form_url(consultation), valid(consultation, **{
        "remarks-1-target": "document", "remarks-1-document_ref": "§ 7 ust. 1",
        "remarks-1-remark": "Wydłużyć nabór wniosków do 45 dni.", "remarks-1-proposed_wording": "",
        "remarks-1-justification": "Małe organizacje nie zdążają.",
        "remarks-2-target": "general", "remarks-2-document_ref": "",
        "remarks-2-remark": "=HYPERLINK(\"http://example.org\")", "remarks-2-proposed_wording": "",
        "remarks-2-justification": ""})).location
    token = first.split("/")[-1].split("?")[0]
    second = client.submit(form_url(consultation), valid(
        consultation, organisation="Stowarzyszenie Teatr Ludowy", email="", phone="600 100 200",
        contact_person="Zofia Prywatna", **{"remarks-0-target": "general",
                                            "remarks-0-remark": "Nabór powinien trwać dłużej."}),
        environ_base={"REMOTE_ADDR": "192.0.2.8"}).location
    client.submit(form_url(consultation), valid(consultation, organisation="Spam Sp. z o.o.",
                                                website="x", **{"remarks-0-remark": "Tanie kredyty"}),
                  environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert second and len(outbox(app)) == 1  # one receipt e-mail: the other gave a phone only

    remarks = {p.text: p for p in db.session.scalars(sa.select(Remark))}
    teams = remarks["Zespoły konsultacyjne powinny zbierać się co kwartał."]
    longer = remarks["Wydłużyć nabór wniosków do 45 dni."]
    formula = remarks['=HYPERLINK("http://example.org")']
    copy = remarks["Nabór powinien trwać dłużej."]
    for p in (teams, longer):
        facilitator_client.submit(f"/remarks/{p.id}/accept", {"accept-section_id": ""})
    facilitator_client.submit(f"/remarks/{copy.id}/duplicate", {"duplicate-duplicate_of": str(longer.id)})
    facilitator_client.submit(f"/remarks/{formula.id}/reject", {"reject-reason": "Nie dotyczy programu."})
    official_client.submit(f"/remarks/{teams.id}/stance", {"stance-stance": "accepted"})
    official_client.submit(f"/remarks/{longer.id}/stance", {
        "stance-stance": "partly", "stance-reasoning": "Nabór trwa 30 dni: dłuższy opóźniłby dotacje.",
        "stance-resulting_change": "§ 7 ust. 1: 30 dni zamiast 21."})
    assert official_client.submit(f"/consultations/{consultation.id}/stances/publish").status_code == 303

    tracking = text(client.get(f"/public/tracking/{token}").get_data(as_text=True))
    assert "Stanowisko: uwzględniona częściowo Uzasadnienie stanowiska: Nabór trwa 30 dni" in tracking
    assert "Powód: Nie dotyczy programu." in tracking

    assert facilitator_client.submit(f"/consultations/{consultation.id}/report/publish").status_code == 403
    # Remarks may still be sent: publishing asks for a confirmation (tests/test_report_facts.py).
    response = official_client.submit(f"/consultations/{consultation.id}/report/publish", {"confirm": "yes"})
    assert response.status_code == 303
    runners.drain(app)
    db.session.expire_all()
    detail = official_client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    rows = find(detail, "#report-documents table.versions").select("tbody tr")
    assert len(rows) == 1 and [a.get_text(strip=True)[:4] for a in rows[0].select("a[download]")] == [
        "PDF,", "DOCX", "CSV ", "CSV "]  # CSV (przecinki), CSV dla Excela (średniki)

    public = client.get(f"/public/{consultation.slug}").get_data(as_text=True)
    section = find(public, "section[aria-labelledby=public-report-heading]")
    links = {text(a): a["href"] for a in section.select("a[download]")}
    pdf = client.get(links["Raport z konsultacji (PDF)"])
    docx = client.get(links["Raport z konsultacji (DOCX)"])
    table = client.get(links["Zestawienie uwag (CSV, przecinki)"])
    assert pdf.content_type == "application/pdf" and docx.content_type.startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert table.content_type == "text/csv; charset=utf-8"
    assert re.search(r'filename="raport-z-konsultacji-[\w-]+-v1\.docx"', docx.headers["Content-Disposition"])

    text_pdf = pdf_text(pdf.data)
    assert "Raport z konsultacji" in text_pdf and "Spotkanie konsultacyjne w Podgórzu (uczestnicy: 14)" in text_pdf
    for expected in ("Fundacja Kultura Razem", "Stowarzyszenie Teatr Ludowy", "Wydłużyć nabór wniosków do 45 dni.",
                     "uwzględniona częściowo", "Nabór trwa 30 dni: dłuższy opóźniłby dotacje.",
                     "§ 7 ust. 1: 30 dni zamiast 21.", "jak uwaga nr 2", "Nie dotyczy programu."):
        assert expected in text_pdf, expected
    for private in ("Anna Nowak", "Zofia Prywatna", "anna@example.org", "600 100 200", "Tanie kredyty",
                    "Spam Sp. z o.o."):
        assert private not in text_pdf, private
    assert PdfReader(io.BytesIO(pdf.data)).trailer["/Root"]["/Lang"] == "pl"

    document = Document(io.BytesIO(docx.data))
    cells = [[c.text for c in row.cells] for row in document.tables[-1].rows]
    assert cells[0][:3] == ["Lp.", "Numer uwagi", "Organizacja zgłaszająca"]
    assert [row[4] for row in cells[1:]] == [
        "Zespoły konsultacyjne powinny zbierać się co kwartał.", "Wydłużyć nabór wniosków do 45 dni.",
        '=HYPERLINK("http://example.org")', "Nabór powinien trwać dłużej."]
    assert cells[2][7:] == ["uwzględniona częściowo", "Nabór trwa 30 dni: dłuższy opóźniłby dotacje.",
                            "§ 7 ust. 1: 30 dni zamiast 21."]
    assert "Zofia Prywatna" not in "".join(p.text for p in document.paragraphs) + str(cells)

    assert table.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(table.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Lp." and len(rows) == 5
    assert rows[3][4] == "'=HYPERLINK(\"http://example.org\")"  # never a formula in a spreadsheet
    assert rows[4][7] == "jak uwaga nr 2"
    assert "Zofia Prywatna" not in table.data.decode("utf-8-sig")


def test_staff_get_draft_reports_and_anonymous_nothing_unpublished(consultation, official_client, client):
    received(consultation)
    preview = official_client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    assert "Zestawienie uwag" in preview and "w trakcie rozpatrywania" in preview
    for fmt in ("pdf", "docx", "csv"):
        response = official_client.get(f"/consultations/{consultation.id}/report.{fmt}")
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        assert client.get(f"/consultations/{consultation.id}/report.{fmt}").status_code == 302
        assert client.get(f"/consultations/{consultation.id}/report/latest.{fmt}").status_code == 404


def test_with_an_smtp_server_the_receipt_goes_through_it(app, client, consultation):
    """An SMTP server on loopback receives what the outbox's worker hands over (no file)."""
    with SmtpSink() as server:
        app.config.update(server.config)
        response = client.submit(form_url(consultation), valid(consultation))
        assert response.status_code == 303
        assert outbox(app) == []  # waited for the worker: nothing written as a file
        [message] = server.messages
    assert message["To"] == "anna@example.org" and "KWP/" in message["Subject"]
    assert "Kopię potwierdzenia wysłano" in client.get(response.location).get_data(as_text=True)
