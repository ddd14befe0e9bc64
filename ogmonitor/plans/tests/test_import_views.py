"""The plan import pages: who may use them, the dry run, the commit and the template downloads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from ogmonitor.lib.tabular import open_table
from ogmonitor.plans.factories import ActionPlanFactory
from ogmonitor.plans.models import Activity, Area

from .test_import import HEADER, activity, stored, three_activities, write_csv


@pytest.fixture(autouse=True)
def english_and_private_media(settings, tmp_path):
    """Pages in English (the Azerbaijani catalogue comes later); uploads kept in a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def plan(db):
    return ActionPlanFactory(slug="nap-2020")


def import_url(plan) -> str:
    return reverse("plans:import", args=[plan.slug])


def upload(path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def stored_uploads(settings, plan) -> list:
    folder = settings.MEDIA_ROOT / "imports" / f"plan-{plan.pk}"
    return sorted(folder.iterdir()) if folder.exists() else []


def dry_run(client, plan, path):
    return client.post(import_url(plan), {"file": upload(path)})


def commit_token(response) -> dict[str, str]:
    form = response.context["commit_form"]
    return {"action": "commit", "token": form.initial["token"], "filename": form.initial["filename"]}


# Who may import


def test_anonymous_visitors_are_sent_to_log_in(client, plan):
    for response in (client.get(import_url(plan)), client.post(import_url(plan))):
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", ["enumerator", "municipality_editor"])
def test_staff_who_do_not_manage_plans_are_forbidden(request, client_for, plan, tmp_path, role):
    client = client_for(request.getfixturevalue(role))
    path = write_csv(tmp_path / "plan.csv", three_activities())

    assert client.get(import_url(plan)).status_code == 403
    assert dry_run(client, plan, path).status_code == 403
    assert client.post(import_url(plan), {"action": "commit", "token": "0" * 32, "filename": "x"}).status_code == 403
    assert Activity.objects.count() == 0


@pytest.mark.parametrize("role", ["coordinator", "administrator"])
def test_coordinators_and_administrators_get_the_form_the_columns_and_the_templates(request, client_for, plan, role):
    response = client_for(request.getfixturevalue(role)).get(import_url(plan))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="file"' in page
    assert all(f"<code>{name}</code>" in page for name in HEADER)
    assert reverse("plans:import_template", args=["csv"]) in page
    assert reverse("plans:import_template", args=["xlsx"]) in page


def test_the_plan_page_links_to_the_import_for_coordinators_only(client, client_for, coordinator, plan):
    assert import_url(plan) in client_for(coordinator).get(plan.get_absolute_url()).content.decode()
    assert import_url(plan) not in client.get(plan.get_absolute_url()).content.decode()


def test_an_unknown_plan_is_not_found(client_for, coordinator):
    assert client_for(coordinator).get(reverse("plans:import", args=["no-such-plan"])).status_code == 404


# Dry run


def test_the_dry_run_lists_every_problem_with_its_place_and_writes_nothing(client_for, coordinator, plan, settings, tmp_path):
    rows = [activity(), activity(activity_number="1,2"), activity(title_az="Təkrar")]
    path = write_csv(tmp_path / "plan.csv", rows)

    response = dry_run(client_for(coordinator), plan, path)

    page = response.content.decode()
    assert response.status_code == 200
    assert "The file has 2 problems" in page
    assert "plan.csv, row 3, column D (activity_number)" in page
    assert "Activity 1.1 appears twice, in rows 2 and 4" in page
    assert "Commit import" not in page
    assert Activity.objects.count() == 0
    assert stored_uploads(settings, plan) == []


def test_the_dry_run_of_a_clean_file_shows_what_would_change_and_offers_the_commit(client_for, coordinator, plan, settings, tmp_path):
    rows = three_activities()
    rows[1]["executors"] = "Naməlum Qurum"

    response = dry_run(client_for(coordinator), plan, write_csv(tmp_path / "plan.csv", rows))

    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.counts.areas_created, preview.counts.activities_created) == (2, 3)
    page = response.content.decode()
    assert "Commit import" in page
    assert "Naməlum Qurum <span class=\"muted\">(row 3)</span>" in page
    assert Activity.objects.count() == 0
    assert len(stored_uploads(settings, plan)) == 1


def test_a_file_in_the_wrong_encoding_is_explained_on_the_page(client_for, coordinator, plan, tmp_path):
    path = write_csv(tmp_path / "plan.csv", three_activities(), encoding="cp1254", errors="replace")

    page = dry_run(client_for(coordinator), plan, path).content.decode()

    assert "plan.csv, row 2" in page
    assert "Save it as “CSV UTF-8”" in page


