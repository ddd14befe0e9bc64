"""Web security (issue 9): rate limits, Content-Security-Policy, CSRF, production settings, passwords.

The login lockout has its own tests (ogmonitor/accounts/tests/test_lockout.py), and so does the
policy in a real browser (test_csp_browser.py).
"""

import re
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from ogmonitor.accounts.factories import PASSWORD
from ogmonitor.lib.client_ip import client_ip
from ogmonitor.lib.ratelimits import env_rate
from ogmonitor.portal.navigation import MAIN_NAVIGATION
from ogmonitor.surveys import submissions
from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory

from .test_settings import probe

PACKAGE = Path(__file__).resolve().parents[1]
VISITOR, NEIGHBOUR = "203.0.113.7", "198.51.100.20"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def link(db, ngo_a, two_communities, coordinator):
    study = StudyFactory(organization=ngo_a, communities=two_communities, status="collecting")
    QuestionnaireFactory(study=study)
    return submissions.create_self_link(study, coordinator)


def self_form(link) -> str:
    return reverse("surveys:self_form", args=[link.token])


# --- Rate limits -------------------------------------------------------------------------------


def test_the_31st_self_completion_post_from_one_address_gets_the_429_page(client, link, settings):
    assert settings.RATE_LIMIT_SELF_COMPLETION_IP == "30/h"
    # An incomplete form is refused (400) before anything is saved; it counts all the same.
    for number in range(30):
        assert client.post(self_form(link), {}, REMOTE_ADDR=VISITOR).status_code == 400, number

    refused = client.post(f"/en{self_form(link)[3:]}", {}, REMOTE_ADDR=VISITOR)

    assert refused.status_code == 429
    page = refused.content.decode()
    assert '<html lang="en"' in page and "Too many attempts" in page
    assert client.get(self_form(link), REMOTE_ADDR=VISITOR).status_code == 200  # reading is never limited
    assert client.post(self_form(link), {}, REMOTE_ADDR=NEIGHBOUR).status_code == 400


def test_reading_a_form_does_not_count_towards_its_limit(client, link, settings):
    settings.RATE_LIMIT_SELF_COMPLETION_IP = "2/h"
    for _ in range(4):
        assert client.get(self_form(link), REMOTE_ADDR=VISITOR).status_code == 200
    assert client.post(self_form(link), {}, REMOTE_ADDR=VISITOR).status_code == 400
    assert client.post(self_form(link), {}, REMOTE_ADDR=VISITOR).status_code == 400
    assert client.post(self_form(link), {}, REMOTE_ADDR=VISITOR).status_code == 429


def test_a_link_takes_at_most_its_own_rate_whoever_posts(client, link, settings, coordinator):
    settings.RATE_LIMIT_SELF_COMPLETION_LINK = "3/h"
    for number in range(3):
        assert client.post(self_form(link), {}, REMOTE_ADDR=f"192.0.2.{number}").status_code == 400

    assert client.post(self_form(link), {}, REMOTE_ADDR="192.0.2.99").status_code == 429
    other_link = submissions.create_self_link(link.study, coordinator)
    assert client.post(self_form(other_link), {}, REMOTE_ADDR="192.0.2.99").status_code == 400


def test_the_31st_login_post_from_one_address_gets_429_on_top_of_the_lockout(client, db, settings):
    assert settings.RATE_LIMIT_LOGIN == "30/h"
    login = reverse("accounts:login")
    # A different name each time: django-axes alone would never lock these out.
    for number in range(30):
        response = client.post(login, {"username": f"guess{number}", "password": "x"}, REMOTE_ADDR=VISITOR)
        assert response.status_code == 200, number

    assert client.post(login, {"username": "guess30", "password": "x"}, REMOTE_ADDR=VISITOR).status_code == 429
    assert client.get(login, REMOTE_ADDR=VISITOR).status_code == 200
    assert client.post(login, {"username": "guess31", "password": "x"}, REMOTE_ADDR=NEIGHBOUR).status_code == 200


