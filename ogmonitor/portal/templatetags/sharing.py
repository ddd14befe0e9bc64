"""Links that describe a page to others: its permalink, its versions in each language, sharing tags.

Absolute addresses are built on ``settings.SITE_URL``, not on the request's Host header: a
cached public page (:mod:`ogmonitor.lib.cache`, whose key ignores the host) must never carry
another host's address, and a shared link should always name the public site.
"""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()

#: Open Graph locales (language_TERRITORY) of the site's languages.
OG_LOCALES = {"az": "az_AZ", "en": "en_GB", "ru": "ru_RU"}

#: The default sharing image (1200 × 630, in the site's colours) and its size.
DEFAULT_IMAGE = "img/og-default.png"
DEFAULT_IMAGE_SIZE = (1200, 630)


def absolute(path: str) -> str:
    """``path`` ("/az/plans/") on the public site ("https://…/az/plans/")."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class Alternate:
    code: str
    url: str


@dataclass(frozen=True)
class PageLinks:
    """The page's absolute permalink, its address in each language and its Open Graph locales."""

    canonical: str
    alternates: list[Alternate]
    default: str
    locale: str
    alternate_locales: list[str]
    image: str
    image_width: int
    image_height: int


def _path(context) -> str:
    request = context.get("request")
    return request.path if request is not None else "/"


@register.simple_tag(takes_context=True)
def page_links(context) -> PageLinks:
    """The current page's links. The permalink leaves out the query string (filters, pages):
    it names the page, the view a visitor chose is theirs to share."""
    path = _path(context)
    current = get_language() or settings.LANGUAGE_CODE
    codes = [code for code, _name in settings.LANGUAGES]
    alternates = [Alternate(code, absolute(translate_url(path, code))) for code in codes]
    by_code = {alternate.code: alternate.url for alternate in alternates}
    return PageLinks(
        canonical=absolute(path),
        alternates=alternates,
        default=by_code.get(settings.LANGUAGE_CODE, absolute(path)),
        locale=OG_LOCALES.get(current, current),
        alternate_locales=[OG_LOCALES.get(code, code) for code in codes if code != current],
        image=absolute(static(DEFAULT_IMAGE)),
        image_width=DEFAULT_IMAGE_SIZE[0],
        image_height=DEFAULT_IMAGE_SIZE[1],
    )


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def language_links(context) -> list[LanguageLink]:
    """For each language, the same page (query string kept) under that language's prefix.

    Plain links rather than Django's ``set_language`` form: they work without JavaScript, need
    no CSRF token (so anonymous pages set no cookie and can be cached) and can be bookmarked.
    """
    request = context.get("request")
    full_path = request.get_full_path() if request is not None else "/"
    current = get_language() or settings.LANGUAGE_CODE
    return [
        LanguageLink(code, get_language_info(code)["name_local"], translate_url(full_path, code), code == current)
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def permalink(context, anchor: str = "") -> str:
    """The current page's absolute address, with ``#anchor`` when given (a chart, a table)."""
    url = absolute(_path(context))
    return f"{url}#{anchor}" if anchor else url
