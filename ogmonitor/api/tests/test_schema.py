"""The OpenAPI schema validates, and the API keeps to it: schemathesis generates requests for
every operation from the schema served at /api/schema/ and checks each response.

Checks: no 5xx (``not_a_server_error``), every status code is documented
(``status_code_conformance``), the content type and the body match the schema
(``content_type_conformance``, ``response_schema_conformance``). GETs are sent anonymously and
with the tokens of a coordinator, an enumerator and a municipality editor; writes with the
tokens of an administrator and of a coordinator, so that they get past authentication into
validation and the permission checks. Each case is sent as one of these (chosen by its values,
see :func:`credentials`), so every role is exercised at the same number of examples.
Kept fast and repeatable: a few examples per operation, derandomised, no example database.
About half of the generated cases have their path parameters replaced by identifiers of the
``world`` fixture, so that details of real objects are checked too, not only 404s.
"""

import os
import zlib

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ogmonitor.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: Generated cases per operation: enough to walk the filters and bodies, cheap enough to run always.
#: OGMONITOR_API_FUZZ_SCALE=10 multiplies them for a deeper run (e.g. nightly).
SCALE = int(os.environ.get("OGMONITOR_API_FUZZ_SCALE", "1"))
EXAMPLES = {"GET": 8 * SCALE, "POST": 20 * SCALE}

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


@pytest.fixture
def api_schema(world, administrator, coordinator, enumerator, municipality_editor):
    """The schema as the app serves it, with the world's identifiers and the cast's tokens."""
    # Outside Django's test client, each request's end would close the connection that holds the
    # test's transaction (and its data): keep it open, as the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    schema.known = {
        "code": {"/districts/": world.quba.code, "/disclosure/items/": world.item.code},
        "slug": {
            "/communities/": world.communities[0].slug, "/organisations/": world.municipality.slug,
            "/plans/": world.plan.slug, "/studies/": world.study.slug, "/events/": world.event.slug,
            "/platforms/": world.platform.slug, "/projects/": world.project.slug,
            "/disclosure/checklists/": world.municipality.slug,
        },
        "study_slug": {"/studies/": world.study.slug},
        "number": {"/proposals/": str(world.proposal.number)},
        "id": {"/activities/": str(world.activity.pk), "/recommendations/": str(world.recommendation.pk),
               "/reports/": str(world.report.pk), "/disclosure/publications/": str(world.publication.pk)},
    }
    tokens = {user: Token.objects.create(user=user).key
              for user in (administrator, coordinator, enumerator, municipality_editor)}
    # None: anonymous. Reads are public, so every caller must get them; writes need a role.
    schema.tokens = {
        "read": [None, tokens[coordinator], tokens[enumerator], tokens[municipality_editor]],
        "write": [tokens[administrator], tokens[coordinator]],
    }
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def with_known_identifiers(case, known: dict) -> None:
    """Replace the path parameters of about half the cases (chosen by their values, so the run
    stays repeatable) with identifiers of existing public objects."""
    if not case.path_parameters or zlib.crc32(repr(sorted(case.path_parameters.items())).encode()) % 2:
        return
    path = case.operation.path.removeprefix("/api/v1")
    replaced = dict(case.path_parameters)
    for name in replaced:
        for prefix, value in known.get(name, {}).items():
            if path.startswith(prefix):
                replaced[name] = value
    case.path_parameters = replaced


def credentials(case, tokens: list) -> dict:
    """The headers of one of ``tokens`` (None: anonymous), chosen by the case's values, so a run
    is repeatable and the roles take turns over an operation's examples."""
    body = None if isinstance(case.body, NotSet) else case.body  # NotSet's repr holds an address
    values = repr((sorted(case.path_parameters.items()) if case.path_parameters else None, case.query, body))
    token = tokens[zlib.crc32(values.encode()) % len(tokens)]
    return {"Authorization": f"Token {token}"} if token else {}


def keeps_to_the_schema(operation, api_schema) -> None:
    """Run schemathesis' generated cases of one operation; raises on the first failure found."""
    writes = operation.method.upper() != "GET"
    strategy = operation.as_strategy(GenerationMode.POSITIVE)
    if writes:  # invalid bodies too: they must be refused with a documented 4xx, never a 5xx
        strategy = strategy | operation.as_strategy(GenerationMode.NEGATIVE)
    tokens = api_schema.tokens["write" if writes else "read"]

    @given(case=strategy)
    @settings(max_examples=EXAMPLES[operation.method.upper()], derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        with_known_identifiers(case, api_schema.known)
        case.call_and_validate(headers=credentials(case, tokens), checks=CHECKS)

    run()


def test_the_api_keeps_to_its_schema(api_schema):
    # One test for every operation (rather than schemathesis' pytest plugin, which makes one per
    # operation): the world is built once, and the plugin does not run under pytest 9.
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        try:
            keeps_to_the_schema(operation, api_schema)
        except Exception as error:  # noqa: BLE001 (collected: every operation is tried)
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
