"""Server-side rules of a submission: types, choices, relevance, required and constraints."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation

from ogmonitor.surveys.answers import (
    answer_rows,
    answer_values,
    raw_values,
    schema_for,
    validate_submission,
)
from ogmonitor.surveys.factories import (
    SAMPLE_CHOICES,
    SAMPLE_SETTINGS,
    QuestionnaireFactory,
    SubmissionFactory,
    label,
    make_xlsform,
)
from ogmonitor.surveys.models import Answer
from ogmonitor.surveys.services import create_questionnaire

VALID = {
    "aware": "yes",
    "heard_from": ["media", "other"],
    "meetings": "3",
    "satisfaction": "7,5",
    "other_channel": "radio",
    "interview_date": "2024-03-15",
    "comment": "Yaxşı",
}


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, whatever the az catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def questionnaire(db):
    return QuestionnaireFactory()


def test_valid_answers_are_typed(questionnaire):
    result = validate_submission(questionnaire, VALID)
    assert result.errors == {}
    assert result.values == {
        "aware": "yes",
        "heard_from": ["media", "other"],
        "meetings": 3,
        "satisfaction": Decimal("7.5"),
        "other_channel": "radio",
        "interview_date": dt.date(2024, 3, 15),
        "comment": "Yaxşı",
    }


@pytest.mark.parametrize(
    ("name", "raw", "words"),
    [
        ("meetings", "three", "whole number"),
        ("meetings", "2.5", "whole number"),
        ("satisfaction", "a lot", "number"),
        ("interview_date", "15 March", "date"),
        ("aware", "maybe", "not one of the choices"),
        ("heard_from", ["media", "tv"], "not one of the choices"),
    ],
)
def test_wrong_types_and_unknown_choices_are_refused(questionnaire, name, raw, words):
    result = validate_submission(questionnaire, {**VALID, name: raw})
    assert words in result.errors[name]
    assert name not in result.values


def test_azerbaijani_date_format_and_space_separated_multiple_choice_are_accepted(questionnaire):
    result = validate_submission(questionnaire, {**VALID, "interview_date": "15.03.2024", "heard_from": "other media"})
    assert result.values["interview_date"] == dt.date(2024, 3, 15)
    assert result.values["heard_from"] == ["media", "other"]  # in the list's order


def test_required_question_left_empty_gets_a_message(questionnaire):
    result = validate_submission(questionnaire, {**VALID, "aware": ""})
    assert result.errors["aware"]


def test_answers_to_irrelevant_questions_are_dropped_and_not_required(questionnaire):
    # "details" (heard_from, meetings) is asked only if aware = yes; heard_from is required.
    result = validate_submission(questionnaire, {**VALID, "aware": "no"})
    assert "heard_from" not in result.errors
    assert "heard_from" not in result.values and "meetings" not in result.values
    # other_channel depends on heard_from, now unanswered, so it is dropped too.
    assert "other_channel" not in result.values
    assert result.errors == {}


def test_invalid_answer_to_an_irrelevant_question_is_no_error(questionnaire):
    result = validate_submission(questionnaire, {**VALID, "aware": "no", "meetings": "many"})
    assert result.errors == {}


def test_relevant_question_required_inside_a_relevant_group(questionnaire):
    result = validate_submission(questionnaire, {**VALID, "heard_from": []})
    assert result.errors.keys() == {"heard_from"}


def test_constraint_message_is_in_the_active_language(questionnaire):
    with translation.override("en"):
        assert validate_submission(questionnaire, {**VALID, "meetings": "51"}).errors == {
            "meetings": "Enter a number from 0 to 50."
        }
    with translation.override("az"):
        assert validate_submission(questionnaire, {**VALID, "meetings": "-1"}).errors == {
            "meetings": "0 ilə 50 arasında bir ədəd yazın."
        }


def test_constraint_without_message_gets_a_generic_one(questionnaire):
    errors = validate_submission(questionnaire, {**VALID, "satisfaction": "11"}).errors
    assert list(errors) == ["satisfaction"]


def test_constraint_is_not_checked_on_an_empty_answer(questionnaire):
    result = validate_submission(questionnaire, {**VALID, "meetings": ""})
    assert "meetings" not in result.errors


def test_required_message_from_the_form_is_used(db):
    data = make_xlsform(
        [{"type": "integer", "name": "age", **label("Yaş", "Age"), "required": "yes",
          **label("Yaşı yazın.", "Enter the age.", "required_message")}],
        settings={"form_id": "ages"},
    )
    questionnaire = QuestionnaireFactory(form=data)
    with translation.override("en"):
        assert validate_submission(questionnaire, {}).errors == {"age": "Enter the age."}


def test_relevance_can_depend_on_a_later_question(db):
    data = make_xlsform(
        [
            {"type": "text", "name": "why", **label("Niyə?", "Why?"), "relevant": "${aware} = 'no'", "required": "yes"},
            {"type": "select_one yes_no", "name": "aware", **label("Bilirsiniz?", "Aware?")},
        ],
        SAMPLE_CHOICES, SAMPLE_SETTINGS,
    )
    questionnaire = QuestionnaireFactory(form=data)
    assert validate_submission(questionnaire, {"aware": "no"}).errors.keys() == {"why"}
    assert validate_submission(questionnaire, {"aware": "yes", "why": "x"}).values == {"aware": "yes"}


def test_parsed_rules_are_cached_per_questionnaire(questionnaire, django_assert_num_queries):
    schema_for(questionnaire)
    with django_assert_num_queries(0):
        validate_submission(questionnaire, VALID)
        validate_submission(questionnaire, VALID)


def test_answer_rows_one_per_choice_and_typed_columns(questionnaire):
    submission = SubmissionFactory(questionnaire=questionnaire)
    values = validate_submission(questionnaire, VALID).values
    rows = answer_rows(submission, questionnaire, values)
    by_question = {}
    for row in rows:
        by_question.setdefault(row.question.name, []).append(row)
    assert [row.choice.name for row in by_question["heard_from"]] == ["media", "other"]
    assert by_question["aware"][0].choice.name == "yes"
    assert by_question["meetings"][0].number == 3
    assert by_question["satisfaction"][0].number == Decimal("7.5")
    assert by_question["interview_date"][0].date == dt.date(2024, 3, 15)
    assert by_question["comment"][0].text == "Yaxşı"
    assert all(row.pk is None for row in rows)


def test_answer_values_is_the_inverse_of_answer_rows(questionnaire):
    submission = SubmissionFactory(questionnaire=questionnaire)
    values = validate_submission(questionnaire, VALID).values
    Answer.objects.bulk_create(answer_rows(submission, questionnaire, values))
    stored = answer_values(submission)
    assert stored == values
    assert str(stored["satisfaction"]) == "7.5"
    assert validate_submission(questionnaire, raw_values(stored)).values == values


def test_answers_keep_the_version_they_were_given_under(questionnaire):
    study = questionnaire.study
    submission = SubmissionFactory(questionnaire=questionnaire)
    Answer.objects.bulk_create(answer_rows(submission, questionnaire, validate_submission(questionnaire, VALID).values))
    newer = create_questionnaire(
        study,
        io.BytesIO(make_xlsform([{"type": "text", "name": "comment", **label("Şərh", "Comment")}], settings={"form_id": "v2"})),
        "v2.xlsx", None,
    )
    assert newer.version == 2
    submission.refresh_from_db()
    assert submission.questionnaire == questionnaire
    assert answer_values(submission)["meetings"] == 3
