"""The permission matrix: every member of the cast × every URL of the project × its objects.

Every URL pattern the project serves (the site under /az/, the admin, the API, every export) is
found with ``get_resolver()`` and must have an entry in :data:`matrix_world.TABLE` (the admin's
are made for each registered model, all for the "staff-site" rule): a URL added without one
fails :func:`test_every_url_pattern_is_in_the_matrix`, so none escapes the matrix.

:func:`test_every_member_of_the_cast_gets_exactly_what_the_policy_allows` then requests each
URL for each of its objects (the "own" and the "other" of each member) as each member of the
cast: GET, and POST with an empty body where the URL takes a form or is an action. It expects

* allowed: 200 (or another 2xx, or a 400 for an empty form of the API), or a redirect that is
  not to a login page; a GET of an action answers 405;
* refused: 403 or 404 for a logged-in user, the login page (or 401/403 from the API) for an
  anonymous visitor; and 404 for everyone when the object is one the visitor may not even see
  (a draft study, an unpublished event, a private report…), so its existence is not revealed;
* a refused request writes nothing: no INSERT, UPDATE or DELETE reaches the database (the
  session and the records of refused attempts aside);
* no response, allowed or refused, page or download (XLSX and DOCX are unzipped), contains a
  marker of a record the member may not see (:data:`matrix_world.MARKERS`);
* never a 5xx.

Every request runs in a savepoint rolled back afterwards, so an allowed POST (publishing
findings, recomputing) leaves the world as it was for the next one. All requests run in one
test that collects every problem and reports them together: the world is built once, and the
whole matrix (some 7,000 requests) takes a couple of minutes rather than an hour.
"""

import io
import json
import logging
import re
import time
import zipfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection, reset_queries, transaction
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from . import matrix_world
from .matrix_world import (
    BY_NAME,
    CAST,
    HIDING_RULES,
    MARKERS,
    POST_TABLE,
    TABLE,
    Entry,
    Target,
    allowed,
)

pytestmark = pytest.mark.django_db


# --- Every URL pattern of the project -------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route of an unnamed pattern
    route: str


def url_patterns(resolver=None, prefix: str = "", namespace: str = "") -> list[Pattern]:
    """Every pattern under the root URLconf, i18n ones under their /az/ prefix."""
    found = []
    for item in (resolver or get_resolver()).url_patterns:
        if isinstance(item, URLResolver):
            inner = ":".join(part for part in (namespace, item.namespace) if part)
            found += url_patterns(item, prefix + str(item.pattern), inner)
        elif isinstance(item, URLPattern):
            route = prefix + str(item.pattern)
            key = ":".join(part for part in (namespace, item.name) if part) if item.name else route
            found.append(Pattern(key, route))
    return found


ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change")


