"""Forms of the plans app: the two steps of a plan import."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

#: Stored uploads are named by a random hex token; anything else could name another path.
TOKEN_PATTERN = r"^[0-9a-f]{32}$"


class ImportUploadForm(forms.Form):
    """Step one, the dry run: a plan file to read and check."""

    file = forms.FileField(
        label=_("Plan file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (UTF-8 or UTF-16, separated by commas, semicolons or tabs) or Excel .xlsx, up to %(limit)s."
        ) % {"limit": filesizeformat(settings.OGMONITOR_MAX_UPLOAD_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.OGMONITOR_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s but at most %(limit)s can be imported. Split the plan into "
                  "several files: importing them one after another adds up."),
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload


class ImportCommitForm(forms.Form):
    """Step two: commit the file the dry run checked, kept on the server under ``token``."""

    token = forms.RegexField(regex=TOKEN_PATTERN, widget=forms.HiddenInput)
    filename = forms.CharField(max_length=255, widget=forms.HiddenInput)
