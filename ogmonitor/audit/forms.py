"""The audit log's filters."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.forms import check_date_range, date_input

from .registry import AUDITED, audited_by_key, kind_label
from .services import ACTIONS


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


class EntryFilterForm(forms.Form):
    """Kind of record, action, who, from and to which day, and text in the record's name.

    ``entries`` are the entries the user may read: only the people who appear in them are offered.
    """

    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    action = forms.TypedChoiceField(
        label=_("Action"), required=False, coerce=int, empty_value=None, choices=[("", _("All actions")), *ACTIONS],
    )
    actor = forms.ModelChoiceField(
        label=_("Who"), required=False, queryset=get_user_model().objects.none(), empty_label=_("Everyone"),
    )
    since = forms.DateField(label=_("From"), required=False, widget=date_input())
    until = forms.DateField(label=_("To"), required=False, widget=date_input())
    text = forms.CharField(label=_("Record"), required=False, max_length=200, help_text=_("A word of the record’s name."))

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", _("All kinds")), *((audited.key, kind_label(audited.model)) for audited in AUDITED)
        ]
        self.fields["actor"].queryset = (
            get_user_model().objects.filter(pk__in=entries.filter(actor__isnull=False).values("actor_id"))
            .order_by("username")
        )
        self.fields["actor"].label_from_instance = _user_label

    def clean_kind(self):
        key = self.cleaned_data["kind"]
        return audited_by_key(key) if key else None

    def clean(self):
        cleaned = super().clean()
        check_date_range(self, cleaned)
        return cleaned
