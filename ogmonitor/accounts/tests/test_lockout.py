"""Login lockout (django-axes): five wrong passwords for a name from one address pause that pair.

The sixth attempt is refused even with the right password; other names and other addresses go
on logging in; the pause ends after the cool-off or with ``axes_reset``; the admin's login page
is covered too, API tokens are not; X-Forwarded-For counts only from a trusted proxy.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from ogmonitor.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
COLLEAGUE = "198.51.100.20"
LOGIN = "/{language}/accounts/login/"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    """Dozens of password checks per test: the production hasher's deliberate slowness is not under test."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


def log_in(client, username, password, ip=ATTACKER, language="az", url=LOGIN, **headers):
    return client.post(url.format(language=language), {"username": username, "password": password},
                       REMOTE_ADDR=ip, **headers)


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def lock_out(client, username, ip=ATTACKER, **kwargs):
    """Five wrong passwords; the fifth is answered with the lockout page."""
    for attempt in range(1, 6):
        response = log_in(client, username, "wrong-password", ip=ip, **kwargs)
        expected = 429 if attempt == 5 else 200
        assert response.status_code == expected, f"attempt {attempt}: {response.status_code}"
    return response


def test_five_wrong_passwords_then_the_right_one_is_refused(client, coordinator):
    lock_out(client, coordinator.username)

    response = log_in(client, coordinator.username, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(response) and "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username=coordinator.username, ip_address=ATTACKER).failures_since_start >= 5


def test_the_lockout_page_says_what_happened_in_the_visitors_language(client, coordinator):
    english = lock_out(client, coordinator.username, language="en")
    page = english.content.decode()
    assert '<html lang="en"' in page
    assert "Logging in is paused" in page and "wrong 5 times in a row" in page and "15 minutes" in page

    azerbaijani = log_in(client, coordinator.username, PASSWORD, language="az")
    assert azerbaijani.status_code == 429 and '<html lang="az"' in azerbaijani.content.decode()


def test_wrong_passwords_below_the_limit_leave_the_login_open(client, coordinator):
    for _ in range(4):
        assert log_in(client, coordinator.username, "wrong-password").status_code == 200
    assert logged_in(log_in(client, coordinator.username, PASSWORD))


def test_other_names_and_other_addresses_still_log_in(client, coordinator, coordinator_b):
    lock_out(client, coordinator.username)

    assert logged_in(log_in(Client(), coordinator.username, PASSWORD, ip=COLLEAGUE))
    assert logged_in(log_in(Client(), coordinator_b.username, PASSWORD, ip=ATTACKER))


def test_the_lockout_ends_after_the_cool_off(client, coordinator):
    lock_out(client, coordinator.username)
    # Sixteen minutes pass (the cool-off is 15).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert logged_in(log_in(client, coordinator.username, PASSWORD))


def test_a_shorter_cool_off_setting_is_obeyed(client, coordinator, settings):
    lock_out(client, coordinator.username)
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=2))

    assert logged_in(log_in(client, coordinator.username, PASSWORD))


def test_axes_reset_lifts_the_lockout(client, coordinator):
    lock_out(client, coordinator.username)

    call_command("axes_reset")

    assert not AccessAttempt.objects.exists()
    assert logged_in(log_in(client, coordinator.username, PASSWORD))


def test_the_admin_login_is_locked_out_too(client, administrator):
    admin_login = "/{language}/admin/login/"
    lock_out(client, administrator.username, url=admin_login)

    refused = log_in(client, administrator.username, PASSWORD, url=admin_login)

    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    # And the site's own login page refuses the name from there as well: one lockout, two doors.
    assert log_in(client, administrator.username, PASSWORD).status_code == 429


def test_an_api_token_keeps_working_while_its_user_is_locked_out(client, coordinator):
    lock_out(client, coordinator.username)
    token = Token.objects.create(user=coordinator)

    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").post(
        "/api/v1/proposals/", {}, content_type="application/json", REMOTE_ADDR=ATTACKER)

    assert response.status_code == 400  # signed in and allowed: only the empty body is refused


def test_the_test_clients_login_without_a_request_checks_the_password(client, coordinator):
    assert client.login(username=coordinator.username, password=PASSWORD)
    assert not Client().login(username=coordinator.username, password="wrong-password")


# --- Behind a reverse proxy --------------------------------------------------------------------

PROXY = "10.0.0.2"


def test_without_trusted_proxies_a_forged_x_forwarded_for_does_not_dodge_the_lockout(client, coordinator):
    for attempt in range(5):
        log_in(client, coordinator.username, "wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")

    response = log_in(client, coordinator.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_visitor_is_counted_apart(client, coordinator, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    lock_out(client, coordinator.username, ip=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)

    assert AccessAttempt.objects.get().ip_address == ATTACKER
    assert log_in(client, coordinator.username, PASSWORD, ip=PROXY,
                  HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    assert logged_in(log_in(Client(), coordinator.username, PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR=COLLEAGUE))
