"""XLSForm upload: a valid form is stored as a version; any problem is located and nothing is saved."""

import copy
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from ogmonitor.plans.factories import ActivityFactory, AreaFactory
from ogmonitor.surveys.factories import (
    AZ,
    EN,
    SAMPLE_CHOICES,
    SAMPLE_FORM,
    SAMPLE_SETTINGS,
    SAMPLE_SURVEY,
    QuestionnaireFactory,
    StudyFactory,
    label,
    make_xlsform,
)
from ogmonitor.surveys.models import Choice, Question, Questionnaire
from ogmonitor.surveys.services import create_questionnaire, export_questionnaire
from ogmonitor.surveys.xlsform import XLSFormError, read_xlsform, translate_pyxform_message


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, whatever the az catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def study(db):
    study = StudyFactory()
    area = AreaFactory(plan=study.plan, number=1)
    ActivityFactory(area=area, number="1.1")
    return study


def survey_with(index: int, **changes) -> list[dict]:
    rows = copy.deepcopy(SAMPLE_SURVEY)
    rows[index].update(changes)
    return rows


def upload_problems(study, data: bytes, filename="form.xlsx"):
    with pytest.raises(XLSFormError) as caught:
        create_questionnaire(study, io.BytesIO(data), filename, None)
    assert Questionnaire.objects.count() == 0
    assert Question.objects.count() == 0
    assert Choice.objects.count() == 0
    return caught.value.problems


def only_problem(problems):
    assert len(problems) == 1, [str(problem) for problem in problems]
    return problems[0]


# --- A valid form ---------------------------------------------------------------------------------


def test_valid_upload_stores_questions_choices_and_definition(study, coordinator):
    questionnaire = create_questionnaire(study, io.BytesIO(SAMPLE_FORM), "monitoring.xlsx", coordinator)

    assert questionnaire.version == 1
    assert questionnaire.title == "Yerli monitorinq sorğusu"
    assert questionnaire.form_id == "local_monitoring"
    assert questionnaire.form_version == "2024-01"
    assert questionnaire.default_language == "az"
    assert questionnaire.created_by == coordinator
    assert questionnaire.source_file.name.endswith(".xlsx")
    assert questionnaire.definition["id_string"] == "local_monitoring"
    questions = list(questionnaire.questions.order_by("position"))
    assert [q.name for q in questions] == [
        "intro", "aware", "details", "heard_from", "meetings", "details", "satisfaction", "other_channel",
        "interview_date", "comment",
    ]
    assert [q.type for q in questions][:6] == ["note", "select_one", "begin_group", "select_multiple", "integer", "end_group"]
    meetings = questions[4]
    assert meetings.path == "details/meetings"
    assert meetings.row == 6
    assert meetings.constraint == ". >= 0 and . <= 50"
    assert meetings.constraint_message_en == "Enter a number from 0 to 50."
    aware = questions[1]
    assert aware.required and aware.list_name == "yes_no"
    assert aware.nap_activity.number == "1.1"
    assert questions[6].nap_area.number == 1
    assert questionnaire.choices.filter(list_name="channels").count() == 4


def test_azerbaijani_labels_are_kept_letter_for_letter(study):
    questionnaire = create_questionnaire(study, io.BytesIO(SAMPLE_FORM), "form.xlsx", None)
    aware = questionnaire.questions.get(name="aware")
    assert aware.label_az == "Milli Fəaliyyət Planı haqqında eşitmisinizmi?"
    assert aware.label_en == "Have you heard of the National Action Plan?"
    assert aware.hint_az == "Bir cavab seçin."
    assert questionnaire.choices.get(list_name="channels", name="media").label_az == "KİV"
    assert questionnaire.questions.get(name="meetings").constraint_message_az == "0 ilə 50 arasında bir ədəd yazın."


def test_each_upload_is_a_new_version(study):
    first = create_questionnaire(study, io.BytesIO(SAMPLE_FORM), "form.xlsx", None)
    second = create_questionnaire(study, io.BytesIO(SAMPLE_FORM), "form.xlsx", None)
    assert (first.version, second.version) == (1, 2)
    assert study.current_questionnaire == second
    assert first.questions.count() == second.questions.count() == 10


