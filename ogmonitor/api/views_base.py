"""What every public endpoint shares: read-only, anonymous, cached, paginated, filterable.

The read API is public-only: it shows every caller, token or not, what the public portal
shows an anonymous visitor (published objects, small cells suppressed, no personal data).
Staff work on unpublished records in the site itself. That keeps one rule for the open data
and makes every anonymous response the same for everyone, so anonymous GETs are cached with
:func:`ogmonitor.lib.cache.cache_public`. A request carrying credentials is never served from
the cache nor stored in it: a token is checked by DRF, after Django's middleware, so to the
cache it would look anonymous, and a bad token must get its 401 every time.
"""

import functools

from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny

from ogmonitor.lib.cache import cache_public
from ogmonitor.surveys.models import Study

from .filters import AzOrderingFilter
from .pagination import ApiPagination
from .schema import ApiAutoSchema

#: Path patterns of the identifiers used in URLs (a pattern in the schema lets clients and
#: schemathesis build valid paths).
SLUG = r"[-a-zA-Z0-9_]+"
CODE = r"[A-Za-z0-9][-A-Za-z0-9]*"
NUMBER = r"[0-9]{1,18}"  # an id or number that fits a 64-bit integer


def cache_anonymous(view):
    """:func:`cache_public` for requests without an ``Authorization`` header."""
    cached = cache_public(view)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if "HTTP_AUTHORIZATION" in request.META:
            return view(request, *args, **kwargs)
        return cached(request, *args, **kwargs)

    return wrapped


#: Cache the anonymous GETs of a view class (on ``dispatch``).
cache_public_view = method_decorator(cache_anonymous, name="dispatch")


class PublicMixin:
    """Anonymous, paginated, filterable; ``collated_fields`` sort in Azerbaijani order."""

    permission_classes = [AllowAny]
    pagination_class = ApiPagination
    filter_backends = [DjangoFilterBackend, AzOrderingFilter]
    schema = ApiAutoSchema()
    collated_fields: tuple[str, ...] = ()


@cache_public_view
class PublicViewSet(PublicMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve published objects."""


@cache_public_view
class PublicListViewSet(PublicMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A list only (the objects of one study, at ``studies/<study_slug>/…``)."""


class InPublishedStudy:
    """For lists nested under ``studies/<study_slug>/``: the study, 404 unless published."""

    @cached_property
    def study(self) -> Study:
        return get_object_or_404(Study.objects.published().select_related("previous"), slug=self.kwargs["study_slug"])
