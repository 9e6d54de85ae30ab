from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from consult.core.enums import EntryKind
from consult.core.forms import text
from consult.core.i18n import lang_kw
from consult.core.labels import plane_label, priority_label

KIND_CHOICES = [SelectChoice(k.value, k.label) for k in EntryKind]


class PartForm(FlaskForm):
    heading = text(_l("Heading of the part"), 500, required=True)
    question = text(_l("Question (optional)"), 2000)


TOPIC = "topic"  # the choice of `SectionForm.about` for a topic typed in its own field


class SectionForm(FlaskForm):
    """A new section of a part: about a plane or a priority, chosen in one list (choosing
    there is choosing what it is about: nothing else to tick), or a topic typed below it.
    The list's values are "plane:<id>", "priority:<id>" or "topic"; the service checks that
    the plane or priority is the consultation's and that exactly one subject is given."""

    about = SelectField(
        _l("What the section is about"), validate_choice=False, default=TOPIC,
        description=_l("A cooperation plane or a program priority of the consultation, or a "
                       "topic of your own, typed below."))
    topic = text(_l("Topic"), 2000,
                 description=_l("Only for a topic of your own (the first choice in the list)."))
    label = text(_l("Caption above the entries"), 100,
                 description=_l("For example Wnioski or Pomysły."))

    def __init__(self, *args, planes=(), priorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups = {_l("Topic"): [SelectChoice(TOPIC, _l("A topic typed below"))]}
        # A plane's or priority's option says the consultation's language (WCAG 3.1.2).
        if planes:
            groups[_l("Cooperation planes")] = [
                SelectChoice(f"plane:{plane.id}", plane_label(plane), render_kw=lang_kw(plane))
                for plane in planes]
        if priorities:
            groups[_l("Program priorities")] = [
                SelectChoice(f"priority:{priority.id}", priority_label(priority), render_kw=lang_kw(priority))
                for priority in priorities]
        self.about.choices = groups

    def subject(self) -> dict[str, str | None]:
        """The service's arguments: plane_id, priority_id and topic as chosen and typed."""
        kind, _sep, chosen = (self.about.data or "").partition(":")
        return {"plane_id": chosen if kind == "plane" else None,
                "priority_id": chosen if kind == "priority" else None,
                "topic": self.topic.data,
                "about": kind if kind in ("plane", "priority", TOPIC) else None}
