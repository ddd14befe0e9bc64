"""Caching of public pages and API responses, invalidated whenever ogmonitor's data change.

Rather than tracking which page shows which rows (fragile: a page of findings reads studies,
indicators, results, recommendations…), every cached response carries a *data version*: a counter
that any committed change to an ogmonitor model increments, read before the response was built.
A response is served only while its version is still the current one, so a change retires every
cached public response at once; the next request of each page rebuilds it. The version and the
response are read together (one MGET on Redis): a hit costs one round trip to the cache. Public data change
rarely (an import, a publication) and are read often, so this is the right trade: simple,
correct, and cheap to rebuild.

Only anonymous, safe (GET/HEAD) requests are cached: a logged-in user's page may show drafts,
names and edit buttons. With ``REDIS_URL`` set, the cache (and so the version) is shared by all
web processes; in the embedded default it is per process, which a single process makes correct.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "ogmonitor:data-version"


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_data_version() -> None:
    """Retire every cached public response (called after a change commits)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there yet (a cleared cache): any new value retires the old keys
        cache.add(VERSION_KEY, 2, timeout=None)


def _bump_at_commit() -> None:
    bump_data_version()


def _changed(sender, action: str = "post_", **kwargs) -> None:
    """Bump now, and again once the transaction commits (one commit-time bump however many rows).

    Now: so this process never serves what it just changed (and tests, which never commit,
    see their changes). At commit: a concurrent request may have cached the old rows under the
    new version between the two; the second bump retires that copy. ``m2m_changed`` is sent
    before and after each change (``pre_add``/``post_add``…): only the ``post_`` one counts.
    """
    if not sender.__module__.startswith("ogmonitor.") or not action.startswith("post_"):
        return
    bump_data_version()
    connection = transaction.get_connection()
    # Django keeps the commit callbacks as (savepoint ids, function, robust) tuples; a savepoint
    # rolled back drops its own, so a later change in the transaction queues the bump again.
    if not any(entry[1] is _bump_at_commit for entry in connection.run_on_commit):
        transaction.on_commit(_bump_at_commit)


def connect_invalidation() -> None:
    """Bump the version after any ogmonitor model is saved or an M2M set changes.

    Deletions are not listened to: a ``post_delete`` receiver for every model would stop Django
    from deleting in bulk (it would load and signal each row — each answer of a corrected
    submission, each result of a recomputation). They are covered instead by
    :class:`DataVersionMiddleware` (every successful change made through a request); work done
    outside a request in bulk also saves a row that bumps it (``compute_study`` its
    Computation, an import its batch).
    """
    for signal in (post_save, m2m_changed):
        signal.connect(_changed, dispatch_uid=f"ogmonitor.cache.{signal}")


class DataVersionMiddleware:
    """After a successful unsafe request (a form posted, an API write), retire cached pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and response.status_code < 400:
            bump_data_version()
        return response


def public_cache_key(request, prefix: str = "page") -> str:
    """Where this request's anonymous response is kept (stored with its data version, not keyed by it)."""
    raw = "|".join([request.method if request.method != "HEAD" else "GET", request.get_full_path(),
                    get_language() or "", "htmx" if request.headers.get("HX-Request") else "",
                    request.headers.get("Accept", "")[:100]])
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"ogmonitor:{prefix}:{digest}"


def is_cacheable_request(request) -> bool:
    user = getattr(request, "user", None)
    return request.method in ("GET", "HEAD") and not (user is not None and user.is_authenticated)


def cache_public(view=None, *, timeout: int | None = None):
    """Serve anonymous GETs of ``view`` from the cache until the data change (or ``timeout``).

    Responses that are not 200, set cookies, or are streamed are never stored. The response
    tells browsers and proxies it may be kept briefly (``max-age``), and varies on the cookie
    so a logged-in user never receives the anonymous copy from a shared cache.
    """

    def decorate(view_func):
        @functools.wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if not settings.PUBLIC_CACHE_SECONDS or not is_cacheable_request(request):
                return view_func(request, *args, **kwargs)
            key = public_cache_key(request)
            # One round trip for both: under load, round trips to Redis were most of a hit's cost
            # (bench/bench_pages.py, profiled with py-spy).
            found = cache.get_many([VERSION_KEY, key])
            version = found[VERSION_KEY] if VERSION_KEY in found else data_version()
            stored = found.get(key)
            if stored is not None and stored[0] == version:
                response = stored[1]
                response["X-Cache"] = "hit"
                return response
            response = view_func(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            if response.status_code == 200 and not response.streaming and not response.cookies:
                patch_vary_headers(response, ["Cookie"])
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_BROWSER_CACHE_SECONDS)
                # The version read before building: a change committed meanwhile retires this copy.
                cache.set(key, (version, response), timeout or settings.PUBLIC_CACHE_SECONDS)
                response["X-Cache"] = "miss"
            return response

        return wrapped

    return decorate(view) if view is not None else decorate
