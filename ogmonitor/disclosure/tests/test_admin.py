"""The checklist is configured in the admin, and publications can be verified there."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ogmonitor.disclosure.factories import (
    CategoryFactory,
    ItemFactory,
    PeriodFactory,
    PublicationFactory,
)
from ogmonitor.disclosure.models import Item


@pytest.mark.parametrize("model", ["category", "item", "period", "publication"])
def test_an_administrator_opens_each_list_and_form(client_for, administrator, model):
    PublicationFactory(item=ItemFactory(), published_on=dt.date(2022, 3, 2))
    PeriodFactory()
    client = client_for(administrator)
    assert client.get(reverse(f"admin:disclosure_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:disclosure_{model}_add")).status_code == 200


def test_an_item_is_configured_in_both_languages(client_for, administrator):
    category = CategoryFactory()
    response = client_for(administrator).post(reverse("admin:disclosure_item_add"), {
        "category": category.pk, "code": "budget", "name_az": "Büdcə", "name_en": "Budget",
        "description_az": "", "description_en": "", "position": 1, "weight": "2.5",
        "current_for_days": "365", "applies_to": "both", "is_active": "on",
    })
    assert response.status_code == 302
    item = Item.objects.get(code="budget")
    assert (item.name_az, item.name_en, item.weight, item.current_for_days, item.applies_to) == (
        "Büdcə", "Budget", Decimal("2.5"), 365, "both",
    )


def test_the_verify_action_marks_publications_checked_by_the_administrator(client_for, administrator):
    publications = [PublicationFactory(published_on=dt.date(2022, 3, day)) for day in (2, 3)]
    response = client_for(administrator).post(reverse("admin:disclosure_publication_changelist"), {
        "action": "mark_verified", "_selected_action": [publication.pk for publication in publications],
    })
    assert response.status_code == 302
    for publication in publications:
        publication.refresh_from_db()
        assert publication.verified_by == administrator and publication.verified_on is not None
