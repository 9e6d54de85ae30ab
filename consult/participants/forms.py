"""The public registration form, and the staff's attendance forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Email, InputRequired, Length

from consult.core.forms import MultiCheckboxField, none_if_empty, strip, text
from consult.participants import models as m


class RegistrationForm(FlaskForm):
    organisation = text(_l("Organisation"), m.ORGANISATION_MAX, required=True,
                        description=_l("The organisation you come from, or “private person”."),
                        render_kw={"autocomplete": "organization"})
    name = text(_l("First name and surname"), m.NAME_MAX, required=True, render_kw={"autocomplete": "name"})
    email = StringField(_l("E-mail"), filters=[strip], validators=[
        InputRequired(_l("Enter your e-mail address: the confirmation is sent there.")),
        Length(max=m.EMAIL_MAX, message=_l("At most %(max)d characters.")),
        Email(message=_l("Enter an e-mail address such as name@example.org."), check_deliverability=False)],
        description=_l("The confirmation, with the calendar file and a link to cancel, is sent here."),
        render_kw={"type": "email", "autocomplete": "email", "maxlength": m.EMAIL_MAX})
    needs = text(_l("Accessibility needs"), m.NEEDS_MAX, area=True, render_kw={"rows": 3},
                 description=_l("For example a sign language interpreter, an induction loop, step-free "
                                "access, materials in large print. Optional; only the meeting's organisers read it."))
    clause = BooleanField(
        _l("I have read the information on the processing of personal data."),
        validators=[InputRequired(_l("Confirm that you have read the information on personal data."))])
    # Honeypot: hidden from people (and from assistive technology); bots fill it in.
    website = StringField(_l("Leave this field empty"), filters=[none_if_empty],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})


class CancelForm(FlaskForm):
    """Cancelling by the link: a button, so that opening the link (or a mail scanner
    following it) cancels nothing."""


class AttendeeForm(FlaskForm):
    organisation = text(_l("Organisation"), m.ORGANISATION_MAX, required=True)
    name = text(_l("Name (optional)"), m.NAME_MAX)


class PresentForm(FlaskForm):
    present = MultiCheckboxField(_l("Present"), coerce=int, validate_choice=False)
