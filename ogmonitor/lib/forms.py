"""Small pieces every app's forms and views share."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's error on the form: at the field it names when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def check_date_range(form, cleaned: dict, first: str = "since", last: str = "until") -> None:
    """A period's last day may not come before its first: the error goes on the last day's field."""
    since, until = cleaned.get(first), cleaned.get(last)
    if since and until and until < since:
        form.add_error(last, _("The last day cannot be before the first day (%(since)s).") % {
            "since": date_format(since, "SHORT_DATE_FORMAT"),
        })


def date_input() -> forms.DateInput:
    """The browser's date picker, its value written as ISO 8601 whatever the language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
