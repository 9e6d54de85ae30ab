from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from consult.core.enums import Role
from consult.core.forms import strip

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(_l("Enter your e-mail address.")),
                                                 Length(max=254)],
                       filters=[strip], render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password.")),
                                                         Length(max=1000)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Remember me on this device"))


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("This field is required.")),
                                                 Length(max=254)], filters=[strip])
    name = StringField(_l("Name"), validators=[DataRequired(_l("This field is required.")),
                                               Length(max=200)], filters=[strip],
                       render_kw={"maxlength": 200})
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    active = BooleanField(_l("Active (may log in)"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=10, max=1000,
                                       message=_l("The password must have at least %(min)d characters."))],
        description=_l("At least 10 characters. Leave empty to keep the current password."),
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(FlaskForm):
    """Asking for a link to set a new password (the answer is the same for any address)."""

    email = EmailField(_l("E-mail"), validators=[
        InputRequired(_l("Enter your e-mail address.")), Length(max=254),
        Email(_l("Enter a valid e-mail address."), check_deliverability=False)],
        filters=[strip], render_kw={"autocomplete": "email", "maxlength": 254})


class NewPasswordForm(FlaskForm):
    """A new password, typed twice (a reset link)."""

    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Enter a new password.")),
                    Length(min=10, max=1000, message=_l("The password must have at least %(min)d characters."))],
        description=_l("At least 10 characters."),
        render_kw={"autocomplete": "new-password", "minlength": 10, "maxlength": 1000})
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(_l("Type the new password again.")),
                    EqualTo("password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password", "maxlength": 1000})
