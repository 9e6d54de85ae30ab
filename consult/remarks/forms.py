"""The consultation form NGOs fill in ("formularz konsultacyjny")."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import ListWidget

from consult.core.enums import LegalForm, SubmissionChannel
from consult.core.forms import none_if_empty, text
from consult.remarks import models as m

MAX_REMARKS = 30
GENERAL = "general"
DOCUMENT = "document"


def _krs(value):
    """KRS numbers are often typed with spaces or without their leading zeros' padding."""
    value = none_if_empty(value)
    return re.sub(r"[\s-]", "", value) if value else value


class RemarkForm(FlaskForm):
    """One remark; its fields are prefixed remarks-N- inside the submission form."""

    class Meta:
        csrf = False  # part of the submission form, which carries the token

    target = SelectField(_l("Part concerned"), validate_choice=False, default=GENERAL)
    document_ref = text(_l("Provision of the document"), m.DOCUMENT_REF_MAX,
                        description=_l("e.g. § 3 ust. 2 – when the remark concerns a provision."))
    remark = text(_l("Remark"), m.TEXT_MAX, required=True, area=True, render_kw={"rows": 5})
    proposed_wording = text(_l("Proposed wording"), m.TEXT_MAX, area=True, render_kw={"rows": 4})
    justification = text(_l("Justification"), m.TEXT_MAX, area=True, render_kw={"rows": 4})


class SubmissionForm(FlaskForm):
    organisation = text(_l("Name of the organisation"), m.ORGANISATION_MAX, required=True,
                        render_kw={"autocomplete": "organization"})
    legal_form = SelectField(
        _l("Legal form"), choices=[SelectChoice("", _l("— choose —"))]
        + [SelectChoice(f.value, f.label) for f in LegalForm],
        validators=[InputRequired(_l("Choose the legal form."))])
    krs = StringField(_l("KRS number"), filters=[_krs],
                      description=_l("10 digits, e.g. 0000123456."),
                      render_kw={"inputmode": "numeric", "maxlength": 14})
    other_register = text(_l("Other register or record"), m.REGISTER_MAX,
                          description=_l("When the organisation is not in the KRS: the register "
                                         "and the number, e.g. „ewidencja Starosty nr 12”."))
    # A street address may take lines: a textarea (autocomplete="street-address" is not
    # valid on a one-line input).
    address = text(_l("Address of the organisation"), m.ADDRESS_MAX, required=True, area=True,
                   render_kw={"autocomplete": "street-address", "rows": 2})
    contact_person = text(_l("Contact person"), m.PERSON_MAX, required=True,
                          description=_l("Not published: only the organisation's name is."),
                          render_kw={"autocomplete": "name"})
    email = StringField(_l("E-mail"), filters=[none_if_empty], validators=[
        Optional(), Length(max=m.EMAIL_MAX, message=_l("At most %(max)d characters.")),
        Email(message=_l("Enter an e-mail address such as name@example.org."),
              check_deliverability=False)],
        description=_l("The receipt is sent here."),
        render_kw={"type": "email", "autocomplete": "email", "maxlength": m.EMAIL_MAX})
    phone = StringField(_l("Phone"), filters=[none_if_empty], validators=[
        Optional(), Length(max=m.PHONE_MAX, message=_l("At most %(max)d characters."))],
        render_kw={"type": "tel", "autocomplete": "tel", "maxlength": m.PHONE_MAX})
    remarks = FieldList(FormField(RemarkForm), min_entries=1, max_entries=MAX_REMARKS)
    clause = BooleanField(
        _l("I have read the information clause on the processing of personal data."),
        validators=[InputRequired(_l("Confirm that you have read the information clause."))])
    # Chosen when the form is first shown and kept while it is edited: sending the same
    # form again (a retry, a double click) makes no second submission.
    form_key = HiddenField()
    # Honeypot: hidden from people (and from assistive technology); bots fill it in.
    website = StringField(_l("Leave this field empty"), filters=[none_if_empty],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})

    def error_list(self) -> list[tuple[str, str, list[str]]]:
        """(control id, label, messages) of every field with errors, remarks named by number;
        read from the fields, so that errors a service added after validation are there."""
        from flask_babel import gettext as _

        found = [(f.id, str(f.label.text), list(f.errors)) for f in self
                 if f.errors and f.name not in ("csrf_token", "remarks")]
        for number, remark in enumerate(self.remarks, start=1):
            found += [(f.id, f"{_('Remark %(n)d', n=number)} – {f.label.text}", list(f.errors))
                      for f in remark.form if f.errors]
        return found

    def _check_total_text(self) -> bool:
        """All the remarks of one form together have at most SUBMISSION_TEXT_MAX characters
        (each field has its own limit too): the message stands at the field where the total
        goes over, and everything typed stays in the form."""
        from flask import current_app
        from flask_babel import format_number

        limit = current_app.config["SUBMISSION_TEXT_MAX"]
        fields = [remark.form[name] for remark in self.remarks
                  for name in ("document_ref", "remark", "proposed_wording", "justification")]
        total = sum(len(f.data or "") for f in fields)
        if total <= limit:
            return True
        running = 0
        for f in fields:
            running += len(f.data or "")
            if running > limit:
                f.errors = [*f.errors, _l(
                    "All the remarks of one form may have at most %(limit)s characters together; "
                    "this form has %(total)s. Shorten them, or send some of the remarks in another form.",
                    limit=format_number(limit), total=format_number(total))]
                return False
        return False

    def validate_krs(self, field) -> None:
        if field.data and not re.fullmatch(r"\d{10}", field.data):
            raise ValidationError(_l("A KRS number has exactly 10 digits."))

    def validate_phone(self, field) -> None:
        if field.data and not re.fullmatch(r"\+?[\d\s()-]{6,}", field.data):
            raise ValidationError(_l("Enter a phone number: digits, spaces, +, ( ) and - only."))
        if field.data and len(re.sub(r"\D", "", field.data)) < 6:
            raise ValidationError(_l("Enter a phone number: digits, spaces, +, ( ) and - only."))

    def validate(self, extra_validators=None) -> bool:
        # Checks of two fields together (an empty optional field stops its own validators).
        valid = super().validate(extra_validators)
        valid = self._check_total_text() and valid
        if not self.krs.data and not self.other_register.data and not self.krs.errors:
            self.other_register.errors = [
                *self.other_register.errors,
                _l("Give the KRS number or another register or record.")]
            valid = False
        if not self.email.data and not self.phone.data and not self.email.errors \
                and not self.phone.errors:
            self.email.errors = [*self.email.errors,
                                 _l("Give an e-mail address or a phone number (or both).")]
            valid = False
        return valid