def test_a_file_over_the_size_limit_is_refused_with_the_limit_stated(client_for, coordinator, plan, settings, tmp_path):
    settings.OGMONITOR_MAX_UPLOAD_BYTES = 1000
    path = write_csv(tmp_path / "plan.csv", three_activities())

    response = dry_run(client_for(coordinator), plan, path)

    assert "at most 1000\xa0bytes can be imported" in response.content.decode()
    assert response.context["form"].errors["file"]
    assert response.context["preview"] is None


def test_posting_without_a_file_asks_for_one(client_for, coordinator, plan):
    response = client_for(coordinator).post(import_url(plan), {"action": "check"})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]


# Commit


def test_commit_writes_the_checked_file_and_reports_the_counts_on_the_plan_page(client_for, coordinator, plan, settings, tmp_path):
    client = client_for(coordinator)
    checked = dry_run(client, plan, write_csv(tmp_path / "plan.csv", three_activities()))

    response = client.post(import_url(plan), commit_token(checked), follow=True)

    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    page = response.content.decode()
    assert "Areas: 2 new, 0 changed, 0 unchanged. Activities: 3 new, 0 changed, 0 unchanged." in page
    assert "Working group meetings across the country" in page
    assert Activity.objects.get(plan=plan, number="1.1").title_az.startswith("İşçi qrupunun ölkə üzrə görüşləri")
    assert Area.objects.filter(plan=plan).count() == 2
    assert Activity.objects.filter(plan=plan).count() == 3
    assert stored_uploads(settings, plan) == []


def test_a_commit_cannot_be_replayed_once_done(client_for, coordinator, plan, tmp_path):
    client = client_for(coordinator)
    token = commit_token(dry_run(client, plan, write_csv(tmp_path / "plan.csv", three_activities())))
    client.post(import_url(plan), token)
    before = stored()

    response = client.post(import_url(plan), token, follow=True)

    assert "no longer on the server" in response.content.decode()
    assert stored() == before


def test_a_token_checked_for_one_plan_cannot_commit_into_another(client_for, coordinator, plan, tmp_path):
    client = client_for(coordinator)
    other = ActionPlanFactory(slug="nap-2024", start_year=2024, end_year=2026)
    token = commit_token(dry_run(client, plan, write_csv(tmp_path / "plan.csv", three_activities())))

    response = client.post(import_url(other), token, follow=True)

    assert "no longer on the server" in response.content.decode()
    assert Activity.objects.count() == 0


@pytest.mark.parametrize("token", ["../../secret_key", "", "A" * 32])
def test_a_forged_token_is_refused(client_for, coordinator, plan, token):
    response = client_for(coordinator).post(
        import_url(plan), {"action": "commit", "token": token, "filename": "x.csv"}, follow=True
    )

    assert "no longer on the server" in response.content.decode()
    assert Activity.objects.count() == 0


def test_importing_the_same_file_twice_through_the_pages_creates_no_duplicates(client_for, coordinator, plan, tmp_path):
    client = client_for(coordinator)
    path = write_csv(tmp_path / "plan.csv", three_activities())
    client.post(import_url(plan), commit_token(dry_run(client, plan, path)))

    again = dry_run(client, plan, path)
    response = client.post(import_url(plan), commit_token(again), follow=True)

    assert again.context["preview"].counts.activities_unchanged == 3
    assert "Activities: 0 new, 0 changed, 3 unchanged." in response.content.decode()
    assert Activity.objects.filter(plan=plan).count() == 3


# Templates


def test_anyone_can_download_the_csv_template_with_a_bom_and_it_reads_back(client):
    response = client.get(reverse("plans:import_template", args=["csv"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = open_table(io.BytesIO(response.content), "template.csv")
    assert table.headers == HEADER
    assert len(list(table.rows)) == 1


def test_anyone_can_download_the_xlsx_template_with_a_bold_header_and_a_columns_sheet(client):
    response = client.get(reverse("plans:import_template", args=["xlsx"]))

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["plan", "columns"]
    sheet = workbook["plan"]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.max_row == 2
    guide = [row for row in workbook["columns"].iter_rows(min_row=2, values_only=True)]
    assert [row[0] for row in guide] == HEADER
    assert all(row[2] for row in guide)  # every column described


def test_an_unknown_template_format_is_not_found(client):
    assert client.get(reverse("plans:import_template", args=["ods"])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_downloaded_template_imports_through_the_pages(client, client_for, coordinator, plan, tmp_path, fmt):
    path = tmp_path / f"template.{fmt}"
    path.write_bytes(client.get(reverse("plans:import_template", args=[fmt])).content)
    staff = client_for(coordinator)

    checked = dry_run(staff, plan, path)
    assert checked.context["problems"] == []
    staff.post(import_url(plan), commit_token(checked))

    assert Activity.objects.get(plan=plan, number="1.1").executors_text_az == "Ədliyyə Nazirliyi"
