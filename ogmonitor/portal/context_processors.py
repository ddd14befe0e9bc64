from django.urls import reverse

from ogmonitor.accounts.policy import is_staff_member

from .navigation import MAIN_NAVIGATION


def navigation(request):
    """Main navigation entries visible to this user; the longest one the path starts with is current."""
    staff = is_staff_member(request.user) if hasattr(request, "user") else False
    items = [
        {"url": reverse(item.url_name), "label": item.label, "current": False}
        for item in MAIN_NAVIGATION
        if staff or not item.staff_only
    ]
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {"main_navigation": items}
