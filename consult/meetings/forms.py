from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from consult.core.forms import MultiCheckboxField, strip, text
from consult.participants.models import CAP_MAX


def _agenda_lines(value):
    if not value:
        return []
    if isinstance(value, list):
        return value
    return [line.strip() for line in value.splitlines() if line.strip()]


class MeetingForm(FlaskForm):
    title = text(_l("Title"), 500, required=True)
    date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date of the meeting."))])
    start_time = TimeField(_l("Starts at"), validators=[Optional()],
                           description=_l("Local time; with it the calendar file has the hours."))
    end_time = TimeField(_l("Ends at"), validators=[Optional()])
    location = text(_l("Location"), 300)
    goal = text(_l("Goal of the meeting"), 5000, area=True)
    participants = IntegerField(_l("Number of participants"), validators=[
        Optional(), NumberRange(min=0, max=100000, message=_l("Enter a number from %(min)s to %(max)s."))],
        description=_l("Leave empty to count the attendance list."), render_kw={"min": 0})
    registration_open = BooleanField(
        _l("Registration open on the public page"),
        description=_l("While the consultation is public and until the day of the meeting, anyone can "
                       "register with the organisation, a name, an e-mail address and accessibility needs."))
    registration_cap = IntegerField(_l("Places"), validators=[
        Optional(), NumberRange(min=1, max=CAP_MAX, message=_l("Enter a number from %(min)s to %(max)s."))],
        description=_l("Leave empty for no limit."), render_kw={"min": 1, "max": CAP_MAX})
    facilitator = text(_l("Facilitated by"), 300)
    prepared_by = text(_l("Prepared by"), 300)
    show_kinds = BooleanField(
        _l("Show entry kinds in the summary"),
        description=_l("A discreet marker (strength, weakness, conclusion, idea) before each "
                       "point. Leave unticked for the exact look of the 2018 summaries."),
        default=True)
    agenda = TextAreaField(
        _l("Agenda"),
        description=_l("One item per line, in order."),
        validators=[Length(max=40000)],
        filters=[strip],
        render_kw={"rows": 6},
    )

    def agenda_items(self) -> list[str]:
        return _agenda_lines(self.agenda.data)

    def validate_end_time(self, field) -> None:
        from wtforms import ValidationError

        if field.data is not None and self.start_time.data is None:
            raise ValidationError(_l("Enter the time the meeting starts, too."))
        if field.data is not None and field.data <= self.start_time.data:
            raise ValidationError(_l("The meeting ends after it starts."))

    def validate_agenda(self, field) -> None:
        from wtforms import ValidationError

        for number, line in enumerate(_agenda_lines(field.data), start=1):
            if len(line) > 2000:
                raise ValidationError(_l("Item %(n)d is longer than 2000 characters.", n=number))


class NewMeetingForm(MeetingForm):
    """A new meeting and the parts and sections it starts with (capture/structure.py)."""

    # "empty" unless chosen: a form sent without it (a script, an older page) makes no parts;
    # the page offers the framework first (meetings/views.py).
    structure = RadioField(
        _l("Parts and sections of the board"), validate_choice=False, default="empty",
        choices=[SelectChoice("framework", _l("From the consultation's planes and priorities (the 2018 layout)")),
                 SelectChoice("copy", _l("Copied from an earlier meeting")),
                 SelectChoice("empty", _l("None yet: I will add them on the board"))])
    planes = MultiCheckboxField(_l("Planes of cooperation"), coerce=int, validate_choice=False)
    split_planes = RadioField(_l("Sections of each plane"), validate_choice=False, default="no",
                              choices=[SelectChoice("no", _l("One section: conclusions")),
                                       SelectChoice("yes", _l("Three sections: strengths, weaknesses, conclusions"))])
    priorities = MultiCheckboxField(_l("Priorities of the programme"), coerce=int, validate_choice=False)
    topics = TextAreaField(_l("Free topics"), description=_l("One per line; each becomes a section of ideas."),
                           validators=[Length(max=40000)], filters=[strip], render_kw={"rows": 3})
    topics_question = text(_l("Question of the part of new ideas"), 2000)
    planes_heading = text(_l("Heading of the part on the planes"), 500)
    topics_heading = text(_l("Heading of the part of new ideas"), 500)
    priorities_heading = text(_l("Heading of the part on the priorities"), 500)
    copy_from = SelectField(_l("Meeting to copy"), validate_choice=False, choices=[])

    def topic_lines(self) -> list[str]:
        return _agenda_lines(self.topics.data)


class MeetingImportForm(FlaskForm):
    """A meeting from a file: consult-meeting/1 JSON, or a CSV of its entries (its title and
    date then typed here)."""

    file = FileField(_l("File (JSON or CSV)"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("A consult-meeting/1 file exported from consult, or a CSV with one row "
                                    "per entry (as the meeting's CSV export writes it)."),
                     render_kw={"accept": ".json,.csv,application/json,text/csv"})
    title = text(_l("Title"), 500, description=_l("Required for a CSV file; for a JSON file, replaces "
                                                   "the title it has."))
    date = DateField(_l("Date"), validators=[Optional()],
                     description=_l("Required for a CSV file; for a JSON file, replaces its date."))


class MeetingImportConfirmForm(FlaskForm):
    document = HiddenField(validators=[InputRequired()])
