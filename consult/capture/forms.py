from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from consult.core.enums import EntryKind
from consult.core.forms import text

KIND_CHOICES = [SelectChoice(k.value, k.label) for k in EntryKind]


class PartForm(FlaskForm):
    heading = text(_l("Heading of the part"), 500, required=True)
    question = text(_l("Question (optional)"), 2000)


class SectionForm(FlaskForm):
    subject = RadioField(_l("The section is about"), choices=[
        SelectChoice("plane", _l("a cooperation plane")),
        SelectChoice("priority", _l("a program priority")),
        SelectChoice("topic", _l("a topic")),
    ], default="topic", validators=[InputRequired()])
    plane_id = SelectField(_l("Plane"), validators=[Optional()], validate_choice=False)
    priority_id = SelectField(_l("Priority"), validators=[Optional()], validate_choice=False)
    topic = text(_l("Topic"), 2000)
    label = text(_l("Caption above the entries"), 100,
                 description=_l("For example Wnioski or Pomysły."))
