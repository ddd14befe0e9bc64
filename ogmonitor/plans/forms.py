"""Forms of the plans app: the two steps of a plan import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.uploads import TABLE, check_upload, upload_help_text

#: Stored uploads are named by a random hex token; anything else could name another path.
TOKEN_PATTERN = r"^[0-9a-f]{32}$"


class ImportUploadForm(forms.Form):
    """Step one, the dry run: a plan file to read and check."""

    file = forms.FileField(
        label=_("Plan file"),
        allow_empty_file=True,  # refused by check_upload, with the file's name
        widget=forms.ClearableFileInput(attrs={"accept": TABLE.accept}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_help_text()

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], TABLE)


class ImportCommitForm(forms.Form):
    """Step two: commit the file the dry run checked, kept on the server under ``token``."""

    token = forms.RegexField(regex=TOKEN_PATTERN, widget=forms.HiddenInput)
    filename = forms.CharField(max_length=255, widget=forms.HiddenInput)
