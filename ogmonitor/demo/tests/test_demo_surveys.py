"""The demo studies: the 2022 questionnaire and SYNTHETIC answers, the 2017 published figures.

The 2022 counts are counted here with the ORM the way findings will count them (distinct
submissions giving an answer over a base), and must give the seed's published percentages.
"""

import csv
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from openpyxl import load_workbook

from ogmonitor.demo.loaders.common import DATA_DIR
from ogmonitor.surveys.models import (
    AggregateResult,
    Answer,
    ImportBatch,
    Questionnaire,
    Respondent,
    Study,
    StudyMember,
    Submission,
)

SURVEYS_DIR = DATA_DIR / "surveys"
CSV_NAME = "local-2022-responses-SYNTHETIC.csv"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

QUESTION_NAMES = [
    "nap_aware",
    "nap_info_source",
    "eservices_use",
    "terminal_in_community",
    "portal_aware",
    "mobile_interface_use",
    "dialogue_platform_aware",
    "community_councils_aware",
    "cbo_familiar",
    "municipal_reports",
]
PROFILE_NAMES = ["category", "gender", "community", "channel", "interview_date"]
CATEGORY_SPLIT = {
    "municipality": 17,
    "excom": 12,
    "community_council": 20,
    "ngo": 8,
    "entrepreneur": 8,
}

#: (question, answer, count, base, published %). Base "all": every respondent; "answered": those
#: who answered the question (one left each of the last two blank).
FIGURES_2022 = [
    ("nap_aware", "yes", 15, 65, "23.1"),
    ("eservices_use", "yes", 39, 65, "60.0"),
    ("portal_aware", "yes", 10, 65, "15.4"),
    ("mobile_interface_use", "yes", 31, 65, "47.7"),
    ("dialogue_platform_aware", "partly", 23, 65, "35.4"),
    ("community_councils_aware", "yes", 34, 64, "53.1"),
    ("cbo_familiar", "yes", 54, 65, "83.1"),
    ("municipal_reports", "yes", 46, 64, "71.9"),
]


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The questionnaire and the response file are stored as uploads: keep them out of var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load once for a class of read-only tests, rolled back after it (as in test_load_demo)."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=tmp_path_factory.mktemp("media")
        ),
        transaction.atomic(),
    ):
        yield load_demo()
        transaction.set_rollback(True)


def percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def answers(name: str):
    return Answer.objects.filter(submission__study__slug="local-2022", question__name=name)