def admin_entries() -> dict[str, Entry]:
    """The admin's URLs, each for the "staff-site" rule: the site's own and six per model.

    What a model's admin refuses to everyone (adding a questionnaire, which only an upload
    creates; changing a proposal's history) is refused to the administrator too: for those the
    rule is "nobody", as the ModelAdmin's ``has_*_permission`` says for the administrator.
    """

    def as_administrator(w):
        request = RequestFactory().get("/")
        request.user = w.users["administrator"]
        return request

    def may(granted: bool) -> str:
        return "staff-site" if granted else "nobody"

    def pages(model, view):
        """Targets of one admin view of ``model``, its GET and POST rules from the ModelAdmin."""
        model_admin = admin.site._registry[model]

        def make(w):
            request = as_administrator(w)
            if view in ("changelist", "add"):
                if view == "add":
                    rule = post_rule = may(model_admin.has_add_permission(request))
                else:
                    rule = post_rule = may(model_admin.has_view_or_change_permission(request))
                return [Target("-", {}, rule=rule, post_rule=post_rule)]
            obj = model._default_manager.order_by("pk").first()
            if obj is None:  # a model the world has no record of: the admin redirects to its index
                label, kwargs = f"no {model._meta.label}", {"object_id": "0"}
            else:
                label, kwargs = f"{model._meta.label} {obj.pk}", {"object_id": str(obj.pk)}
            if view == "delete":
                rule = post_rule = may(model_admin.has_delete_permission(request, obj))
            else:
                rule = may(model_admin.has_view_or_change_permission(request, obj))
                post_rule = may(model_admin.has_change_permission(request, obj))
            return [Target(label, kwargs, rule=rule, post_rule=post_rule)]

        return make

    def user_pk(w):
        return [Target("the user without a role", {"id": str(w.users["no_role"].pk)})]

    def study_on_site(w):
        study = w.o.studies["draft-a"].study
        return [Target("draft-a", {"content_type_id": str(ContentType.objects.get_for_model(study).pk),
                                   "object_id": str(study.pk)})]

    entries = {
        "admin:index": Entry("staff-site"),
        "admin:login": Entry("public", methods="GET POST"),
        "admin:logout": Entry("public", methods="POST"),
        "admin:password_change": Entry("staff-site", methods="GET POST"),
        "admin:password_change_done": Entry("staff-site"),
        "admin:autocomplete": Entry("staff-site", query="app_label=engagement&model_name=event&field_name=community"),
        "admin:jsi18n": Entry("staff-site"),
        "admin:view_on_site": Entry("staff-site", study_on_site),
        "admin:auth_user_password_change": Entry("staff-site", user_pk, methods="GET POST"),
        "admin:app_list": Entry("staff-site", lambda w: [Target("surveys", {"app_label": "surveys"})]),
        "az/admin/(?P<url>.*)$": Entry("not-found"),  # any other address in the admin
    }
    for model in admin.site._registry:
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        for view, methods in (("changelist", "GET POST"), ("add", "GET POST"), ("history", "GET"),
                              ("delete", "GET POST"), ("change", "GET POST")):
            entries[f"{name}_{view}"] = Entry("staff-site", pages(model, view), methods=methods)
        # The old address of a change page, which redirects to it.
        entries[f"az/admin/{opts.app_label}/{opts.model_name}/<path:object_id>/"] = Entry(
            "staff-site", pages(model, "history"))
    return entries


def all_entries() -> dict[str, Entry]:
    return {**TABLE, **admin_entries()}


def test_every_url_pattern_is_in_the_matrix():
    """A new URL must be given its rule here before it can be served: none escapes the matrix."""
    with translation.override("az"):
        served = {pattern.key for pattern in url_patterns()}
    classified = set(all_entries())
    assert not served - classified, f"URL patterns without an entry in the matrix: {sorted(served - classified)}"
    assert not classified - served, f"entries for URL patterns that no longer exist: {sorted(classified - served)}"
    assert set(POST_TABLE) <= classified


# --- The world, built once for the module -------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The matrix's world, in a transaction rolled back after the module's tests."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        built = matrix_world.build_world()
        built.media = media
        yield built
        transaction.set_rollback(True)


# --- One request and what came of it ----------------------------------------------------------------

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?([\w.]+)"?', re.IGNORECASE)
#: Writes a refused request may make: its session, and the records of refused or failed attempts.
HARMLESS_TABLES = re.compile(r"^(django_session|axes_\w+|audit_\w+)$")


@dataclass(frozen=True)
class Case:
    member: str
    key: str
    method: str
    url: str
    target: str
    rule: str
    expected: bool  # allowed?
    action_only: bool  # a GET of a URL that only takes POST
    shows: frozenset = frozenset()  # markers this URL shows to all it lets in, by design
    data: str = ""  # a JSON body for the POST (else empty)

    def __str__(self) -> str:
        return f"{self.member} {self.method} {self.url} [{self.key}: {self.target}; rule {self.rule}]"


def build_url(key: str, kwargs: dict, query: str) -> str:
    if key == "favicon.ico":
        url = "/favicon.ico"
    elif key == "api/":
        url = "/api/no-such-endpoint/"
    elif key == "az/admin/(?P<url>.*)$":
        url = "/az/admin/no-such-page/"
    elif key.startswith("az/admin/"):  # an admin model's unnamed redirect
        url = "/" + key.replace("<path:object_id>", kwargs["object_id"])
    else:
        url = reverse(key, kwargs=kwargs or None)
    return f"{url}?{query}" if query else url


