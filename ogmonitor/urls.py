"""URLs. Pages live under a language prefix (/az/…, /en/…) so every link can be shared as-is."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from ogmonitor.portal.media import serve_media

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("ogmonitor.api.urls")),
    path("", include("ogmonitor.ops.urls")),  # /healthz
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),  # uploads, checked
]
urlpatterns += i18n_patterns(
    path("", include("ogmonitor.portal.urls")),
    path("accounts/", include("ogmonitor.accounts.urls")),
    path("places/", include("ogmonitor.places.urls")),
    path("plans/", include("ogmonitor.plans.urls")),
    path("studies/", include("ogmonitor.surveys.urls")),
    path("findings/", include("ogmonitor.findings.urls")),
    path("reports/", include("ogmonitor.reports.urls")),
    path("engagement/", include("ogmonitor.engagement.urls")),
    path("projects/", include("ogmonitor.logframe.urls")),
    path("disclosure/", include("ogmonitor.disclosure.urls")),
    path("audit/", include("ogmonitor.audit.urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    prefix_default_language=True,
)
urlpatterns += [path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "img/favicon.svg"))]

admin.site.site_header = "ogmonitor"
admin.site.site_title = "ogmonitor"
