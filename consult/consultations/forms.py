from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DateTimeLocalField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp

from consult.consultations import codes
from consult.consultations.models import SLUG_MAX
from consult.core.enums import ConsultationMethod, ConsultationStatus
from consult.core.forms import MultiCheckboxField, text
from consult.core.i18n import DOCUMENT_LANGUAGES


class ConsultationForm(FlaskForm):
    title = text(_l("Title"), 500, required=True)
    slug = text(_l("Address (slug)"), SLUG_MAX,
                description=_l("Used in public links; made from the title when left empty."))
    organizer = text(_l("Organizer"), 300)
    partner_short = text(_l("Partner short name"), 50,
                         description=_l("Used in headings, e.g. UMK."))
    program = text(_l("Program name"), 300,
                   description=_l("The strategy document the priorities come from."))
    description = text(_l("Description"), 20000, area=True)
    subject = text(_l("Subject of the consultation"), 5000, area=True,
                   description=_l("What is consulted, as the announcement says it."))
    legal_basis = text(_l("Legal basis"), 5000, area=True,
                       description=_l("E.g. art. 5 ust. 5 ustawy o działalności pożytku publicznego i o "
                                      "wolontariacie and the city council's resolution."))
    responsible_unit = text(_l("Responsible unit"), 300)
    announced_on = DateField(_l("Announced on"), validators=[Optional()])
    methods = MultiCheckboxField(_l("Forms of consultation"), choices=[
        SelectChoice(m.value, m.label) for m in ConsultationMethod])
    paper_delivery = text(_l("Where paper forms are delivered"), 2000, area=True,
                          description=_l("The address and opening hours, e.g. of the office's front desk."))
    submissions_open_at = DateTimeLocalField(_l("Submissions open"), validators=[Optional()],
                                             format="%Y-%m-%dT%H:%M")
    submissions_close_at = DateTimeLocalField(_l("Submissions close"), validators=[Optional()],
                                              format="%Y-%m-%dT%H:%M")
    receipt_prefix = text(_l("Receipt number prefix"), 12,
                          description=_l("Receipts of NGO submissions read PREFIX/year/number, "
                                         "e.g. KWP/2026/0007. Made from the title when left empty."),
                          validators_extra=[Regexp(r"^[A-Za-z0-9-]*$", message=_l(
                              "Use letters A–Z, digits and hyphens only."))])
    language = SelectField(
        _l("Language of the consultation"), default="pl", validate_choice=False,
        choices=[SelectChoice(code, name) for code, name in DOCUMENT_LANGUAGES.items()],
        description=_l("Its summaries, its report and the e-mails to organisations are written "
                       "in this language, whatever language the interface is shown in."))
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, s.label) for s in ConsultationStatus])


class NewConsultationForm(ConsultationForm):
    # The choices: the consultations that have planes or priorities (views.py); "" copies none.
    copy_framework_from = SelectField(
        _l("Planes and priorities"), validate_choice=False, default="",
        description=_l("Copied from an earlier consultation; they can be changed afterwards."))


class PlaneForm(FlaskForm):
    number = IntegerField(_l("Number"), validators=[
        InputRequired(_l("Enter a whole number.")),
        NumberRange(min=1, max=999, message=_l("Enter a number from %(min)s to %(max)s."))],
        render_kw={"min": 1, "max": 999})
    title = text(_l("Title"), 300, required=True)


class PriorityForm(FlaskForm):
    code = text(_l("Code"), codes.MAX_LENGTH, required=True,
                description=_l("A roman area, then arabic levels: I, I.1, I.1.1, III.2."))
    title = text(_l("Title"), 500, required=True)


class FacilitatorsForm(FlaskForm):
    # The service refuses non-facilitators with a message of its own (WTForms' message for an
    # unknown choice is not translated); a box may go stale when a role changes meanwhile.
    facilitators = MultiCheckboxField(_l("Facilitators"), coerce=int, validate_choice=False)


class DocumentForm(FlaskForm):
    """A document of the consultation: PDF or DOCX, checked by its content, not its name."""

    title = text(_l("Title"), 300, required=True,
                 description=_l("As the public will see it, e.g. „Projekt programu współpracy na 2027 r.”."))
    file = FileField(_l("File (PDF or DOCX)"), validators=[FileRequired(_l("Choose a file."))],
                     render_kw={"accept": ".pdf,.docx,application/pdf,"
                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"})
