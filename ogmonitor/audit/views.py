"""The audit log's pages: the filtered list, one record's history, and the list's exports.

Read-only by design: no view here accepts a POST. Access is :func:`ogmonitor.accounts.policy.can_view_audit`;
each entry shown passes :func:`.services.visible_entries`.
"""

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from ogmonitor.accounts import policy

from . import exports, services
from .forms import EntryFilterForm
from .registry import audited_by_key, kind_label

PAGE_SIZE = 50


def _check_access(request) -> None:
    if not policy.can_view_audit(request.user):
        raise PermissionDenied


def _filtered(request) -> tuple[EntryFilterForm, QuerySet]:
    """The entries the user may read, narrowed by the filters in the query string."""
    visible = services.visible_entries(request.user, LogEntry.objects.all())
    form = EntryFilterForm(request.GET or None, entries=visible)
    if not form.is_bound:
        return form, visible
    if not form.is_valid():
        return form, visible.none()
    return form, services.filter_entries(visible, **form.cleaned_data)


@login_required
@require_safe
def entry_list(request):
    """Every change the user may read, newest first, 50 to a page."""
    _check_access(request)
    form, entries = _filtered(request)
    page = Paginator(services.newest_first(entries), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query_string = params.urlencode()
    return render(request, "audit/log.html", {
        "form": form,
        "page_obj": page,
        "rows": services.describe(page.object_list),
        "query_string": query_string,
        "export_query": f"?{query_string}" if query_string else "",
    })


@login_required
@require_safe
def record_history(request, kind, pk):
    """Every entry about one record, newest first; 404 when the user may read none."""
    _check_access(request)
    audited = audited_by_key(kind)
    if audited is None:
        raise Http404
    page = Paginator(services.history_of(request.user, audited, pk), PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.object_list:
        raise Http404
    rows = services.describe(page.object_list)
    return render(request, "audit/record.html", {
        "kind": kind_label(audited.model),
        "record": rows[0],
        "page_obj": page,
        "rows": rows,
        "query_string": "",
    })


@login_required
@require_safe
def export(request, extension):
    """The filtered list as CSV (streamed) or XLSX, every page of it."""
    _check_access(request)
    if extension not in {"csv", "xlsx"}:
        raise Http404
    form, entries = _filtered(request)
    entries = services.newest_first(entries)
    if extension == "csv":
        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in exports.csv_chunks(entries, get_language())),
            content_type=exports.CSV_TYPE,
        )
    else:
        response = HttpResponse(exports.workbook(entries), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(extension)}"'
    return response
