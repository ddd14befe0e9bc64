"""Many enumerator devices sending at once through the API: every form stored exactly once.

Acceptance test of issue 9: 20 clients × 100 submissions, 10% of them sent twice — half
right after the first answer (a retry), half at the same moment from a second connection of
the same device (a retry while the first request is still in flight) — give exactly 2,000
submissions, each UUID once, each with all its answers, and no server error.

The clients talk HTTP to pytest-django's ``live_server``, which handles each connection in
its own thread with its own database connection; each client keeps one connection open
(``requests.Session``, so no thread or database connection is set up per request), so the
server runs about as many threads as there are clients and PostgreSQL sees about 25
connections, well under its default limit of 100. The test's own threads never touch the
database (a connection left open by a thread would keep the test database from being dropped).

PostgreSQL only: SQLite's test database lives in memory, in a shared cache where a second
writer fails at once with "database table is locked" (the busy timeout does not apply), which
tests SQLite's test set-up, not ogmonitor. The branch a lost race takes is tested on both
databases in test_idempotent_submissions.py.
"""

import threading
import uuid
from collections import Counter

import pytest
import requests
from django.db import connection
from django.db.models import Count
from rest_framework.authtoken.models import Token

from ogmonitor.accounts.factories import UserFactory
from ogmonitor.accounts.roles import Role
from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory, StudyMemberFactory
from ogmonitor.surveys.models import Answer, Respondent, Study, StudyMember, Submission

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs concurrent writers: set DATABASE_URL to a PostgreSQL database"),
]

#: Every input question of the sample questionnaire answered: one answer row each.
ANSWERS = {
    "aware": "yes", "heard_from": ["other"], "meetings": 2, "satisfaction": "6.5", "other_channel": "radio",
    "interview_date": "2024-05-06", "comment": "Növbəti görüş may ayındadır.",
}
ANSWER_ROWS = len(ANSWERS)


@pytest.fixture
def announced(monkeypatch) -> list:
    """The studies whose figures each stored form asks to recompute.

    In production a worker recomputes a study's figures once for a burst of changes; without
    Redis the run happens in the request, after each commit, and 2,000 of them would time the
    findings engine rather than the storing of forms. Counting the calls instead also checks
    that a resend, which changes nothing, asks for nothing.
    """
    calls = []
    monkeypatch.setattr("ogmonitor.findings.services.schedule_recompute",
                        lambda study, user=None: calls.append(study.pk))
    return calls


@pytest.fixture
def field(ngo_a, two_communities):
    study = StudyFactory(slug="fieldwork", organization=ngo_a, status=Study.Status.COLLECTING,
                         communities=two_communities)
    QuestionnaireFactory(study=study)
    return study


def devices(study, community, count: int) -> list[str]:
    """``count`` enumerators assigned to ``community``, each with an API token (its device)."""
    tokens = []
    for _number in range(count):
        user = UserFactory(role=Role.ENUMERATOR, password=None)  # a token, no password to hash
        user.communities.set([community])
        StudyMemberFactory(study=study, user=user, role=StudyMember.Role.ENUMERATOR, communities=[community])
        tokens.append(Token.objects.create(user=user).key)
    return tokens


class Device:
    """One enumerator's phone: sends its forms one after the other, some of them twice."""

    def __init__(self, base_url: str, study: Study, community, token: str, forms: int, resend_every: int):
        self.url = f"{base_url}/api/v1/studies/{study.slug}/submissions/"
        self.community = community.slug
        self.headers = {"Authorization": f"Token {token}", "Accept-Language": "en"}
        self.forms = forms
        self.resend_every = resend_every
        self.uuids: list[str] = []
        self.statuses: Counter = Counter()
        self.failures: list[str] = []
        self.lock = threading.Lock()

    def body(self, key: str) -> dict:
        return {"uuid": key, "answers": ANSWERS, "respondent": {
            "community": self.community, "gender": "woman", "channel": "face_to_face", "interview_date": "2024-05-06",
        }}

    def post(self, session: requests.Session, key: str) -> None:
        try:
            response = session.post(self.url, json=self.body(key), headers=self.headers, timeout=60)
        except requests.RequestException as error:  # recorded: the test fails with the reason
            outcome, detail = "no answer", repr(error)
        else:
            outcome, detail = response.status_code, response.text[:300]
        with self.lock:
            self.statuses[outcome] += 1
            if outcome not in (200, 201):
                self.failures.append(f"{key}: {outcome} {detail}")

    def run(self) -> None:
        with requests.Session() as session:
            for number in range(self.forms):
                key = str(uuid.uuid4())
                self.uuids.append(key)
                if number % self.resend_every == 0 and number // self.resend_every % 2:
                    self.race(key)  # the same form from a second connection, at the same moment
                else:
                    self.post(session, key)
                    if number % self.resend_every == 0:
                        self.post(session, key)  # a retry once the first answer is in

    def race(self, key: str) -> None:
        start = threading.Barrier(2)

        def send():
            with requests.Session() as session:
                start.wait()
                self.post(session, key)

        twin = threading.Thread(target=send)
        twin.start()
        send()
        twin.join()


def send_from_devices(live_server, study, community, clients: int, forms: int) -> list[Device]:
    phones = [
        Device(live_server.url, study, community, token, forms, resend_every=10)
        for token in devices(study, community, clients)
    ]
    threads = [threading.Thread(target=phone.run) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a device never finished"
    return phones


def assert_each_form_stored_once(study, phones: list[Device], forms: int) -> None:
    failures = [failure for phone in phones for failure in phone.failures]
    assert not failures, failures[:5]
    statuses = sum((phone.statuses for phone in phones), Counter())
    sent = [key for phone in phones for key in phone.uuids]
    expected = len(phones) * forms
    assert len(set(sent)) == expected
    # Every form answered 201 once; every second sending of it 200 (the stored submission).
    assert statuses == {201: expected, 200: len(phones) * len(range(0, forms, 10))}

    stored = Submission.objects.filter(study=study)
    assert stored.count() == expected
    assert set(stored.values_list("uuid", flat=True)) == {uuid.UUID(key) for key in sent}
    assert not stored.exclude(status=Submission.Status.SUBMITTED).exists()
    assert Answer.objects.filter(submission__study=study).count() == expected * ANSWER_ROWS
    incomplete = stored.annotate(rows=Count("answers")).exclude(rows=ANSWER_ROWS)
    assert not incomplete.exists(), list(incomplete.values_list("uuid", "rows")[:5])
    # One respondent per form, numbered without a gap or a repeat.
    codes = set(Respondent.objects.filter(study=study).values_list("code", flat=True))
    assert codes == {f"R-{number:04d}" for number in range(1, expected + 1)}


def test_twenty_devices_sending_a_hundred_forms_each_store_exactly_two_thousand(live_server, field, two_communities,
                                                                                announced):
    phones = send_from_devices(live_server, field, two_communities[0], clients=20, forms=100)
    assert_each_form_stored_once(field, phones, forms=100)
    assert announced == [field.pk] * 2000
