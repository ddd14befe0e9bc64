"""Administration of the open-data datasets: licence, credit line, withdrawal."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import DatasetSettings
from .opendata import REGISTRY


def dataset_choices() -> list[tuple[str, str]]:
    return [(slug, f"{dataset.title} ({slug})") for slug, dataset in REGISTRY.items()]


class DatasetSettingsForm(forms.ModelForm):
    # A choice of the declared datasets, not free text: a mistyped slug would licence nothing.
    dataset = forms.ChoiceField(label=_("dataset"), choices=dataset_choices)

    class Meta:
        model = DatasetSettings
        fields = ["dataset", "licence", "attribution", "is_published"]


@admin.register(DatasetSettings)
class DatasetSettingsAdmin(admin.ModelAdmin):
    form = DatasetSettingsForm
    list_display = ["dataset", "title", "licence", "attribution", "is_published", "updated_at"]
    list_filter = ["licence", "is_published"]
    search_fields = ["dataset", "attribution"]

    @admin.display(description=_("title"))
    def title(self, obj) -> str:
        dataset = REGISTRY.get(obj.dataset)
        return str(dataset.title) if dataset else "—"