def cases(world) -> list[Case]:
    found = []
    with translation.override("az"):
        for key, entry in all_entries().items():
            targets = entry.targets(world) if entry.targets else [Target("-", {})]
            for target in targets:
                url = build_url(key, target.kwargs, entry.query)
                data = json.dumps(entry.body(world, target)) if entry.body else ""
                rule = target.rule or entry.rule
                post_rule = None
                if key in POST_TABLE:
                    post_rule = POST_TABLE[key].rule
                elif "POST" in entry.methods:
                    post_rule = target.post_rule or rule
                for member in CAST:
                    found.append(Case(member.name, key, "GET", url, target.label, rule,
                                      allowed(rule, member, target.thing), entry.methods == "POST", entry.shows))
                    if post_rule is not None:
                        found.append(Case(member.name, key, "POST", url, target.label, post_rule,
                                          allowed(post_rule, member, target.thing), False, entry.shows, data))
    return found


def outcome(response) -> str:
    status = response.status_code
    if status >= 500:
        return "error"
    if status in (301, 302, 303, 307, 308):
        return "login" if any(path in response["Location"] for path in LOGIN_PATHS) else "redirect"
    if status == 401:  # the API's challenge: log in
        return "login"
    if status in (403, 404, 405):
        return {403: "forbidden", 404: "missing", 405: "method"}[status]
    if 200 <= status < 300 or status == 400:  # a 400: the request got as far as validating its body
        return "ok"
    return f"HTTP {status}"


