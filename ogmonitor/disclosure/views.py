"""Disclosure pages: the public checklist, the rankings, each organisation's checklist, recording
and verifying publications, and the XLSX exports.

Views are thin: they check access with :mod:`ogmonitor.accounts.policy`, validate forms, call
:mod:`.services` and render what :mod:`.index` computes. Recording works as a plain POST with a
redirect, and from a checklist row with HTMX, which gets back the row and, out of band, the
page's index.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ogmonitor.accounts.policy import can_record_publication, can_verify_publication
from ogmonitor.places.models import Organization
from ogmonitor.plans.models import Activity

from . import exports, index, services
from .forms import TODAY, MomentForm, PublicationForm, RankingFilterForm
from .models import Category, Item, Publication

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_moments = index.moments


def _moment_key(moment: index.Moment) -> str:
    return str(moment.period.pk) if moment.period else TODAY


def _organization(slug) -> Organization:
    """The organisation at ``slug`` if the checklist is written for its type; 404 otherwise."""
    organization = get_object_or_404(Organization.objects.select_related("district", "community"), slug=slug)
    if not index.has_checklist(organization):
        raise Http404(_("The disclosure checklist is for municipalities and community-based organisations."))
    return organization


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Public pages ---------------------------------------------------------------------------------


def _with_activities(checklist: index.Checklist) -> index.Checklist:
    """The checklist with each item's NAP activities (and their plans, which their addresses
    name) loaded: one query, for the pages' links back to the activities."""
    activities = Activity.objects.select_related("plan").order_by("plan__start_year", "sort_key")
    prefetch_related_objects(list(checklist.items), Prefetch("activities", queryset=activities))
    return checklist


def checklist(request):
    """The active checklist by category, with each item's weight, currency, who it is for and
    the NAP activities it shows."""
    items = _with_activities(index.Checklist.load()).items
    totals = {kind: sum((item.weight for item in items if _expected(item, kind)), start=0) for kind in index.RANKED_TYPES}
    groups: list[tuple[Category, list]] = []
    for item in items:
        if not groups or groups[-1][0].pk != item.category_id:
            groups.append((item.category, []))
        share = {kind: 100 * item.weight / totals[kind] if _expected(item, kind) else None for kind in index.RANKED_TYPES}
        groups[-1][1].append((item, share))
    return render(request, "disclosure/checklist.html", {"groups": groups})


def _expected(item: Item, organization_type: str) -> bool:
    return item.applies_to in index.applies_to_values(organization_type)


def _ranking(request):
    moments = _moments()
    form = RankingFilterForm(request.GET or None, moments=moments)
    moment = form.chosen(timezone.localdate())
    organizations = Organization.objects.all()
    district = form.cleaned_data.get("district") if form.is_bound and form.is_valid() else None
    if district is not None:
        organizations = organizations.filter(district=district)
    result = index.ranking(organizations, moment, index.previous_moment(moments, moment))
    return form, district, result


def ranking(request):
    """Municipalities, community-based organisations and districts ranked by the index."""
    form, district, result = _ranking(request)
    query = request.GET.urlencode()
    return render(request, "disclosure/ranking.html", {
        "form": form, "district": district, "ranking": result, "query": query,
    })


def ranking_xlsx(request):
    form, district, result = _ranking(request)
    name = f"transparency-ranking-{result.moment.as_of.isoformat()}"
    if district is not None:
        name += f"-{slugify(district.name_en or district.code)}"
    return _xlsx(exports.ranking_workbook(result, district), f"{name}.xlsx")


def organization(request, slug):
    """One organisation's checklist: each item's state, the index and its change over time."""
    organization = _organization(slug)
    moments = _moments()
    form = MomentForm(request.GET or None, moments=moments)
    moment = form.chosen(timezone.localdate())
    context = _page_context(request, organization, moment, moments)
    context["form"] = form
    return render(request, "disclosure/organization.html", context)


def organization_xlsx(request, slug):
    organization = _organization(slug)
    moments = _moments()
    form = MomentForm(request.GET or None, moments=moments)
    moment = form.chosen(timezone.localdate())
    checklist = index.Checklist.load()
    sheet = index.organization_checklist(organization, moment.as_of, checklist)
    series = _series(organization, moments, checklist)
    filename = f"transparency-{organization.slug}-{moment.as_of.isoformat()}.xlsx"
    return _xlsx(exports.checklist_workbook(sheet, series), filename)


def _series(organization, moments, checklist) -> list[tuple[index.Moment, index.Score]]:
    """The index at the end of each period (one query)."""
    scores = index.assess([organization], [moment.as_of for moment in moments], checklist)[organization.pk]
    return list(zip(moments, scores, strict=True))


