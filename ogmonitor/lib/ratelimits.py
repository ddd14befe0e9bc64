"""Rate limits on the forms that take POSTs from the open internet (django-ratelimit).

Logging in, the public self-completion links and the proposal form are where a script can post
thousands of times: guesses of passwords (django-axes also locks a name out after a few wrong
ones), junk answers that would skew a study, floods of drafts. Each limit counts POSTs only, in
the shared cache (``CACHES["default"]``: Redis in production, so every web process counts
together), per visitor address (:func:`ogmonitor.lib.client_ip.client_ip`) or per link; reading
a page is never limited. A refused POST gets :func:`rate_limited`, a translated 429 page.

The rates are settings (``RATE_LIMIT_*``, read from the environment with :func:`env_rate`) so
that a survey day in one village hall, with everyone on the same network, can be allowed for.
"""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django_ratelimit import UNSAFE
from django_ratelimit.decorators import ratelimit

from .env import env_str

#: django-ratelimit's rates: a count, "/", then an optional multiplier and s, m, h or d ("30/h",
#: "5/10m"). Its own parser fails only when a request arrives; this one fails at start-up.
_RATE = re.compile(r"^\d+/\d*[smhd]$")
OFF = "off"


def env_rate(name: str, default: str) -> str | None:
    """A rate from the environment ("30/h", "5/10m"), or None for "off" (no limit)."""
    raw = env_str(name, default).strip().lower()
    if raw == OFF:
        return None
    if not _RATE.match(raw):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate: write a count per period such as 30/h, 5/10m or 500/d, or 'off'."
        )
    return raw


def _rate_setting(name: str):
    """The rate as django-ratelimit's callable, read at request time so tests and settings can change it."""

    def rate(group, request):
        return getattr(settings, name)

    return rate


def _link_token(group, request) -> str:
    return request.resolver_match.kwargs["token"]


def limit_posts(view, group: str, setting: str, key="ip"):
    """``view`` refusing POSTs (and other unsafe methods) beyond the rate in ``settings.<setting>`` per ``key``."""
    return ratelimit(group=group, key=key, rate=_rate_setting(setting), method=UNSAFE)(view)


def limit_logins(view):
    """The login page's POSTs, per visitor address (on top of django-axes's lockout per name)."""
    return limit_posts(view, "login", "RATE_LIMIT_LOGIN")


def limit_self_completion(view):
    """A public self-completion link's POSTs, per visitor address and per link.

    Per address stops one machine flooding a study; per link bounds what a link posted on a
    public page can receive in an hour, whoever sends it.
    """
    view = limit_posts(view, "self-completion-link", "RATE_LIMIT_SELF_COMPLETION_LINK", key=_link_token)
    return limit_posts(view, "self-completion-ip", "RATE_LIMIT_SELF_COMPLETION_IP")


def limit_proposals(view):
    """New proposals, per signed-in user (the form is for staff: there is no public proposal form)."""
    return limit_posts(view, "proposal-create", "RATE_LIMIT_PROPOSALS", key="user_or_ip")


def rate_limited(request, exception):
    """``RATELIMIT_VIEW``: the translated "too many attempts" page, HTTP 429."""
    return render(request, "429.html", status=429)
