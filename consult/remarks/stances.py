"""Official stances on accepted remarks: drafts, edited freely, published all at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from consult.consultations.models import Consultation
from consult.core.enums import RemarkStatus, Stance
from consult.core.errors import ServiceError
from consult.core.models import record_revision, snapshot, utcnow
from consult.remarks.models import Remark, Submission
from consult.remarks.moderation import REMARK_FIELDS
from consult.remarks.queries import remarks

PUBLISHED_FIELDS = ("published_stance", "published_reasoning", "published_change")


def _checked(stance: Any, reasoning: str | None) -> Stance:
    """The stance chosen, refused at its field when unknown or without a reasoning it needs."""
    try:
        stance = Stance(stance)
    except ValueError:
        raise ServiceError(_("Choose the stance."), "stance") from None
    if stance.needs_reasoning and not reasoning:
        raise ServiceError(_("Give the reasoning: it is required unless the remark is accepted."),
                           "reasoning")
    return stance


def set_stance(remark: Remark, user, stance: Any, reasoning: str | None,
               resulting_change: str | None) -> None:
    """Decide (or change) the draft stance on an accepted remark."""
    if remark.status != RemarkStatus.ACCEPTED:
        raise ServiceError(_("Only remarks accepted for consideration get a stance."), "stance")
    stance = _checked(stance, reasoning)
    before = snapshot(remark, REMARK_FIELDS)
    remark.stance, remark.reasoning, remark.resulting_change = stance, reasoning, resulting_change
    remark.stance_at, remark.stance_by_id = utcnow(), getattr(user, "id", None)
    record_revision(remark, "stance", user, before, snapshot(remark, REMARK_FIELDS))


@dataclass
class BulkAnswer:
    """What one stance given to several remarks did, remark by remark (their numbers)."""

    answered: list[str] = field(default_factory=list)  # the draft stance set (or changed)
    republish: list[str] = field(default_factory=list)  # of those, with a published stance still shown
    unchanged: list[str] = field(default_factory=list)  # had this very stance, reasoning and change
    skipped: list[str] = field(default_factory=list)  # not accepted for consideration: no stance


def set_stances(chosen: list[Remark], user, stance: Any, reasoning: str | None,
                resulting_change: str | None) -> BulkAnswer:
    """One stance, reasoning and resulting change for several remarks at once (merged copies
    answered with the remark they copy are chosen like any other). Checked once before
    anything changes; each remark then goes through :func:`set_stance` (its revision and
    its rules). A remark whose stance is already published gets a new draft, which the
    submitter sees once stances are published again; one not accepted for consideration is
    left as it is. ServiceError when no remark is chosen or none can take a stance."""
    if not chosen:
        raise ServiceError(_("Choose the remarks to answer."), "remark_ids")
    stance = _checked(stance, reasoning)
    result = BulkAnswer()
    for remark in sorted(chosen, key=lambda r: (r.submission_id, r.position)):
        if remark.status != RemarkStatus.ACCEPTED:
            result.skipped.append(remark.number)
        elif (remark.stance, remark.reasoning, remark.resulting_change) == (stance, reasoning, resulting_change):
            result.unchanged.append(remark.number)
        else:
            set_stance(remark, user, stance, reasoning, resulting_change)
            result.answered.append(remark.number)
            if remark.published_stance is not None:
                result.republish.append(remark.number)
    if not result.answered and not result.unchanged:
        raise ServiceError(_("None of the chosen remarks is accepted for consideration: only those get a "
                             "stance."), "remark_ids")
    return result


@dataclass
class StanceCount:
    accepted: int  # remarks accepted for consideration
    decided: int  # of those, with a draft stance
    unpublished: int  # drafts that differ from what is published


def stance_count(consultation: Consultation) -> StanceCount:
    accepted = [p for p in remarks(consultation, status=RemarkStatus.ACCEPTED.value)]
    return StanceCount(len(accepted), sum(1 for p in accepted if p.stance is not None),
                       sum(1 for p in accepted if p.stance is not None and p.stance_changed))


def publish_stances(consultation: Consultation, user) -> list[Submission]:
    """Publish every draft stance at once; returns the submissions whose remarks changed.

    Refused while a remark accepted for consideration has no stance: every remark gets an
    answer. Changed stances can be published again later (the submitters are told again).
    """
    accepted = remarks(consultation, status=RemarkStatus.ACCEPTED.value)
    missing = [p for p in accepted if p.stance is None]
    if missing:
        raise ServiceError(ngettext(
            "%(num)d accepted remark has no stance yet: %(numbers)s.",
            "%(num)d accepted remarks have no stance yet: %(numbers)s.", len(missing),
            numbers=", ".join(p.number for p in missing[:10])))
    if not accepted:
        raise ServiceError(_("There are no accepted remarks to answer."))
    now, changed = utcnow(), {}
    for remark in accepted:
        if not remark.stance_changed:
            continue
        before = snapshot(remark, PUBLISHED_FIELDS)
        remark.published_stance = remark.stance
        remark.published_reasoning = remark.reasoning
        remark.published_change = remark.resulting_change
        remark.stance_published_at = now
        record_revision(remark, "publish_stance", user, before,
                        snapshot(remark, PUBLISHED_FIELDS))
        changed[remark.submission_id] = remark.submission
    if not changed:
        raise ServiceError(_("Every stance is published already; nothing has changed since."))
    return list(changed.values())
