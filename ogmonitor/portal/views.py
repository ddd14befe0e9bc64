from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from ogmonitor.lib.cache import cache_public
from ogmonitor.plans.models import ActionPlan

from .services import key_figures


@cache_public
def home(request):
    """Front page: what ogmonitor monitors, in figures from public records, each leading to its page."""
    plans = ActionPlan.objects.annotate(
        activity_count=Count("activities", distinct=True),
        local_count=Count("activities", filter=Q(activities__involves_municipalities=True), distinct=True),
    ).order_by("-start_year")
    return render(request, "portal/home.html", {"plans": plans, "figures": key_figures(timezone.localdate())})