def submissions_answering(name: str, choice: str | None = None) -> int:
    found = answers(name)
    if choice is not None:
        found = found.filter(choice__name=choice)
    return found.values("submission").distinct().count()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoStudies:
    """What one load gives the two rounds."""

    def test_both_rounds_exist_with_their_slugs_plans_and_order(self):
        earlier = Study.objects.get(slug="sabirabad-2017")
        later = Study.objects.get(slug="local-2022")
        assert (earlier.plan.slug, later.plan.slug) == ("nap-2016-2018", "nap-2020-2022")
        assert later.previous == earlier and earlier.previous is None
        for study in (earlier, later):
            assert study.organization.slug == "umid"
            assert study.status == Study.Status.PUBLISHED
            assert (
                study.title_az and study.title_en and study.description_az and study.description_en
            )
            assert "seeds/" in study.source_note_az and "seeds/" in study.source_note_en
        assert earlier.aggregate_only and not later.aggregate_only
        assert earlier.areas.count() == 6  # "6 of 11 points"
        assert sorted(later.channels) == ["face_to_face", "online_meeting", "web_form"]
        assert earlier.communities.count() == 15 and later.communities.count() == 12
        assert sorted(later.districts.values_list("code", flat=True)) == [
            "AZ-QBA",
            "AZ-QUS",
            "AZ-SBN",
            "AZ-XAC",
        ]
        assert "SYNTHETIC" in later.description_en and "SİNTETİK" in later.description_az

    def test_the_coordinator_runs_both_and_the_enumerator_two_2022_communities(self):
        members = StudyMember.objects.filter(study__slug="local-2022")
        assert members.get(user__username="coordinator").role == StudyMember.Role.COORDINATOR
        enumerator = members.get(user__username="enumerator")
        assert enumerator.role == StudyMember.Role.ENUMERATOR
        assert sorted(enumerator.communities.values_list("slug", flat=True)) == [
            "guba-demo-community-1",
            "guba-demo-community-2",
        ]
        assert StudyMember.objects.get(study__slug="sabirabad-2017").user.username == "coordinator"

    def test_the_2022_questionnaire_has_the_stable_question_names_in_az_and_en(self):
        questionnaire = Questionnaire.objects.get(study__slug="local-2022")
        assert (questionnaire.form_id, questionnaire.default_language) == ("local_2022", "az")
        questions = {question.name: question for question in questionnaire.questions.all()}
        assert set(QUESTION_NAMES + PROFILE_NAMES + ["profile"]) <= set(questions)
        for name in QUESTION_NAMES + PROFILE_NAMES:
            question = questions[name]
            assert (
                question.label_az and question.label_en and question.label_az != question.label_en
            ), name
        assert questions["category"].path == "profile/category"
        assert (
            questions["nap_aware"].list_name
            == questions["dialogue_platform_aware"].list_name
            == "aware3"
        )
        choices = questionnaire.choices
        assert list(choices.filter(list_name="aware3").values_list("name", flat=True)) == [
            "yes",
            "partly",
            "no",
        ]
        assert set(choices.filter(list_name="category").values_list("name", flat=True)) == {
            "municipality",
            "excom",
            "community_council",
            "ngo",
            "entrepreneur",
            "other",
        }
        assert choices.filter(list_name="community").count() == 12
        assert all(choice.label_az and choice.label_en for choice in choices.all())

    def test_the_follow_up_is_asked_only_of_those_who_know_the_plan(self):
        questions = Questionnaire.objects.get(study__slug="local-2022").questions
        follow_up = questions.get(name="nap_info_source")
        assert follow_up.type == "select_multiple" and follow_up.required
        assert follow_up.relevant == "${nap_aware} = 'yes' or ${nap_aware} = 'partly'"
        assert questions.get(name="nap_aware").required
        asked = Submission.objects.filter(
            study__slug="local-2022", answers__question__name="nap_info_source"
        )
        assert asked.distinct().count() == 15 + 18
        assert not asked.filter(
            answers__question__name="nap_aware", answers__choice__name="no"
        ).exists()
        # The seed: they heard of it mainly from TV and the press.
        sources = answers("nap_info_source").values_list("choice__name", flat=True)
        ranked = sorted(set(sources), key=lambda name: -list(sources).count(name))
        assert ranked[:2] == ["tv", "press"]

    def test_questions_link_to_the_2020_2022_plan(self):
        questions = Questionnaire.objects.get(study__slug="local-2022").questions
        links = {
            question.name: (
                question.nap_activity.number if question.nap_activity else None,
                question.nap_area.number if question.nap_area else None,
            )
            for question in questions.select_related("nap_activity", "nap_area")
        }
        assert links["eservices_use"] == ("1.1", None)
        assert links["portal_aware"] == ("2.1", None)
        assert links["dialogue_platform_aware"] == ("3.1", None)
        assert links["community_councils_aware"] == (None, 4)
        assert links["municipal_reports"] == ("5.1", None)
        for question in questions.exclude(nap_activity=None):
            assert question.nap_activity.plan.slug == "nap-2020-2022"

    def test_65_respondents_7_women_58_men_in_12_communities(self):
        respondents = Respondent.objects.filter(study__slug="local-2022")
        assert respondents.count() == 65
        assert respondents.filter(gender="woman").count() == 7
        assert respondents.filter(gender="man").count() == 58
        assert respondents.values("community").distinct().count() == 12
        assert not respondents.filter(community=None).exists()
        split = {code: respondents.filter(category__code=code).count() for code in CATEGORY_SPLIT}
        assert split == CATEGORY_SPLIT
        assert set(respondents.values_list("channel", flat=True)) == {
            "face_to_face",
            "online_meeting",
            "web_form",
        }
        dates = respondents.values_list("interview_date", flat=True)
        assert all(date.year == 2022 and 3 <= date.month <= 5 for date in dates)
        submissions = Submission.objects.filter(study__slug="local-2022")
        assert submissions.count() == 65
        assert not submissions.exclude(source=Submission.Source.IMPORT).exists()

    @pytest.mark.parametrize("name, choice, count, base, published", FIGURES_2022)
    def test_the_synthetic_answers_give_the_published_2022_figure(
        self, name, choice, count, base, published
    ):
        answered = submissions_answering(name)
        denominator = 65 if base == 65 else answered
        assert answered == base
        assert submissions_answering(name, choice) == count
        assert percent(count, denominator) == Decimal(published)

    def test_three_in_four_do_not_know_the_plan_or_only_partly(self):
        unaware = (
            answers("nap_aware")
            .filter(choice__name__in=["no", "partly"])
            .values("submission")
            .distinct()
        )
        assert unaware.count() == 50
        assert percent(50, 65) == Decimal("76.9")

    def test_payment_terminals_are_in_4_of_the_12_communities(self):
        said_yes = answers("terminal_in_community").filter(choice__name="yes")
        communities = said_yes.values("submission__respondent__community").distinct()
        assert communities.count() == 4
        # Answered consistently: nobody in those communities says there is none.
        others = answers("terminal_in_community").exclude(choice__name="yes")
        assert not others.filter(submission__respondent__community__in=communities).exists()

    def test_those_aware_of_the_plan_are_mostly_excom_municipality_and_ngo_people(self):
        aware = Respondent.objects.filter(
            submission__answers__question__name="nap_aware", submission__answers__choice__name="yes"
        )
        assert aware.count() == 15
        assert aware.filter(category__code__in=["excom", "municipality", "ngo"]).count() >= 12

    @pytest.mark.parametrize(
        "key, choice, numerator, denominator, percentage",
        [
            ("eservices_use", "yes", 22, 50, "44"),
            ("portal_aware", "yes", 8, 50, "16"),
            ("mobile_interface_use", "yes", 9, 50, "18"),
            ("dialogue_platform_aware", "partly", 12, 50, "24"),
            ("community_councils_aware", "yes", 15, 50, "30"),
            ("municipal_reports", "yes", 40, 50, "80"),
        ],
    )
    def test_the_2017_round_holds_the_published_figures(
        self, key, choice, numerator, denominator, percentage
    ):
        figure = AggregateResult.objects.get(study__slug="sabirabad-2017", key=key, choice=choice)
        assert (figure.numerator, figure.denominator) == (numerator, denominator)
        assert figure.percentage == Decimal(percentage)
        assert figure.unit == AggregateResult.Unit.RESPONDENTS and not figure.base_uncertain
        assert (
            figure.label_az and figure.label_en and figure.source_note_az and figure.source_note_en
        )

    def test_the_2017_figures_with_an_unclear_base_or_a_range_are_kept_as_published(self):
        figures = AggregateResult.objects.filter(study__slug="sabirabad-2017")
        assert figures.count() == 10
        aware = figures.get(key="nap_aware")
        assert (aware.choice, aware.percentage, aware.numerator, aware.denominator) == (
            "yes",
            25,
            12,
            48,
        )
        assert (
            aware.base_uncertain
            and "12/48" in aware.source_note_en
            and "12/48" in aware.source_note_az
        )
        organisations = figures.get(key="cbo_familiar")
        assert (organisations.percentage, organisations.percentage_upper) == (90, 95)
        assert organisations.numerator is None
        terminals = figures.get(key="terminal_in_community")
        assert (terminals.unit, terminals.numerator, terminals.denominator) == (
            "communities",
            2,
            15,
        )
        pages = figures.get(key="municipal_social_page")
        assert (pages.unit, pages.percentage, pages.base_uncertain) == ("municipalities", 10, True)
        # Every 2017 key but the social pages is a 2022 question, so the rounds can be compared.
        keys = set(figures.exclude(key="municipal_social_page").values_list("key", flat=True))
        assert keys <= set(QUESTION_NAMES)


