"""A remark's life cycle (issue 16, point 2): every change of its status goes through
Remark.move_to, which refuses what the life cycle does not allow — above all, changing
the decision on a remark whose stance is already published."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.core.enums import RemarkStatus
from consult.core.errors import InvalidTransition
from consult.core.models import Revision
from consult.extensions import db
from consult.remarks import moderation as remark_moderation
from consult.remarks import stances
from tests.pages import error_summary, facts, find, text
from tests.test_remarks import consultation, moderator, received  # noqa: F401


@pytest.fixture
def answered(consultation, moderator, official):
    """A remark accepted, with its stance published; and its tracking token."""
    submission, token = received(consultation, remarks=("Więcej spotkań w dzielnicach.",))
    remark = submission.remarks[0]
    remark_moderation.accept(remark, moderator)
    stances.set_stance(remark, official, "partly", "Dwa spotkania więcej w roku.", None)
    stances.publish_stances(consultation, official)
    db.session.commit()
    return remark, token


def revisions_of(remark) -> int:
    return db.session.scalar(sa.select(sa.func.count(Revision.id)).where(
        Revision.object_type == "postulate", Revision.object_id == remark.id))


def test_a_remark_with_a_published_stance_cannot_be_rejected_or_merged(answered, consultation, client,
                                                                      facilitator_client):
    remark, token = answered
    other, _token = received(consultation, "Inna organizacja", remarks=("Inna uwaga",))
    before = revisions_of(remark)
    for action, data in (("reject", {"reject-reason": "Jednak nie."}),
                         ("duplicate", {"duplicate-duplicate_of": str(other.remarks[0].id)})):
        response = facilitator_client.submit(f"/remarks/{remark.id}/{action}", data)
        assert response.status_code == 422
        assert ("Stanowisko wobec tej uwagi jest opublikowane: ma już odpowiedź. Aby ją zmienić, "
                "zmień stanowisko i opublikuj stanowiska ponownie.") in error_summary(response.get_data(as_text=True))
    db.session.expire_all()
    assert remark.status == RemarkStatus.ACCEPTED and revisions_of(remark) == before
    # The submitter's page still reads as the department answered.
    tracking = text(find(client.get(f"/public/tracking/{token}").get_data(as_text=True), "main"))
    assert "Stanowisko: uwzględniona częściowo" in tracking and "odrzucona" not in tracking
    # The page offers no decision that would be refused.
    page = facilitator_client.get(f"/remarks/{remark.id}").get_data(as_text=True)
    moderation = find(page, "#moderation-heading").parent
    assert "ma już odpowiedź" in text(moderation)
    assert moderation.select("form[action$='/reject'], form[action$='/duplicate']") == []


def test_a_decision_can_be_corrected_until_the_stance_is_published(consultation, moderator, official,
                                                                   facilitator_client):
    submission, _token = received(consultation, remarks=("Uwaga do poprawki",))
    remark = submission.remarks[0]
    url = f"/remarks/{remark.id}"
    assert facilitator_client.submit(f"{url}/reject", {"reject-reason": "Poza zakresem."}).status_code == 303
    assert facilitator_client.submit(f"{url}/accept", {}).status_code == 303
    stances.set_stance(remark, official, "accepted", None, None)  # a draft, not published
    db.session.commit()
    assert facilitator_client.submit(f"{url}/reject", {"reject-reason": "Jednak poza zakresem."}).status_code == 303
    db.session.expire_all()
    assert remark.status == RemarkStatus.REJECTED
    assert dict(facts(facilitator_client.get(url).get_data(as_text=True)))["Stan"] == "odrzucona"


def test_the_life_cycle_refuses_what_it_does_not_allow(answered, consultation):
    remark, _token = answered
    with pytest.raises(InvalidTransition):
        remark.move_to(RemarkStatus.REJECTED)
    with pytest.raises(InvalidTransition):
        remark.move_to(RemarkStatus.SUBMITTED)
    remark.move_to(RemarkStatus.ACCEPTED)  # accepting again (to add it to a meeting) stays
    fresh, _token = received(consultation, "Nowa", remarks=("Nowa uwaga",))
    with pytest.raises(InvalidTransition):
        fresh.remarks[0].move_to(RemarkStatus.SUBMITTED)


def test_a_status_is_never_set_around_the_life_cycle(answered):
    remark, _token = answered
    with pytest.raises(InvalidTransition, match="move_to"):
        remark.status = RemarkStatus.REJECTED
    db.session.rollback()
