"""Checks every upload form shares (size now; type and content are checked by each reader)."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


def upload_help_text(extra: str = "") -> str:
    """The accepted spreadsheet formats and size limit, as one sentence for a file field."""
    text = _("CSV (UTF-8 or UTF-16, separated by commas, semicolons or tabs) or Excel .xlsx, up to %(limit)s.") % {
        "limit": filesizeformat(settings.OGMONITOR_MAX_UPLOAD_BYTES)
    }
    return f"{text} {extra}".strip()


def check_upload_size(upload):
    """Refuse a file above ``OGMONITOR_MAX_UPLOAD_BYTES`` with a message naming both sizes."""
    limit = settings.OGMONITOR_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            _("The file is %(size)s but at most %(limit)s can be imported. Split it into several files: "
              "importing them one after another adds up."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    return upload
