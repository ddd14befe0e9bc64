"""The log entries in the admin: readable, never added, changed or deleted, not even by a superuser."""

import pytest
from django.urls import reverse

from ogmonitor.accounts.factories import UserFactory

from .world import latest_about

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_a_superuser_reads_the_entries(client_for, superuser, submission_a):
    entry = latest_about(submission_a)
    client = client_for(superuser)

    listing = client.get(reverse("admin:auditlog_logentry_changelist"))
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))

    assert listing.status_code == 200 and str(submission_a.uuid) in listing.content.decode()
    assert detail.status_code == 200 and 'type="submit"' not in detail.content.decode().split('id="content"')[1]


def test_a_superuser_can_neither_add_change_nor_delete_an_entry(client_for, superuser, submission_a):
    entry = latest_about(submission_a)
    client = client_for(superuser)
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    delete = reverse("admin:auditlog_logentry_delete", args=[entry.pk])

    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    assert client.post(change, {"object_repr": "rewritten", "action": 2}).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    listing = client.post(
        reverse("admin:auditlog_logentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert listing.status_code in (200, 302)  # no such action: the list is shown again

    before = (entry.object_repr, entry.action, entry.changes, entry.timestamp)
    entry.refresh_from_db()
    assert (entry.object_repr, entry.action, entry.changes, entry.timestamp) == before


def test_a_coordinator_with_admin_access_sees_only_their_organisations_entries(client_for, coordinator, submission_a, submission_b):
    coordinator.is_staff = True
    coordinator.save()

    listing = client_for(coordinator).get(reverse("admin:auditlog_logentry_changelist")).content.decode()

    assert str(submission_a.uuid) in listing and str(submission_b.uuid) not in listing


def test_an_enumerator_with_admin_access_does_not_see_the_log(client_for, enumerator, submission_a):
    enumerator.is_staff = True
    enumerator.save()

    response = client_for(enumerator).get(reverse("admin:auditlog_logentry_changelist"))

    assert response.status_code == 403
