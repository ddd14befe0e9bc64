"""The API, mounted at /api/ (no language prefix: every text comes in both languages).

``/api/v1/…`` is the first version; a change that breaks clients will come as ``/api/v2/``
beside it. ``/api/schema/`` is its OpenAPI 3 description, ``/api/docs/`` and ``/api/redoc/``
read it.
"""

from csp.decorators import csp_update
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from . import views_engagement, views_places, views_projects, views_studies
from .views_base import SLUG


class Router(DefaultRouter):
    include_format_suffixes = False  # ?format=json is enough; suffixes would double every route


router = Router()
router.register("districts", views_places.DistrictViewSet, basename="district")
router.register("communities", views_places.CommunityViewSet, basename="community")
router.register("organisations", views_places.OrganizationViewSet, basename="organisation")
router.register("plans", views_places.ActionPlanViewSet, basename="plan")
router.register("activities", views_places.ActivityViewSet, basename="activity")
router.register("studies", views_studies.StudyViewSet, basename="study")
router.register(f"studies/(?P<study_slug>{SLUG})/indicators", views_studies.StudyIndicatorViewSet,
                basename="study-indicator")
router.register(f"studies/(?P<study_slug>{SLUG})/findings", views_studies.StudyFindingViewSet,
                basename="study-finding")
router.register("recommendations", views_studies.RecommendationViewSet, basename="recommendation")
router.register("reports", views_studies.ReportViewSet, basename="report")
router.register("events", views_engagement.EventViewSet, basename="event")
router.register("proposals", views_engagement.ProposalViewSet, basename="proposal")
router.register("platforms", views_engagement.PlatformViewSet, basename="platform")
router.register("projects", views_projects.ProjectViewSet, basename="project")
router.register("disclosure/items", views_projects.ItemViewSet, basename="disclosure-item")
router.register("disclosure/periods", views_projects.PeriodViewSet, basename="disclosure-period")
router.register("disclosure/publications", views_projects.PublicationViewSet, basename="disclosure-publication")

v1 = [
    # Regular expressions rather than <slug:…>: the schema then gives each parameter its pattern.
    re_path(rf"^studies/(?P<study_slug>{SLUG})/submissions/$", views_studies.SubmissionCreateView.as_view(),
            name="study-submissions"),
    path("disclosure/ranking/", views_projects.RankingView.as_view(), name="disclosure-ranking"),
    re_path(rf"^disclosure/checklists/(?P<slug>{SLUG})/$", views_projects.ChecklistView.as_view(),
            name="disclosure-checklist"),
    path("", include(router.urls)),
]



@csrf_exempt  # a POST to a wrong address is a 404, not a CSRF failure
def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 like the API's own, not the site's HTML page."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


app_name = "api"
urlpatterns = [
    path("v1/", include((v1, "v1"))),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up code as a file: the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # ReDoc runs its search in a worker made from a blob: URL; its web fonts and logo stay refused (no CDN).
    path("redoc/", csp_update({"worker-src": ["blob:"]})(SpectacularRedocView.as_view(url_name="api:schema")),
         name="redoc"),
    re_path(r"", not_found),
]
