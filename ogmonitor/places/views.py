from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ogmonitor.accounts.policy import can_edit_organization

from . import services
from .forms import OrganizationForm, OrganizationSearchForm
from .models import Community, District, Organization


def district_list(request):
    """All districts, Azerbaijani-sorted, searchable; those with monitored communities first."""
    query = request.GET.get("q", "").strip()
    districts = (
        District.objects.search(query)
        .annotate(community_count=Count("communities"))
        .order_by_name()
    )
    monitored = [district for district in districts if district.community_count]
    others = [district for district in districts if not district.community_count]
    return render(request, "places/district_list.html", {"monitored": monitored, "others": others, "query": query})


def district_detail(request, code):
    district = get_object_or_404(District, code=code)
    communities = district.communities.order_by_name()
    organizations = district.organizations.select_related("community").order_by_name()
    return render(
        request,
        "places/district_detail.html",
        {"district": district, "communities": communities, "organizations": organizations},
    )


def community_detail(request, slug):
    community = get_object_or_404(Community.objects.select_related("district"), slug=slug)
    organizations = community.organizations.order_by_name()
    return render(request, "places/community_detail.html", {"community": community, "organizations": organizations})


def organization_list(request):
    form = OrganizationSearchForm(request.GET or None)
    organizations = Organization.objects.select_related("district", "community")
    if form.is_valid():
        organizations = services.filter_organizations(organizations, **form.cleaned_data)
    page = Paginator(organizations.order_by_name(), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "places/organization_list.html",
        {"form": form, "page_obj": page, "query_string": params.urlencode()},
    )


def organization_detail(request, slug):
    organization = get_object_or_404(Organization.objects.select_related("district", "community"), slug=slug)
    return render(
        request,
        "places/organization_detail.html",
        {"organization": organization, "can_edit": can_edit_organization(request.user, organization)},
    )


@login_required
def organization_edit(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    if not can_edit_organization(request.user, organization):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        services.update_organization(form, request.user)
        messages.success(request, _("The organisation’s details are saved."))
        return redirect(organization)
    return render(request, "places/organization_form.html", {"organization": organization, "form": form})
