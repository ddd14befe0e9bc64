from django.shortcuts import render

from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan, Activity


def home(request):
    """Front page: what ogmonitor monitors, in figures, with the way into each part."""
    context = {
        "plans": ActionPlan.objects.all(),
        "figures": {
            "plans": ActionPlan.objects.count(),
            "activities": Activity.objects.count(),
            "local_activities": Activity.objects.involving_municipalities().count(),
            "districts": District.objects.filter(communities__isnull=False).distinct().count(),
            "communities": Community.objects.count(),
            "organizations": Organization.objects.count(),
        },
    }
    return render(request, "portal/home.html", context)
