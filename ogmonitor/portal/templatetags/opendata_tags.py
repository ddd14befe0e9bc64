"""Template tags for linking to the open-data downloads from any page (see portal/opendata/_*.html)."""

from django import template

from ogmonitor.portal import opendata

register = template.Library()


@register.simple_tag
def open_dataset(slug):
    """The published dataset at ``slug`` with its licence, or None: unknown, withdrawn, or the
    open-data pages not in the URL configuration (so an include never breaks the page it is on)."""
    if not slug or not opendata.downloads_wired():
        return None
    return opendata.published_dataset(str(slug))
