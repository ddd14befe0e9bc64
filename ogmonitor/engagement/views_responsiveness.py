"""Authority responsiveness: the comparison page and its CSV and XLSX downloads.

Public: everyone may read them; the figures count only the records the visitor may see
(:mod:`.responsiveness` asks the policy), so anonymous visitors get the published ones and
their responses are cached like every public page.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ogmonitor.lib.cache import cache_public

from . import responsiveness as service
from .forms_responsiveness import ResponsivenessFilterForm


def _figures(request):
    """The filter form bound to the query string, its valid filters (with today) and the figures."""
    form = ResponsivenessFilterForm(request.GET or None)
    filters = {"today": timezone.localdate(), **form.filters()}
    return form, filters, service.responsiveness(request.user, **filters)


@cache_public
def responsiveness(request):
    """Per authority and per district: addressed, answered in time or late, overdue, median days, accepted."""
    form, _filters, result = _figures(request)
    query = request.GET.urlencode()
    return render(request, "engagement/responsiveness.html", {
        "form": form,
        "result": result,
        "caveat": service.caveat(),
        "method": service.method_lines(),
        "query": f"?{query}" if query else "",
    })


@cache_public
def responsiveness_export(request, fmt):
    """Both tables of the page, with the same filters, as CSV or XLSX."""
    if fmt not in service.EXPORT_FORMATS:
        raise Http404
    _form, filters, result = _figures(request)
    response = HttpResponse(service.export(result, fmt, filters), content_type=service.EXPORT_FORMATS[fmt])
    name = f"responsiveness-{filters['today'].isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
