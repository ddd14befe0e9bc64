"""Public caching: anonymous GETs are served from the cache until any ogmonitor data change."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from ogmonitor.lib import cache as public_cache
from ogmonitor.places.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self, request):
        self.calls += 1
        return HttpResponse(f"call {self.calls}")


@pytest.fixture
def view():
    counter = Counter()
    return counter, public_cache.cache_public(counter)


def get(path="/az/x/", user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    return request


def test_an_anonymous_get_is_served_from_the_cache_until_the_data_change(view):
    counter, cached = view
    assert cached(get()).content == b"call 1"
    second = cached(get())
    assert second.content == b"call 1" and second["X-Cache"] == "hit" and counter.calls == 1
    assert "max-age" in second["Cache-Control"] and "Cookie" in second["Vary"]
    OrganizationFactory()  # any ogmonitor model saved retires every cached page
    assert cached(get()).content == b"call 2"


def test_each_address_and_query_is_cached_apart(view):
    counter, cached = view
    cached(get("/az/x/?page=1"))
    cached(get("/az/x/?page=2"))
    cached(get("/en/x/?page=1"))
    assert counter.calls == 3


def test_logged_in_users_are_never_served_the_cache(view, coordinator):
    counter, cached = view
    cached(get())
    assert cached(get(user=coordinator)).content == b"call 2"
    assert counter.calls == 2


def test_errors_and_responses_setting_cookies_are_not_stored(settings):
    calls = []

    def failing(request):
        calls.append(1)
        return HttpResponse("no", status=404)

    def cookie(request):
        calls.append(1)
        response = HttpResponse("hi")
        response.set_cookie("a", "b")
        return response

    for view in (public_cache.cache_public(failing), public_cache.cache_public(cookie)):
        view(get())
        view(get())
    assert len(calls) == 4


def test_a_zero_timeout_setting_turns_the_cache_off(view, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    counter, cached = view
    cached(get())
    cached(get())
    assert counter.calls == 2


def test_a_successful_post_retires_cached_pages_and_a_refused_one_does_not(client, coordinator):
    version = public_cache.data_version()
    client.post("/az/accounts/login/", {"username": "nobody", "password": "wrong"})  # 200 with errors
    bumped_by_form = public_cache.data_version()
    client.post("/az/no-such-page/")  # 404
    assert public_cache.data_version() == bumped_by_form
    client.force_login(coordinator)
    client.post("/az/accounts/logout/")  # 302: a change went through
    assert public_cache.data_version() > version


def test_deleting_rows_in_bulk_stays_a_bulk_delete(django_assert_num_queries):
    """No post_delete receiver is connected, so Django deletes without loading the rows."""
    from ogmonitor.engagement.factories import EventFactory
    from ogmonitor.engagement.models import EventSource

    event = EventFactory()
    for n in range(3):
        EventSource.objects.create(event=event, url=f"https://example.org/{n}")
    with django_assert_num_queries(1):  # a leaf table: one DELETE, no SELECT of its rows
        EventSource.objects.filter(event=event).delete()


def test_a_transaction_saving_many_rows_queues_one_commit_time_bump(django_capture_on_commit_callbacks):
    version = public_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        OrganizationFactory.create_batch(5)
    assert len([c for c in callbacks if c.__module__ == "ogmonitor.lib.cache"]) == 1
    assert public_cache.data_version() == version + 5 + 1  # one per row now, one at commit