@pytest.mark.django_db
def test_loading_twice_changes_no_table():
    load_demo()
    first = row_counts()
    load_demo()
    assert row_counts() == first
    assert first["surveys.Submission"] == 65 and first["surveys.ImportBatch"] == 1
    assert first["surveys.Questionnaire"] == 1 and first["surveys.AggregateResult"] == 10


@pytest.mark.django_db
def test_a_second_import_of_the_responses_skips_every_row_by_its_uuid():
    load_demo()
    ImportBatch.objects.all().delete()  # as if the file had never been imported
    load_demo()
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.created_count, batch.duplicate_count) == ("done", 0, 65)
    assert Submission.objects.filter(study__slug="local-2022").count() == 65


@pytest.mark.django_db
def test_an_xlsform_saved_again_with_the_same_content_is_not_a_new_version():
    load_demo()
    questionnaire = Questionnaire.objects.get()
    workbook = load_workbook(SURVEYS_DIR / "local-2022.xlsx")
    resaved = BytesIO()
    workbook.save(resaved)  # other bytes (openpyxl's own layout and time stamp), same form
    questionnaire.source_file.save("local-2022.xlsx", ContentFile(resaved.getvalue()))
    load_demo()
    assert Questionnaire.objects.get() == questionnaire


def test_the_response_file_says_it_is_synthetic_in_its_name_and_on_every_row():
    path = SURVEYS_DIR / CSV_NAME
    assert "SYNTHETIC" in path.name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "synthetic_note"
    assert len(rows) == 1 + 65
    assert {row[0] for row in rows[1:]} == {"SYNTHETIC demo data — not real answers"}
    uuids = [row[rows[0].index("_uuid")] for row in rows[1:]]
    assert len(set(uuids)) == 65


@pytest.mark.parametrize(
    "script, committed",
    [("build_synthetic.py", CSV_NAME), ("build_xlsform.py", "local-2022.xlsx")],
)
def test_the_build_scripts_reproduce_the_committed_files_byte_for_byte(tmp_path, script, committed):
    output = tmp_path / committed
    subprocess.run(
        [sys.executable, str(SURVEYS_DIR / script), str(output)], check=True, capture_output=True
    )
    assert output.read_bytes() == Path(SURVEYS_DIR / committed).read_bytes()
