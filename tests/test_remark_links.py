"""What links an organisation to its remarks and to what it comments on (issue 17, point 5):
the form links the documents being consulted, a closed form does not claim that something was
sent, the answer e-mail carries the resulting change and the way back, and a lost tracking
link can be sent again to the address the submission gave."""

from __future__ import annotations

import re

import sqlalchemy as sa

from consult.core.enums import ConsultationStatus
from consult.extensions import db
from consult.remarks.models import TrackingLink
from tests.pages import find, parse, text
from tests.test_consultation_documents import PDF_BYTES, upload
from tests.test_remarks import consultation, form_url, moderator, outbox, received, valid  # noqa: F401


def test_the_form_links_the_documents_being_consulted(consultation, moderator, facilitator_client, client):
    assert upload(facilitator_client, consultation, "projekt.pdf", PDF_BYTES,
                  title="Projekt programu na 2027 rok").status_code == 303
    page = client.get(form_url(consultation)).get_data(as_text=True)
    section = find(page, "section[aria-labelledby=consulted-documents-heading]")
    assert text(section.h2) == "Dokumenty poddane konsultacjom"
    [link] = section.select("a")
    assert text(link) == "Projekt programu na 2027 rok" and "(PDF," in text(section)
    download = client.get(link["href"])
    assert download.status_code == 200 and download.data == PDF_BYTES


def test_a_closed_form_does_not_say_nothing_was_sent_to_someone_who_sent_nothing(client, consultation):
    consultation.status = ConsultationStatus.CLOSED
    db.session.commit()
    shown = text(find(client.get(form_url(consultation)).get_data(as_text=True), "main"))
    assert "Zamknięte: w tych konsultacjach nie można teraz zgłaszać uwag." in shown
    assert "Niczego nie wysłano" not in shown
    sent = client.submit(form_url(consultation), valid(consultation))  # typed while it closed
    assert sent.status_code == 403
    assert "Niczego nie wysłano" in text(find(sent.get_data(as_text=True), "main"))


def test_the_answer_e_mail_has_the_change_and_the_way_back(app, client, consultation, official):
    from consult.remarks import mail, moderation, stances

    submission, _token = received(consultation)
    moderation.accept(submission.remarks[0], official)
    stances.set_stance(submission.remarks[0], official, "partly", "Dwa spotkania więcej.",
                       "§ 4: trzy spotkania w roku.")
    changed = stances.publish_stances(consultation, official)
    db.session.commit()
    with app.test_request_context():
        assert mail.stances_published(changed) == 1
    db.session.commit()  # the outbox sends what is committed
    [message] = outbox(app)
    body = message.get_content()
    assert "Uzasadnienie stanowiska: Dwa spotkania więcej." in body
    assert "Zmiana w dokumencie: § 4: trzy spotkania w roku." in body
    again = re.search(r"Poproś o niego ponownie tutaj.*\n(\S+)", body)
    assert again and again.group(1).endswith(f"/public/{consultation.slug}/tracking-link")


def ask_again(client, consultation, number, address, **kwargs):
    return client.submit(f"/public/{consultation.slug}/tracking-link",
                         {"receipt_number": number, "email": address}, **kwargs)


def test_a_lost_link_is_sent_again_to_the_address_the_submission_gave(app, client, consultation):
    submission, first_token = received(consultation, email="Anna@Example.org")
    page = client.get(f"/public/{consultation.slug}")
    assert f"/public/{consultation.slug}/tracking-link" in page.get_data(as_text=True)

    wrong = ask_again(client, consultation, submission.receipt_number, "someone@example.org")
    right = ask_again(client, consultation, f" {submission.receipt_number.lower()} ", "anna@example.org")
    # The same answer either way: nobody learns from it who sent what.
    for response, address in ((wrong, "someone@example.org"), (right, "anna@example.org")):
        assert response.status_code == 200
        assert (f"odnośnik do jego prywatnej strony jest już w drodze na adres {address}"
                in text(find(response.get_data(as_text=True), "main")))
    [message] = outbox(app)
    assert message["To"] == "Anna@Example.org"
    body = message.get_content()
    assert submission.receipt_number in body and "Wcześniejsze odnośniki nadal działają" in body
    new_link = re.search(r"https?://\S+/public/tracking/\S+", body).group(0)
    path = new_link.split("://", 1)[1].split("/", 1)[1]
    tracking = client.get("/" + path)
    assert tracking.status_code == 200 and submission.receipt_number in text(tracking.get_data(as_text=True))
    assert client.get(f"/public/tracking/{first_token}").status_code == 200  # the first still works
    assert db.session.scalar(sa.select(sa.func.count(TrackingLink.id))) == 1
    assert new_link.rsplit("/", 1)[1] not in db.session.scalar(sa.select(TrackingLink.token_hash))


def test_asking_again_is_checked_at_its_fields_and_limited(app, client, consultation):
    submission, _token = received(consultation)
    empty = client.submit(f"/public/{consultation.slug}/tracking-link", {})
    assert empty.status_code == 422
    page = parse(empty.get_data(as_text=True))
    assert "Podaj numer potwierdzenia" in text(page.select_one("#receipt_number-error, .field-error, .error-summary"))
    app.config["TRACKING_LINK_LIMIT"] = "2 per minute"
    for _ in range(2):
        assert ask_again(client, consultation, submission.receipt_number, "x@example.org").status_code == 200
    limited = ask_again(client, consultation, submission.receipt_number, "anna@example.org")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "Za dużo próśb z tego adresu" in text(limited.get_data(as_text=True))
    assert outbox(app) == []  # neither the wrong addresses nor the refused request sent anything