def test_plain_label_column_is_the_default_language(db):
    data = make_xlsform(
        [{"type": "integer", "name": "age", "label": "Yaşınız?", f"label::{EN}": "Your age?"}],
        settings={"form_id": "ages", "default_language": AZ},
    )
    form = read_xlsform(io.BytesIO(data), "ages.xlsx")
    assert form.questions[0].labels == {"az": "Yaşınız?", "en": "Your age?"}
    assert form.languages == ["az", "en"]


def test_kobo_metadata_rows_are_accepted_and_not_questions(db):
    data = make_xlsform(
        [{"type": "start", "name": "start"}, {"type": "today", "name": "today"},
         {"type": "text", "name": "town", **label("Şəhər", "Town")}],
        settings={"form_id": "meta"},
    )
    form = read_xlsform(io.BytesIO(data), "meta.xlsx")
    assert [q.name for q in form.questions] == ["town"]
    assert [row["type"] for row in form.metadata] == ["start", "today"]


def test_other_languages_and_unknown_columns_are_kept_as_extra(db):
    data = make_xlsform(
        [{"type": "text", "name": "town", **label("Şəhər", "Town"), "label::Russian (ru)": "Город",
          "media::image": "town.png"}],
        settings={"form_id": "extra"},
    )
    form = read_xlsform(io.BytesIO(data), "extra.xlsx")
    assert form.questions[0].extra == {"label::Russian (ru)": "Город", "media::image": "town.png"}
    assert form.languages == ["az", "en", "ru"]


# --- Each kind of error ---------------------------------------------------------------------------


def test_missing_survey_sheet_is_reported_and_nothing_saved(study):
    data = make_xlsform(SAMPLE_SURVEY, SAMPLE_CHOICES, SAMPLE_SETTINGS, sheets=("choices", "settings"))
    problem = only_problem(upload_problems(study, data, "no-survey.xlsx"))
    assert problem.file == "no-survey.xlsx"
    assert "survey" in problem.message


def test_missing_choices_sheet_is_reported_at_the_first_choice_question(study):
    data = make_xlsform(SAMPLE_SURVEY, None, SAMPLE_SETTINGS, sheets=("survey", "settings"))
    problem = only_problem(upload_problems(study, data))
    assert (problem.sheet, problem.row, problem.header) == ("survey", 3, "type")
    assert "choices" in problem.message


def test_choices_sheet_is_not_needed_without_choice_questions(db):
    data = make_xlsform([{"type": "integer", "name": "age", **label("Yaş", "Age")}], sheets=("survey",))
    assert read_xlsform(io.BytesIO(data), "f.xlsx").questions[0].name == "age"


def test_unknown_type_names_the_supported_types(study):
    problem = only_problem(upload_problems(study, make_xlsform(survey_with(4, type="integr"), SAMPLE_CHOICES, SAMPLE_SETTINGS)))
    assert (problem.sheet, problem.row, problem.header, problem.column) == ("survey", 6, "type", 1)
    assert "integr" in problem.message
    assert "select_one, select_multiple, integer, decimal, text, date, note, begin_group, end_group" in problem.message


def test_valid_xlsform_type_that_ogmonitor_does_not_support_says_so(study):
    problem = only_problem(upload_problems(study, make_xlsform(survey_with(8, type="geopoint"), SAMPLE_CHOICES, SAMPLE_SETTINGS)))
    assert problem.row == 10
    assert "does not support" in problem.message


def test_select_with_a_list_not_in_choices_is_located(study):
    problem = only_problem(upload_problems(study, make_xlsform(survey_with(1, type="select_one yesno"), SAMPLE_CHOICES, SAMPLE_SETTINGS)))
    assert (problem.sheet, problem.row, problem.header) == ("survey", 3, "type")
    assert "yesno" in problem.message


def test_select_without_a_list_name_is_reported(study):
    problem = only_problem(upload_problems(study, make_xlsform(survey_with(1, type="select_one"), SAMPLE_CHOICES, SAMPLE_SETTINGS)))
    assert problem.row == 3
    assert "choice list" in problem.message


