"""One stance for several remarks at once (issue 19, "Answers"): officials tick remarks in
the queue and give them one stance, reasoning and resulting change; a mixed selection is
told plainly — which got the stance, which had it already, which were not accepted (and
left), which still show a published stance until stances are published again."""

from __future__ import annotations

from consult.core.enums import RemarkStatus, Stance
from consult.extensions import db
from consult.remarks import moderation as remark_moderation
from consult.remarks import stances
from tests.pages import field_error, find, flashes
from tests.test_remarks import consultation, moderator, received  # noqa: F401


def queue_url(consultation) -> str:
    return f"/consultations/{consultation.id}/remarks"


def test_three_remarks_answered_at_once_and_a_mixed_selection_told_plainly(
        app, consultation, moderator, official, login_as):
    first, _t = received(consultation, remarks=("Więcej spotkań w dzielnicach", "Dłuższe terminy"))
    second, _t = received(consultation, organisation="Stowarzyszenie Sąsiedzi",
                          remarks=("Spotkania wieczorem", "Nie na temat"))
    a, b = first.remarks
    c, off_topic = second.remarks
    for remark in (a, b, c):
        remark_moderation.accept(remark, moderator)
    db.session.commit()
    # b already has a published stance; the new one is a draft until published again
    stances.set_stance(b, official, "not_accepted", "Terminy wynikają z uchwały.", None)
    stances.set_stance(a, official, "accepted", None, None)
    stances.set_stance(c, official, "accepted", None, None)
    stances.publish_stances(consultation, official)
    db.session.commit()

    client = login_as(official)
    page = client.get(queue_url(consultation)).get_data(as_text=True)
    assert find(page, f"#choose-{a.id}")["form"] == "bulk-stance"
    assert find(page, f"label[for=choose-{a.id}]").text == f"Wybierz uwagę {a.number}"

    response = client.submit(f"/consultations/{consultation.id}/stances/bulk", {
        "remark_ids": [str(a.id), str(b.id), str(c.id), str(off_topic.id)],
        "stance": "partly", "reasoning": "Część spotkań odbędzie się w dzielnicach.",
        "resulting_change": "§ 7 ust. 2", "back": "status=accepted"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{queue_url(consultation)}?status=accepted")
    [message] = flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    assert f"Zapisano roboczą wersję stanowiska wobec 3 uwag: {a.number}, {b.number}, {c.number}." in message
    assert ("3 z nich mają opublikowane stanowiska, które pozostają widoczne do ponownej publikacji "
            f"stanowisk: {a.number}, {b.number}, {c.number}.") in message
    assert f"Nieprzyjęta do rozpatrzenia, więc bez stanowiska: {off_topic.number}." in message
    for remark in (a, b, c):
        db.session.refresh(remark)
        assert (remark.stance, remark.reasoning, remark.resulting_change) == (
            Stance.PARTLY, "Część spotkań odbędzie się w dzielnicach.", "§ 7 ust. 2")
        assert remark.stance_changed  # a draft: the published answer is still the old one
    assert db.session.get(type(b), b.id).published_stance == Stance.NOT_ACCEPTED
    db.session.refresh(off_topic)
    assert off_topic.status == RemarkStatus.SUBMITTED and off_topic.stance is None

    again = client.submit(f"/consultations/{consultation.id}/stances/bulk", {
        "remark_ids": [str(a.id)], "stance": "partly", "reasoning": "Część spotkań odbędzie się w dzielnicach.",
        "resulting_change": "§ 7 ust. 2", "back": ""})
    [message] = flashes(client.get(again.headers["Location"]).get_data(as_text=True))
    assert message == f"Już z tym stanowiskiem, bez zmian: {a.number}."


def test_what_cannot_be_done_is_said_at_its_field_and_nothing_changes(
        app, consultation, moderator, official, login_as):
    submission, _t = received(consultation, remarks=("Pierwsza", "Druga"))
    accepted, waiting = submission.remarks
    remark_moderation.accept(accepted, moderator)
    db.session.commit()
    client = login_as(official)
    url = f"/consultations/{consultation.id}/stances/bulk"

    nothing = client.submit(url, {"stance": "accepted", "back": ""})
    assert nothing.status_code == 422
    assert "Zaznacz uwagi, na które odpowiadasz." in find(nothing.get_data(as_text=True), "#remark_ids").text

    no_reason = client.submit(url, {"remark_ids": [str(accepted.id)], "stance": "not_accepted", "reasoning": "",
                                    "back": ""})
    assert no_reason.status_code == 422
    html = no_reason.get_data(as_text=True)
    assert "uzasadnienie" in field_error(html, "reasoning").lower()
    assert find(html, f"#choose-{accepted.id}").has_attr("checked")  # the ticks are kept

    only_waiting = client.submit(url, {"remark_ids": [str(waiting.id)], "stance": "accepted", "back": ""})
    assert only_waiting.status_code == 422
    assert "Żadna z zaznaczonych uwag nie jest przyjęta" in only_waiting.get_data(as_text=True)
    db.session.refresh(accepted)
    assert accepted.stance is None


def test_only_officials_answer_and_only_their_consultations_remarks(
        app, consultation, moderator, official, make, login_as, facilitator_client):
    submission, _t = received(consultation, remarks=("Pierwsza",))
    remark = submission.remarks[0]
    remark_moderation.accept(remark, moderator)
    db.session.commit()
    response = facilitator_client.submit(f"/consultations/{consultation.id}/stances/bulk",
                                         {"remark_ids": [str(remark.id)], "stance": "accepted", "back": ""})
    assert response.status_code == 403
    other = make.consultation("Inne konsultacje")
    client = login_as(official)
    response = client.submit(f"/consultations/{other.id}/stances/bulk",
                             {"remark_ids": [str(remark.id)], "stance": "accepted", "back": ""})
    assert response.status_code == 422  # a remark of another consultation is not among its remarks
    db.session.refresh(remark)
    assert remark.stance is None
