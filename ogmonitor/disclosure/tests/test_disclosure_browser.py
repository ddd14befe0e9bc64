"""Recording a publication from the checklist in real Chromium, in Azerbaijani.

A municipality editor opens their municipality's disclosure page, records the publication of an
item from its row (a missing link is refused first, with what was typed kept), and the row and
the index change in place, without the page being reloaded. The same editor gets 403 on the
record form of another municipality.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ogmonitor.disclosure.factories import ItemFactory
from ogmonitor.disclosure.models import Publication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_editor_records_a_publication_and_the_index_rises_without_a_reload(
    page, live_server, login, municipality_editor, municipality, other_municipality, test_output_dir,
):
    budget = ItemFactory(code="budget", name_az="Təsdiq olunmuş büdcə", name_en="Approved budget", weight=Decimal(3))
    ItemFactory(code="contacts", name_az="Əlaqə məlumatları", name_en="Contacts", weight=Decimal(1))

    login(page, municipality_editor, "az")
    page.goto(f"{live_server.url}/az/disclosure/organizations/{municipality.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "az")
    index = page.locator("#disclosure-index")
    expect(index).to_have_attribute("data-index", "0.0")
    # A full reload would drop this flag; an HTMX swap keeps it.
    page.evaluate("window.notReloaded = true")

    row = page.locator(f"#item-{budget.pk}")
    expect(row).to_have_attribute("data-state", "missing")
    row.locator("summary").click()
    form = row.locator("form")
    form.locator("input[name=title]").fill("2026-cı il üçün büdcə")
    form.locator("button[type=submit]").click()

    # No link for a social-media post: refused in the row, what was typed kept, nothing saved.
    row = page.locator(f"#item-{budget.pk}")
    expect(row.locator(".error")).to_be_visible()
    expect(row.locator("input[name=title]")).to_have_value("2026-cı il üçün büdcə")
    expect(index).to_have_attribute("data-index", "0.0")
    assert not Publication.objects.exists()

    row.locator("input[name=url]").fill("https://social.example.org/mayor/posts/1")
    row.locator("button[type=submit]").click()

    expect(page.locator(f"#item-{budget.pk}")).to_have_attribute("data-state", "current")
    expect(index).to_have_attribute("data-index", "75.0")
    expect(page.locator(f"#item-{budget.pk} [role=status]")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=str(test_output_dir / "screenshots" / "disclosure-record-az.png"), full_page=True)
    publication = Publication.objects.get()
    assert (publication.organization, publication.item, publication.recorded_by) == (municipality, budget, municipality_editor)

    response = page.goto(f"{live_server.url}/az/disclosure/organizations/{other_municipality.slug}/record/")
    assert response.status == 403
