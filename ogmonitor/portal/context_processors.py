from django.urls import reverse

from ogmonitor.accounts.policy import is_staff_member

from .navigation import MAIN_NAVIGATION


def _is_current(path: str, url: str, also: tuple[str, ...]) -> bool:
    """The home page only matches itself; any other entry matches its subtree and its ``also`` sections."""
    language_root = "/" + url.strip("/").split("/")[0] + "/"
    if url == language_root:
        return path == url
    return path.startswith(url) or any(path.startswith(f"{language_root}{section}/") for section in also)


def navigation(request):
    """Main navigation entries visible to this user; the longest one the path belongs to is current."""
    staff = is_staff_member(request.user) if hasattr(request, "user") else False
    items = [
        {"url": reverse(item.url_name), "label": item.label, "also": item.also, "current": False}
        for item in MAIN_NAVIGATION
        if (staff or not item.staff_only) and (item.visible_to is None or item.visible_to(request.user))
    ]
    matching = [item for item in items if _is_current(request.path, item["url"], item["also"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {"main_navigation": items}