def body_text(response) -> str:
    """What the response carries, as text: XLSX and DOCX files unzipped."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


def writes(queries) -> list[str]:
    tables = (WRITE.match(query["sql"]) for query in queries.captured_queries)
    return sorted({match.group(1) for match in tables if match and not HARMLESS_TABLES.match(match.group(1))})


def judge(case: Case, response, queries) -> list[tuple[str, str]]:
    """The problems of one request, as (kind, explanation)."""
    got = outcome(response)
    problems = []
    if got == "error":
        problems.append(("server error", f"HTTP {response.status_code}"))
    elif case.rule == "not-found":
        if got not in {"missing", "login"}:
            problems.append(("leak", f"expected 404, got {got} (HTTP {response.status_code})"))
    elif case.action_only and case.method == "GET":
        # 405, a refusal, or a redirect that shows nothing (a GET of "log out" goes home).
        if got not in {"method", "login", "forbidden", "missing", "redirect"}:
            problems.append(("leak", f"a GET of an action: expected 405 or a refusal, got {got}"))
    elif case.expected:
        if got not in {"ok", "redirect"}:
            problems.append(("lockout", f"expected access, got {got} (HTTP {response.status_code})"))
    elif got in {"ok", "redirect"}:
        problems.append(("leak", f"expected a refusal, got HTTP {response.status_code}"))
    elif case.rule in HIDING_RULES and got != "missing":
        problems.append(("reveals existence", f"expected 404, got {got} (HTTP {response.status_code})"))
    elif got not in {"login", "forbidden", "missing"}:
        problems.append(("odd refusal", f"got {got} (HTTP {response.status_code})"))
    if not case.expected or (case.action_only and case.method == "GET"):
        written = writes(queries)
        if written:
            problems.append(("refused but written", f"wrote to {', '.join(written)}"))
    for marker in leaked_markers(case.member, body_text(response), case.shows):
        problems.append(("content leak", f"shows {marker}"))
    return problems


def leaked_markers(member: str, text: str, shows=frozenset()) -> list[str]:
    """The markers in ``text`` that ``member`` may not see (``shows``: those the URL may show)."""
    return [marker for marker, audience in MARKERS.items()
            if member not in audience and marker not in shows and marker in text]


@contextmanager
def quiet_logs():
    """Thousands of refusals are logged as warnings, at more cost than the requests themselves;
    server errors are caught from the status codes."""
    logging.disable(logging.ERROR)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def test_every_member_of_the_cast_gets_exactly_what_the_policy_allows(world, settings):
    """Every URL × its objects × the cast: allowed or refused as the table says, nothing written
    when refused, no marker shown outside its audience, no server error (see the module's doc)."""
    settings.MEDIA_ROOT = world.media
    settings.RATELIMIT_ENABLE = False  # limits are tested beside them; here every request must count
    clients = {}
    for member in CAST:
        clients[member.name] = Client(raise_request_exception=False)
        if member.logged_in:
            clients[member.name].force_login(world.users[member.name])
    started = time.monotonic()
    all_cases = cases(world)
    problems: dict[str, list[str]] = {}
    outcomes = Counter()
    with quiet_logs():
        for case in all_cases:
            client = clients[case.member]
            reset_queries()  # the log keeps 9,000 queries: a full one would capture none
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                if case.data:
                    response = client.post(case.url, case.data, content_type="application/json")
                else:
                    response = getattr(client, case.method.lower())(case.url)
                found = judge(case, response, queries)
                transaction.set_rollback(True)  # the next request sees the world as it was
            outcomes[outcome(response)] += 1
            if "logout" in case.url and BY_NAME[case.member].logged_in:
                client.force_login(world.users[case.member])
            for kind, explanation in found:
                problems.setdefault(kind, []).append(f"{case}: {explanation}")
    elapsed = time.monotonic() - started
    print(f"\n{len(all_cases)} requests checked in {elapsed:.0f} s: {dict(outcomes)}")
    report = "\n\n".join(
        f"{kind} ({len(lines)}):\n" + "\n".join(sorted(lines)) for kind, lines in sorted(problems.items())
    )
    assert not problems, report


#: Members given the admin (``is_staff``) by an administrator, which their roles alone do not give.
STAFF_MEMBERS = ("coordinator_b", "enumerator", "mayor_m1")
#: Change pages requested per model: more than the world holds of any model it has private ones of.
OBJECTS_PER_MODEL = 25


def admin_pages(model) -> list[str]:
    """A model's changelist, add page and change pages (of its first OBJECTS_PER_MODEL records)."""
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    records = model._default_manager.order_by("pk").values_list("pk", flat=True)[:OBJECTS_PER_MODEL]
    return [reverse(f"{name}_changelist"), reverse(f"{name}_add")] + [
        reverse(f"{name}_change", args=[pk]) for pk in records
    ]


def test_a_member_given_the_admin_sees_there_only_what_the_site_shows_them(world, settings):
    """The admin lists, offers and opens, for a non-administrator made staff, only what the policy
    shows them on the site: no changelist, add page or change page shows a marker outside their
    audience (their list filters and choices included)."""
    settings.MEDIA_ROOT = world.media
    problems = []
    with quiet_logs(), translation.override("az"):
        for name in STAFF_MEMBERS:
            user = world.users[name]
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            client = Client(raise_request_exception=False)
            client.force_login(user)
            for url in (url for model in admin.site._registry for url in admin_pages(model)):
                response = client.get(url)
                if response.status_code >= 500:
                    problems.append(f"{name} GET {url}: HTTP {response.status_code}")
                problems += [f"{name} GET {url}: shows {marker}" for marker in leaked_markers(name, body_text(response))]
    assert not problems, "\n".join(problems)


def test_the_matrix_notices_writes_and_markers_in_downloads(world, settings):
    """The matrix's instruments work: a write is seen in the captured SQL, a marker inside an
    XLSX download is found, and a login page is told from another redirect."""
    settings.MEDIA_ROOT = world.media
    client = Client()
    client.force_login(world.users["coordinator_a"])
    with translation.override("az"):
        recompute = reverse("findings:recompute", args=["study-a"])
        workbook = reverse("engagement:proposals_xlsx", args=[world.o.m1.slug])
        edit = reverse("surveys:study_edit", args=["study-a"])
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = client.post(recompute)
        transaction.set_rollback(True)
    assert outcome(response) == "redirect"
    assert "findings_indicatorresult" in writes(queries)
    assert leaked_markers("anonymous", body_text(client.get(workbook))) == ["HIDDEN-PROPOSAL-A"]
    assert outcome(Client().get(edit)) == "login"