def test_behind_a_trusted_proxy_visitors_are_limited_apart(client, link, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    settings.RATE_LIMIT_SELF_COMPLETION_IP = "1/h"
    via_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    assert client.post(self_form(link), {}, HTTP_X_FORWARDED_FOR=VISITOR, **via_proxy).status_code == 400
    assert client.post(self_form(link), {}, HTTP_X_FORWARDED_FOR=VISITOR, **via_proxy).status_code == 429
    assert client.post(self_form(link), {}, HTTP_X_FORWARDED_FOR=NEIGHBOUR, **via_proxy).status_code == 400


def test_new_proposals_are_limited_per_staff_member(client_for, coordinator, coordinator_b, settings):
    """There is no public proposal form: the staff one is limited, so a stolen session cannot flood it."""
    settings.RATE_LIMIT_PROPOSALS = "2/h"
    add = reverse("engagement:proposal_add")
    client = client_for(coordinator)
    assert client.post(add, {}).status_code == 200  # the form again, with its errors
    assert client.post(add, {}).status_code == 200
    assert client.post(add, {}).status_code == 429
    assert client.get(add).status_code == 200
    assert client_for(coordinator_b).post(add, {}).status_code == 200


def test_a_rate_set_to_off_lifts_the_limit(client, link, settings):
    settings.RATE_LIMIT_SELF_COMPLETION_IP = None
    settings.RATE_LIMIT_SELF_COMPLETION_LINK = None
    for _ in range(35):
        assert client.post(self_form(link), {}, REMOTE_ADDR=VISITOR).status_code == 400


def test_rates_from_the_environment_are_checked_at_start_up(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_LOGIN", "5/10m")
    assert env_rate("RATE_LIMIT_LOGIN", "30/h") == "5/10m"
    monkeypatch.setenv("RATE_LIMIT_LOGIN", "OFF")
    assert env_rate("RATE_LIMIT_LOGIN", "30/h") is None
    monkeypatch.setenv("RATE_LIMIT_LOGIN", "30 per hour")
    with pytest.raises(ImproperlyConfigured, match=r"RATE_LIMIT_LOGIN='30 per hour' is not a rate"):
        env_rate("RATE_LIMIT_LOGIN", "30/h")


# --- The visitor's address -------------------------------------------------------------------


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(("trusted", "remote", "forwarded", "expected"), [
    ([], VISITOR, None, VISITOR),
    ([], VISITOR, "1.2.3.4", VISITOR),  # nobody vouches for the header
    (["10.0.0.0/8"], "10.0.0.2", VISITOR, VISITOR),
    (["10.0.0.0/8"], "10.0.0.2", f"1.2.3.4, {VISITOR}", VISITOR),  # the left part is the visitor's own claim
    (["10.0.0.0/8"], "10.0.0.2", f"{VISITOR}, 10.0.0.9", VISITOR),  # two proxies of ours
    (["10.0.0.0/8"], "10.0.0.2", None, "10.0.0.2"),
    (["10.0.0.0/8"], "10.0.0.2", "not-an-address", "10.0.0.2"),
    (["10.0.0.0/8"], VISITOR, "1.2.3.4", VISITOR),  # not from a proxy of ours
    (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
    ([], "", VISITOR, VISITOR),  # gunicorn on a Unix socket: only the local proxy can connect
])
def test_the_visitors_address_trusts_x_forwarded_for_only_from_trusted_proxies(
    settings, trusted, remote, forwarded, expected,
):
    settings.TRUSTED_PROXIES = trusted
    assert client_ip(request_from(remote, forwarded)) == expected


def test_a_bad_trusted_proxy_fails_at_start_up_naming_the_variable(tmp_path):
    result = probe(tmp_path, TRUSTED_PROXIES="127.0.0.1, nginx")
    assert isinstance(result, subprocess.CompletedProcess) and result.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx' is not an IP address or network" in result.stderr


# --- Content-Security-Policy -----------------------------------------------------------------


EXPECTED_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'", "'unsafe-inline'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def policy(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: set(values) for name, *values in directives}


@pytest.fixture
def site(db, ngo_a, municipality, coordinator):
    """A small public site: a published study with results, its plan, places, and a self-completion link."""
    from ogmonitor.findings import drafting
    from ogmonitor.findings.tests.test_drafting import Round

    survey = Round(organization=ngo_a)
    survey.seed_answers()
    survey.indicator()
    survey.compute()
    drafting.draft_findings(survey.study)
    drafting.publish_findings(survey.study)
    link = submissions.create_self_link(survey.study, coordinator)
    return survey, link


def public_pages(site) -> list[str]:
    survey, link = site
    community = survey.communities[0]
    pages = [reverse(item.url_name) for item in MAIN_NAVIGATION if not item.staff_only]
    return pages + [
        survey.study.plan.get_absolute_url(),
        survey.activity.get_absolute_url(),
        community.district.get_absolute_url(),
        community.get_absolute_url(),
        survey.study.organization.get_absolute_url(),
        reverse("surveys:study", args=[survey.study.slug]),
        reverse("findings:study", args=[survey.study.slug]),
        reverse("reports:list", args=[survey.study.slug]),
        reverse("surveys:self_form", args=[link.token]),
        reverse("accounts:login"),
        "/en/",
    ]


def test_every_public_page_carries_the_policy(client, site):
    pages = public_pages(site)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == EXPECTED_POLICY, url
    missing = client.get("/az/no-such-page/")
    assert missing.status_code == 404 and policy(missing) == EXPECTED_POLICY


def test_the_api_documentation_runs_without_inline_scripts(client):
    for page in ("/api/docs/", "/api/redoc/"):
        response = client.get(page)
        assert response.status_code == 200 and policy(response)["script-src"] == {"'self'"}, page
        assert not INLINE_SCRIPT.search(response.content.decode()), page
    # Only ReDoc gets more: the worker its search runs in, made from a blob: URL.
    assert policy(client.get("/api/redoc/")) == {**EXPECTED_POLICY, "worker-src": {"blob:"}}
    assert policy(client.get("/api/docs/")) == EXPECTED_POLICY


#: A <script> element with code in it rather than a src (a JSON data block would be allowed).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
#: An event handler attribute (onclick=, onchange=…) or a javascript: link.
INLINE_HANDLER = re.compile(r"""<[a-z][^>]*\s(on[a-z]+\s*=|(?:href|action|src)\s*=\s*["']?\s*javascript:)""", re.I)


def templates() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("templates/**/*.html") if "static" not in path.parts)


def test_no_template_has_inline_scripts_or_event_handlers():
    """The policy would block them: code lives in static files (htmx, ogform.js)."""
    offenders = []
    for path in templates():
        text = path.read_text()
        offenders += [f"{path.relative_to(PACKAGE)}: {match.group(0)[:60]}"
                      for pattern in (INLINE_SCRIPT, INLINE_HANDLER) for match in pattern.finditer(text)]
    assert not offenders, "\n".join(offenders)


def test_htmx_is_configured_not_to_evaluate_code(client, db):
    page = client.get(reverse("portal:home")).content.decode()
    assert """<meta name="htmx-config" content='{"allowEval": false}'>""" in page


# --- CSRF --------------------------------------------------------------------------------------


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.I | re.S)
POSTS = re.compile(r"""\bmethod\s*=\s*["']?post\b""", re.I)
CSRF_TOKEN = re.compile(r"{%\s*csrf_token\s*%}")
#: Forms that post without a token, each with the reason (none so far).
CSRF_ALLOWED: dict[str, str] = {}


def test_every_posting_form_in_every_template_carries_the_csrf_token():
    checked, missing = 0, []
    for path in templates():
        name = str(path.relative_to(PACKAGE))
        for number, match in enumerate(FORM.finditer(path.read_text()), 1):
            if not POSTS.search(match.group(1)):
                continue
            checked += 1
            if not CSRF_TOKEN.search(match.group(2)) and name not in CSRF_ALLOWED:
                missing.append(f"{name}: form {number} <form{match.group(1)[:80]}>")
    assert checked > 50  # the scan does find the site's forms
    assert not missing, "\n".join(missing)


def test_a_post_without_the_csrf_token_is_refused(link, coordinator):
    guarded = Client(enforce_csrf_checks=True)
    login = reverse("accounts:login")
    assert guarded.post(login, {"username": coordinator.username, "password": PASSWORD}).status_code == 403
    assert guarded.post(self_form(link), {}).status_code == 403

    # With the token from the page, the same posts go through.
    guarded.get(login)
    token = guarded.cookies["csrftoken"].value
    response = guarded.post(login, {"username": coordinator.username, "password": PASSWORD,
                                    "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_htmx_requests_of_a_signed_in_user_send_the_csrf_header(coordinator):
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(coordinator)
    page = guarded.get(reverse("portal:home")).content.decode()
    token = re.search(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""", page).group(1)

    assert guarded.post(reverse("accounts:logout")).status_code == 403
    response = guarded.post(reverse("accounts:logout"), HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true")
    assert response.status_code == 302


# --- Production settings -----------------------------------------------------------------------


def test_https_turns_on_secure_cookies_hsts_and_the_redirect(tmp_path):
    values = probe(tmp_path, HTTPS="1")
    assert values["secure_cookies"] is True and values["csrf_secure"] is True
    assert values["hsts"] >= 31536000 and values["ssl_redirect"] is True


def test_plain_http_keeps_the_demo_working_without_certificates(tmp_path):
    values = probe(tmp_path)
    assert values["secure_cookies"] is False and values["csrf_secure"] is False
    assert values["hsts"] == 0 and values["ssl_redirect"] is False


def test_lockout_rates_and_proxies_come_from_the_environment(tmp_path):
    defaults = probe(tmp_path)
    assert defaults["axes"] == [5, 900.0] and defaults["rates"] == ["30/h", "30/h"]
    assert defaults["trusted_proxies"] == []
    values = probe(tmp_path, AXES_FAILURE_LIMIT="3", AXES_COOLOFF_MINUTES="60", RATE_LIMIT_LOGIN="10/m",
                   RATE_LIMIT_SELF_COMPLETION_IP="off", TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8")
    assert values["axes"] == [3, 3600.0] and values["rates"] == ["10/m", None]
    assert values["trusted_proxies"] == ["127.0.0.1/32", "10.0.0.0/8"]


def test_a_cool_off_of_zero_minutes_fails_at_start_up(tmp_path):
    """Axes would read it as "locked out for good"."""
    result = probe(tmp_path, AXES_COOLOFF_MINUTES="0")
    assert isinstance(result, subprocess.CompletedProcess) and result.returncode != 0
    assert "AXES_COOLOFF_MINUTES must be at least 1" in result.stderr


# --- Passwords ---------------------------------------------------------------------------------


def change_password(client, new):
    return client.post(reverse("accounts:password_change"),
                       {"old_password": PASSWORD, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize("weak", [
    "password123",  # a common password
    "coordinator-a1",  # too like the user name
    "Kx7#qe9!",  # shorter than 10 characters
    "4815162342",  # digits only
])
def test_weak_new_passwords_are_refused_with_the_reason_on_the_field(client_for, coordinator, weak):
    response = change_password(client_for(coordinator), weak)

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)


def test_a_long_uncommon_password_is_accepted(client_for, coordinator):
    response = change_password(client_for(coordinator), "Quba-bağları-payızda-2024")

    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password("Quba-bağları-payızda-2024")