def test_empty_choice_list_is_reported(study):
    choices = copy.deepcopy(SAMPLE_CHOICES)
    for choice in choices[:2]:
        choice["name"] = None
    problems = upload_problems(study, make_xlsform(SAMPLE_SURVEY, choices, SAMPLE_SETTINGS))
    located = {(p.sheet, p.row) for p in problems}
    assert ("choices", 2) in located and ("choices", 3) in located  # the nameless choices
    assert any(p.sheet == "survey" and p.row == 3 and "no choices" in p.message for p in problems)


def test_duplicate_choice_name_in_a_list_is_reported(study):
    choices = copy.deepcopy(SAMPLE_CHOICES)
    choices[1]["name"] = "yes"
    problem = only_problem(upload_problems(study, make_xlsform(SAMPLE_SURVEY, choices, SAMPLE_SETTINGS)))
    assert (problem.sheet, problem.row, problem.header) == ("choices", 3, "name")
    assert "row 2" in problem.message


def test_duplicate_question_name_is_reported(study):
    problem = only_problem(upload_problems(study, make_xlsform(survey_with(9, name="satisfaction"), SAMPLE_CHOICES, SAMPLE_SETTINGS)))
    assert (problem.sheet, problem.row, problem.header) == ("survey", 11, "name")
    assert "row 8" in problem.message


@pytest.mark.parametrize(
    ("relevant", "words"),
    [
        ("${nobody} = 'yes'", "Unknown field ${nobody}"),
        ("(${aware} = 'yes'", "never closed"),
        ("${aware} = 'yes')", "closes nothing"),
        ("${aware} = = 'yes'", "Unexpected"),
        ("today() > ${interview_date}", "not supported"),
    ],
)
def test_broken_relevant_is_located_with_what_is_wrong(study, relevant, words):
    problem = only_problem(upload_problems(study, make_xlsform(survey_with(7, relevant=relevant), SAMPLE_CHOICES, SAMPLE_SETTINGS)))
    assert (problem.sheet, problem.row, problem.header) == ("survey", 9, "relevant")
    assert problem.column is not None  # a column letter is given
    assert words in problem.message
    assert relevant in problem.message


def test_broken_constraint_is_located(study):
    problem = only_problem(upload_problems(study, make_xlsform(survey_with(4, constraint=". >= 0 and"), SAMPLE_CHOICES, SAMPLE_SETTINGS)))
    assert (problem.row, problem.header) == (6, "constraint")


def test_activity_not_in_the_studys_plan_is_reported(study):
    problem = only_problem(upload_problems(study, make_xlsform(survey_with(1, nap_activity="9.9"), SAMPLE_CHOICES, SAMPLE_SETTINGS)))
    assert (problem.row, problem.header) == (3, "nap_activity")
    assert "9.9" in problem.message


def test_area_not_in_the_studys_plan_is_reported(study):
    problem = only_problem(upload_problems(study, make_xlsform(survey_with(6, nap_area="7"), SAMPLE_CHOICES, SAMPLE_SETTINGS)))
    assert (problem.row, problem.header) == (8, "nap_area")


def test_every_problem_is_listed_at_once(study):
    rows = survey_with(4, type="integr")
    rows[1]["type"] = "select_one nolist"
    rows[7]["relevant"] = "${ghost} = 1"
    rows[9]["name"] = "intro"
    choices = copy.deepcopy(SAMPLE_CHOICES)
    choices[3]["name"] = "municipality"
    problems = upload_problems(study, make_xlsform(rows, choices, SAMPLE_SETTINGS))
    assert [(p.sheet, p.row) for p in problems] == [
        ("survey", 3), ("survey", 6), ("survey", 9), ("survey", 11), ("choices", 5),
    ]
    assert all(p.file == "form.xlsx" for p in problems)


def test_unclosed_group_and_stray_end_group_are_reported(db):
    rows = copy.deepcopy(SAMPLE_SURVEY)
    del rows[5]  # the end_group
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(io.BytesIO(make_xlsform(rows, SAMPLE_CHOICES, SAMPLE_SETTINGS)), "f.xlsx")
    assert "never closed" in only_problem(caught.value.problems).message
    rows = [{"type": "end_group"}, {"type": "text", "name": "a", **label("A", "A")}]
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(io.BytesIO(make_xlsform(rows)), "f.xlsx")
    assert only_problem(caught.value.problems).row == 2


def test_a_file_that_is_not_a_workbook_is_refused_in_plain_words(db):
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(io.BytesIO(b"type,name\ntext,a\n"), "form.csv")
    assert ".xlsx" in only_problem(caught.value.problems).message