# Staff forms ----------------------------------------------------------------------------------


class AcceptForm(FlaskForm):
    section_id = SelectField(_l("Also add it as an entry to"), validate_choice=False, default="")
    kind = SelectField(_l("Entry kind"), validate_choice=False, default="")


class DuplicateForm(FlaskForm):
    duplicate_of = SelectField(_l("Same as remark"), validate_choice=False, default="")


class RejectForm(FlaskForm):
    reason = text(_l("Reason (the submitter reads it)"), 2000, area=True, render_kw={"rows": 3})


class StanceForm(FlaskForm):
    stance = SelectField(_l("Stance"), validate_choice=False, default="")
    reasoning = text(_l("Reasoning"), m.TEXT_MAX, area=True, render_kw={"rows": 5},
                     description=_l("Required unless the remark is accepted."))
    resulting_change = text(_l("Resulting change in the document"), m.TEXT_MAX, area=True,
                            render_kw={"rows": 3})


class BulkStanceForm(StanceForm):
    """One stance for the remarks chosen in the queue (their boxes: remark_ids)."""

    remark_ids = SelectMultipleField(_l("Remarks chosen"), coerce=int, validate_choice=False)
    back = HiddenField()  # the queue's filters, to come back to


class TrackingLinkForm(FlaskForm):
    """Asking for the private link again: the receipt number and the e-mail address the
    submission gave (the link is sent there, never shown)."""

    receipt_number = StringField(_l("Receipt number"), filters=[none_if_empty], validators=[
        InputRequired(message=_l("Give the receipt number, e.g. KWP/2026/0007.")),
        Length(max=40, message=_l("At most %(max)d characters."))],
        render_kw={"maxlength": 40, "autocomplete": "off", "spellcheck": "false"})
    email = StringField(_l("E-mail"), filters=[none_if_empty], validators=[
        InputRequired(message=_l("Give the e-mail address you gave in the form.")),
        Length(max=m.EMAIL_MAX, message=_l("At most %(max)d characters.")),
        Email(message=_l("Enter an e-mail address such as name@example.org."),
              check_deliverability=False)],
        render_kw={"type": "email", "autocomplete": "email", "maxlength": m.EMAIL_MAX})

    def error_list(self) -> list[tuple[str, str, list[str]]]:
        """(control id, label, messages) of every field with errors; an expired form is named
        at its first field."""
        from flask_babel import gettext as _

        found = [(f.id, str(f.label.text), list(f.errors)) for f in self
                 if f.errors and f.name != "csrf_token"]
        if self.csrf_token.errors:
            found.append((self.receipt_number.id, str(self.receipt_number.label.text),
                          [_("The form has expired: send it again.")]))
        return found


class RegisteredSubmissionForm(SubmissionForm):
    """Staff register remarks that came on paper, by e-mail, through ePUAP or at a meeting:
    the online form's fields (the information clause is on the paper form; no honeypot), with
    how and when they came and the file they came as."""

    clause = None
    website = None
    channel = RadioField(
        _l("How the remarks came"), validate_choice=False, widget=ListWidget(prefix_label=False),
        choices=[SelectChoice(c.value, c.label) for c in SubmissionChannel.registered()],
        validators=[InputRequired(_l("Choose how the remarks came."))])
    received_on = DateField(
        _l("Received on"), validators=[InputRequired(_l("Give the day the remarks were received."))],
        description=_l("The day on the stamp of the office, of the e-mail or of the ePUAP receipt: "
                       "it decides whether the remarks came in time."))
    meeting_id = SelectField(_l("Meeting"), validate_choice=False, coerce=str,
                             description=_l("Only when the remarks were made at a meeting."))
    file = FileField(_l("Scan or file (PDF or DOCX)"),
                     description=_l("The scan of the paper form, the e-mail saved as PDF, or the ePUAP document."),
                     render_kw={"accept": ".pdf,.docx,application/pdf,"
                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"})
