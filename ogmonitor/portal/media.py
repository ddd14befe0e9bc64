"""Uploaded files (MEDIA_ROOT) served to whoever may see the record they belong to, inert.

Pages link uploads by ``file.url`` (``/media/<name>``). This view answers those links, in the
demo and in production alike (nginx passes /media/ on to it, see ``deploy/nginx.conf``): only
ogmonitor knows whether an event is published or who coordinates a study.

- The name must be one a record stores: a file no record points to (a plan import's dry-run
  copy, anything put there by hand) is never served, and a name with ``..`` cannot match one.
- Who may see it is the record's rule: documents and photos of published events and platforms
  are public, a public report is public as on its own page, everything else (other documents,
  questionnaires, response files with personal data) only for staff who may see the record.
  Anyone else gets 404, so the answer does not tell that a private file exists.
- It is sent with the type its content has (:func:`ogmonitor.lib.filetypes.sniff`), never the
  type its name claims; as an attachment unless it is an image; with ``nosniff`` and a
  sandboxing Content-Security-Policy, so even a web page that got in is never run here.
"""

import os
from collections.abc import Callable
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from ogmonitor.accounts.policy import (
    can_manage_study,
    can_see_assessment,
    can_see_engagement_record,
)
from ogmonitor.engagement.models import EventDocument, PlatformDocument
from ogmonitor.lib import filetypes
from ogmonitor.plans.models import AssessmentEvidence
from ogmonitor.reports.models import Report
from ogmonitor.surveys.models import ImportBatch, Questionnaire, Study

#: Sent with every uploaded file, here and by nginx: nothing in it may run, load or be framed.
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _public_report(report: Report) -> bool:
    """As the report's own download page decides: a finished, public report of a published study."""
    return report.is_public and report.status == Report.Status.DONE and report.study.status == Study.Status.PUBLISHED


#: (model, its file field, related records to load, who may see the file: (user, record) → bool).
OWNERS: list[tuple[type, str, list[str], Callable]] = [
    (EventDocument, "file", ["event"],
     lambda user, document: can_see_engagement_record(user, document.event, document.event.municipality_id)),
    (PlatformDocument, "file", ["platform"], lambda user, document: can_see_engagement_record(user, document.platform)),
    (Report, "file", ["study"], lambda user, report: _public_report(report) or can_manage_study(user, report.study)),
    (Questionnaire, "source_file", ["study"], lambda user, questionnaire: can_manage_study(user, questionnaire.study)),
    (ImportBatch, "file", ["study"], lambda user, batch: can_manage_study(user, batch.study)),
    # An assessment's evidence is public once it is published; a draft's, for those who may edit it.
    (AssessmentEvidence, "document", ["assessment"], lambda user, link: can_see_assessment(user, link.assessment)),
]


def stored_name(path: str) -> str | None:
    """``path`` as a storage name inside MEDIA_ROOT, or None if it could point anywhere else."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    parts = PurePosixPath(path).parts
    if any(part in {"", ".", ".."} for part in parts) or "/".join(parts) != path:
        return None
    return path


def _owner(name: str):
    """The record that stores ``name`` and the rule deciding who may see it (None, None if none)."""
    for model, field, related, may_see in OWNERS:
        record = model.objects.select_related(*related).filter(**{field: name}).first()
        if record is not None:
            return record, may_see
    return None, None


def _open(name: str):
    """The stored file, opened; 404 if it is missing or resolves (through a link) outside MEDIA_ROOT."""
    try:
        full = default_storage.path(name)
    except (SuspiciousFileOperation, NotImplementedError):
        raise Http404 from None
    root = os.path.realpath(settings.MEDIA_ROOT)
    if os.path.commonpath([root, os.path.realpath(full)]) != root:
        raise Http404
    try:
        return open(full, "rb")  # noqa: SIM115 (FileResponse closes it)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Http404 from None


@require_safe
def serve_media(request, path):
    """An uploaded file, if it belongs to a record the visitor may see; otherwise 404."""
    name = stored_name(path)
    if name is None:
        raise Http404
    record, may_see = _owner(name)
    if record is None or not may_see(request.user, record):
        raise Http404
    handle = _open(name)
    sniffed = filetypes.sniff(handle)
    image = sniffed.type in filetypes.IMAGES and not sniffed.refusal
    response = FileResponse(
        handle, content_type=sniffed.content_type, as_attachment=not image, filename=os.path.basename(name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    public = may_see(AnonymousUser(), record)
    # Unpublishing must take effect soon; a private file must not stay in any shared cache.
    response["Cache-Control"] = "public, max-age=600" if public else "private, no-store"
    return response

