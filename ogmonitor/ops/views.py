"""The health endpoint, for load balancers, uptime monitors and ``systemctl`` scripts."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health


@never_cache
@require_safe
def healthz(request):
    """200 with ``{"database": "ok", "broker": …, "status": "ok"}`` when every configured part answers, else 503.

    No login: it tells nothing but whether the parts answer. Never cached, by anyone.
    """
    healthy, report = health.status()
    return JsonResponse(report, status=200 if healthy else 503)