def test_pyxform_messages_lose_their_jargon_but_keep_the_row():
    problem = translate_pyxform_message(
        "[row : 9] On the 'survey' sheet, the 'relevant' value is invalid. Reference variables must contain a "
        "name from the 'survey' sheet. Could not find the name 'nothere'. Learn more: https://xlsform.org",
        "f.xlsx",
    )
    assert (problem.row, problem.sheet, problem.header) == (9, "survey", "relevant")
    assert "[row" not in problem.message and "Learn more" not in problem.message
    assert "nothere" in problem.message


def test_pyxform_errors_ogmonitor_does_not_check_itself_are_reported(db):
    # A name pyxform reserves: only pyxform knows it.
    rows = [{"type": "text", "name": "meta", **label("Meta", "Meta")}]
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(io.BytesIO(make_xlsform(rows, settings={"form_id": "x"})), "f.xlsx")
    problem = only_problem(caught.value.problems)
    assert problem.row == 2 and "pyxform" in problem.message and "meta" in problem.message


# --- Round trip -----------------------------------------------------------------------------------


def test_round_trip_keeps_names_types_labels_choices_and_logic(study):
    original = read_xlsform(io.BytesIO(SAMPLE_FORM), "form.xlsx")
    questionnaire = create_questionnaire(study, io.BytesIO(SAMPLE_FORM), "form.xlsx", None)
    exported = read_xlsform(io.BytesIO(export_questionnaire(questionnaire)), "export.xlsx")

    assert exported == original
    # Spelled out, the parts the issue names:
    assert [(q.name, q.type, q.list_name) for q in exported.questions] == [
        (q.name, q.type, q.list_name) for q in original.questions
    ]
    assert [q.labels for q in exported.questions] == [q.labels for q in original.questions]
    assert [(q.relevant, q.constraint, q.required, q.constraint_messages) for q in exported.questions] == [
        (q.relevant, q.constraint, q.required, q.constraint_messages) for q in original.questions
    ]
    assert exported.choices == original.choices


def test_round_trip_keeps_extra_columns_settings_and_metadata(study):
    rows = [
        {"type": "start", "name": "started"},
        {"type": "text", "name": "town", **label("Şəhər", "Town"), "label::Russian (ru)": "Город",
         "media::image": "town.png", "appearance": "multiline"},
        {"type": "select_multiple topics", "name": "topics", **label("Mövzular", "Topics"),
         "relevant": "string-length(${town}) > 0 and not(${town} = 'Bakı')", "required": "yes",
         **label("Ən azı birini seçin.", "Choose at least one.", "required_message")},
    ]
    choices = [
        {"list_name": "topics", "name": "water", **label("Su", "Water"), "filter": "rural"},
        {"list_name": "topics", "name": "roads", **label("Yollar", "Roads")},
    ]
    data = make_xlsform(rows, choices, {"form_title": "Mövzular", "form_id": "topics", "version": "3",
                                        "instance_name": "${town}"})
    original = read_xlsform(io.BytesIO(data), "topics.xlsx")
    questionnaire = create_questionnaire(study, io.BytesIO(data), "topics.xlsx", None)
    exported = read_xlsform(io.BytesIO(export_questionnaire(questionnaire)), "export.xlsx")
    assert exported == original
    assert exported.settings_extra == {"instance_name": "${town}"}
    assert exported.questions[1].required_messages == {"az": "Ən azı birini seçin.", "en": "Choose at least one."}


def test_exported_workbook_has_kobo_style_language_columns(study):
    questionnaire = QuestionnaireFactory(study=study)
    workbook = load_workbook(io.BytesIO(export_questionnaire(questionnaire)))
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    headers = [cell.value for cell in workbook["survey"][1]]
    for column in (f"label::{AZ}", f"label::{EN}", f"hint::{AZ}", f"constraint_message::{EN}", "required",
                   "relevant", "constraint", "appearance", "nap_activity", "nap_area"):
        assert column in headers
    # Activity numbers are text, so Excel cannot turn 3.10 into 3.1.
    column = headers.index("nap_activity") + 1
    assert workbook["survey"].cell(row=3, column=column).value == "1.1"
