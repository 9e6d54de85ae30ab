"""The phone's form, and the facilitators' decisions on the queue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField

from consult.core.forms import none_if_empty, text
from consult.room.models import TEXT_MAX


class ContributionForm(FlaskForm):
    # Checked by the service (a section of this meeting), its message at the field.
    section = SelectField(_l("Section"), validate_choice=False)
    text = text(_l("Your idea"), TEXT_MAX, required=True, area=True, render_kw={"rows": 4})
    # Chosen when the page is shown: the same form sent twice (a retry on poor Wi-Fi) is one idea.
    client_key = HiddenField()
    # Honeypot: hidden from people (and from assistive technology); bots fill it in.
    website = StringField(_l("Leave this field empty"), filters=[none_if_empty],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})
