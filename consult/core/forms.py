"""Form helpers shared by every area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of check boxes (the field macro renders it as a group)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def strip(value):
    """Surrounding spaces off, and NUL characters out (PostgreSQL refuses them in text)."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def email_key(value: str | None) -> str:
    """The one spelling of an e-mail address that limits and look-ups key on: NUL characters
    out, surrounding space off, Unicode NFC, lower case."""
    import unicodedata

    return unicodedata.normalize("NFC", (value or "").replace("\x00", "")).strip().lower()


def none_if_empty(value):
    value = strip(value)
    return value or None


def text(label, max_length: int, required: bool = False, area: bool = False,
         validators_extra=(), **kwargs):
    """A stripped text field with a length limit the browser and the server both enforce."""
    from wtforms.validators import DataRequired

    # DataRequired looks at the stripped value: a title of spaces only is no title.
    validators = [DataRequired(message=_l("This field is required."))] if required else [Optional()]
    validators.append(Length(max=max_length, message=_l("At most %(max)d characters.")))
    validators.extend(validators_extra)
    field_cls = TextAreaField if area else StringField
    filters = [strip] if required else [none_if_empty]
    return field_cls(label, validators=validators, filters=filters,
                     render_kw={"maxlength": max_length, **kwargs.pop("render_kw", {})}, **kwargs)