def _page_context(request, organization, moment, moments, *, bound=None, notice=None) -> dict:
    """What the organisation page and its HTMX fragments render.

    ``bound`` is a row form with errors to show again as typed; ``notice`` a message for its row.
    """
    checklist = _with_activities(index.Checklist.load())
    sheet = index.organization_checklist(organization, moment.as_of, checklist)
    can_record = can_record_publication(request.user, organization)
    can_verify = can_verify_publication(request.user)
    forms = {}
    if can_record:
        for row in sheet.rows:
            if bound is not None and bound.initial.get("item") == row.item.pk:
                forms[row.item.pk] = bound
            else:
                forms[row.item.pk] = PublicationForm(organization=organization, can_verify=can_verify, item=row.item)
    for row in sheet.rows:
        row.form = forms.get(row.item.pk)  # the row's own form, for the template (None: read only)
    series = _series(organization, moments, checklist)
    return {
        "organization": organization,
        "moment": moment,
        "moment_key": _moment_key(moment),
        "sheet": sheet,
        "score": sheet.score,
        "series": series,
        "can_record": can_record,
        "can_verify": can_verify,
        "notice": notice,
    }


def _row_response(request, organization, item, moment, moments, *, bound=None, notice=None):
    """The HTMX answer to a row: the row itself, and the summary swapped out of band."""
    context = _page_context(request, organization, moment, moments, bound=bound, notice=notice)
    context["row"] = context["sheet"].row_for(item)
    context["notice_item"] = item.pk
    return render(request, "disclosure/_row_update.html", context)


def _row_item(request, organization) -> Item | None:
    """The item whose checklist row sent this HTMX request (its target is ``item-<pk>``), if any."""
    target = request.htmx.target if request.htmx else None
    if not target or not target.startswith("item-") or not target[5:].isdigit():
        return None
    return Item.objects.filter(
        pk=int(target[5:]), is_active=True, applies_to__in=index.applies_to_values(organization.type)
    ).first()


def _moment_from(data, moments) -> index.Moment:
    form = MomentForm({"period": data.get("period", "")}, moments=moments)
    return form.chosen(timezone.localdate())


def _organization_url(organization, moment, item=None) -> str:
    url = reverse("disclosure:organization", args=[organization.slug])
    url += "?" + urlencode({"period": _moment_key(moment)})
    return url + (f"#item-{item.pk}" if item is not None else "")


# --- Recording and verifying ------------------------------------------------------------------------


@login_required
def record(request, slug):
    """Record a publication of one of the organisation's checklist items.

    ``?item=<code>`` preselects the item; ``?period=`` (or the posted ``period``) is the day the
    organisation page shown afterwards is computed at.
    """
    organization = _organization(slug)
    if not can_record_publication(request.user, organization):
        raise PermissionDenied
    can_verify = can_verify_publication(request.user)
    moments = _moments()
    data = request.POST if request.method == "POST" else request.GET
    moment = _moment_from(data, moments)
    row_item = _row_item(request, organization)
    initial = {}
    if request.method == "GET" and request.GET.get("item"):
        chosen = Item.objects.filter(code=request.GET["item"]).first()
        if chosen is not None:
            initial["item"] = chosen.pk
    form = PublicationForm(
        request.POST if request.method == "POST" else None,
        organization=organization, can_verify=can_verify, item=row_item, initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        item = form.cleaned_data["item"]
        try:
            publication = services.record_publication(organization, item, request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            notice = _recorded_notice(publication, moment)
            if row_item is not None:
                return _row_response(request, organization, item, moment, moments, notice=notice)
            messages.success(request, notice)
            return redirect(_organization_url(organization, moment, item))
    if row_item is not None and request.method == "POST":
        return _row_response(request, organization, row_item, moment, moments, bound=form)
    return render(request, "disclosure/record.html", {
        "organization": organization, "form": form, "moment_key": _moment_key(moment),
    })


def _recorded_notice(publication: Publication, moment: index.Moment) -> str:
    if publication.published_on > moment.as_of:
        return _(
            "The publication of “%(item)s” on %(date)s is recorded. It counts from that day on, after the day this page shows."
        ) % {"item": publication.item.name, "date": date_format(publication.published_on, "SHORT_DATE_FORMAT")}
    return _("The publication of “%(item)s” is recorded.") % {"item": publication.item.name}


@login_required
@require_POST
def verify(request, pk):
    """Confirm that a recorded publication is really there (the monitoring NGO)."""
    publication = get_object_or_404(Publication.objects.select_related("organization", "item"), pk=pk)
    if not can_verify_publication(request.user):
        raise PermissionDenied
    services.verify_publication(publication, request.user)
    organization = publication.organization
    moments = _moments()
    moment = _moment_from(request.POST, moments)
    notice = _("The publication of “%(item)s” is marked as verified.") % {"item": publication.item.name}
    if request.htmx and index.has_checklist(organization) and _row_item(request, organization) is not None:
        return _row_response(request, organization, publication.item, moment, moments, notice=notice)
    messages.success(request, notice)
    if not index.has_checklist(organization):
        return redirect(organization)
    return redirect(_organization_url(organization, moment, publication.item))
