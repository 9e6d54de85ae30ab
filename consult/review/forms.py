"""The facilitator's forms of a review; the reviewer's forms are plain per-entry forms
(the reviewer's page may list hundreds of entries), checked by the service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from consult.core.forms import strip
from consult.review.models import MAX_DAYS


class OpenReviewForm(FlaskForm):
    days = IntegerField(_l("Days for comments"), default=7, validators=[
        InputRequired(_l("Enter the number of days.")),
        NumberRange(min=1, max=MAX_DAYS, message=_l("Enter a number from %(min)s to %(max)s."))],
        description=_l("Comments are taken until the end of the last day."), render_kw={"min": 1, "max": MAX_DAYS})
    addresses = TextAreaField(
        _l("Other participants' e-mail addresses"), filters=[strip], validators=[Length(max=20000)],
        description=_l("One per line. Those registered for the meeting get their link anyway."),
        render_kw={"rows": 4, "autocomplete": "off"})


class AddReviewersForm(FlaskForm):
    addresses = TextAreaField(_l("E-mail addresses to add"), filters=[strip], validators=[Length(max=20000)],
                              description=_l("One per line; each gets a personal link."), render_kw={"rows": 3})
