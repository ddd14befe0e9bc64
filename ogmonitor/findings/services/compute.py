"""Recompute a study's indicators in the database: one cube query, rolled up in Python.

The study's counted submissions are first frozen in a temporary table, each with the number of
its *profile* (community, respondent category, gender; see :class:`Snapshot`). The answers are
then read once, by one aggregate query — the *cube*: distinct counted submissions per
(profile, question, choice). Every indicator and every breakdown (overall, district,
community, category, gender) is a sum over a few cube cells, so the work in Python is
proportional to the cube's size (profiles × questions × choices, 10^4–10^5 rows at most),
never to the number of answers. A few small queries complete it, none of them per respondent:

* the profiles and the base "all respondents" (counted submissions per profile), read with
  the temporary table;
* the base "those who answered" of a question that may have several rows per respondent (a
  multiple choice: someone ticking three options appears under three choices of the cube, so
  the sum over its choices overcounts): one query for all such questions;
* an indicator counting several options of a multiple-choice question (someone ticking two
  of them counts once), or restricted to a filter ("of those aware of the plan, …"): one
  query each, over the submissions, with EXISTS sub-queries;
* the questions' and choices' ids, the communities' and categories' keys, the published
  figures of the round.

Only submitted and approved submissions count (:attr:`Submission.counts`).
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy
from django.conf import settings
from django.db import connection, transaction
from django.db.models import UniqueConstraint
from django.utils import timezone, translation

from ogmonitor.lib.bulk import insert_rows
from ogmonitor.lib.stats import wilson_intervals
from ogmonitor.places.models import Community
from ogmonitor.surveys.models import (
    AggregateResult,
    Answer,
    Choice,
    Question,
    Respondent,
    RespondentCategory,
    Study,
    Submission,
)

from ..labels import group_labels
from ..models import Computation, Indicator, IndicatorResult

logger = logging.getLogger(__name__)

#: Submissions whose answers enter the results (see Submission.counts).
COUNTED = (Submission.Status.SUBMITTED, Submission.Status.APPROVED)
FOUR_PLACES = Decimal("0.0001")
#: The result rows' columns, in the order :func:`_write` gives them.
RESULT_COLUMNS = (
    "indicator", "computation", "dimension", "group_key", "group_label", "numerator", "denominator", "percentage",
    "percentage_upper", "ci_low", "ci_high", "base_uncertain", "computed_at",
)

Dimension = IndicatorResult.Dimension
Kind = Indicator.Kind
Base = Indicator.Base

#: A respondent's profile, the finest grain every breakdown is rolled up from:
#: (community id, respondent category id, gender value); None/"" where not recorded.
Profile = tuple[int | None, int | None, str]
Counts = dict[Profile, int]


def percentage(numerator: int, denominator: int) -> Decimal | None:
    """100 × numerator / denominator with four decimals (23.0769), None for an empty base."""
    if not denominator:
        return None
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


# --- What the study's questionnaires say ------------------------------------------------------------


@dataclass
class QuestionMap:
    """Question and choice ids of the study's questionnaire versions, by name.

    A question keeps its name across versions (a new version is a new Question row), so one
    name may stand for several ids; a submission is given under one version only, so summing
    over them never counts anyone twice.
    """

    ids: dict[str, list[int]] = field(default_factory=dict)
    multi_row: set[str] = field(default_factory=set)  # names not always select_one: maybe several rows per answer
    name_of_question: dict[int, str] = field(default_factory=dict)
    name_of_choice: dict[int, str] = field(default_factory=dict)
    choice_ids: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (question, choice) → ids

    @classmethod
    def load(cls, study: Study, names: Iterable[str]) -> "QuestionMap":
        found = cls()
        names = sorted(set(names) - {""})
        if not names:
            return found
        lists: dict[tuple[int, str], list[str]] = defaultdict(list)  # (questionnaire, list) → questions
        for pk, name, kind, list_name, questionnaire_id in Question.objects.filter(
            questionnaire__study=study, name__in=names
        ).values_list("pk", "name", "type", "list_name", "questionnaire_id"):
            found.ids.setdefault(name, []).append(pk)
            found.name_of_question[pk] = name
            if kind != Question.Type.SELECT_ONE:
                found.multi_row.add(name)
            if list_name:
                lists[(questionnaire_id, list_name)].append(name)
        if lists:
            choices = Choice.objects.filter(
                questionnaire__study=study, list_name__in={list_name for _q, list_name in lists}
            ).values_list("pk", "name", "list_name", "questionnaire_id")
            for pk, name, list_name, questionnaire_id in choices:
                questions = lists.get((questionnaire_id, list_name))
                if not questions:
                    continue
                found.name_of_choice[pk] = name
                for question in questions:
                    found.choice_ids.setdefault((question, name), []).append(pk)
        return found

    def question_ids(self, name: str) -> list[int]:
        return self.ids.get(name, [])

    def choices(self, question: str, names: Iterable[str]) -> list[int]:
        return [pk for name in names for pk in self.choice_ids.get((question, name), [])]


# --- The queries --------------------------------------------------------------------------------------


def answers_unique_per_choice() -> bool:
    """Whether the schema enforces at most one Answer row per (submission, question, choice).

    The surveys app stores answers that way (its writers never repeat an option), but only a
    unique constraint makes it a guarantee. With one, the cube counts rows (COUNT(*): a hash
    aggregate) instead of distinct submissions (COUNT(DISTINCT): a sort of every answer,
    about 2× slower on PostgreSQL); both give the same numbers.
    """
    allowed = {"submission", "question", "choice"}
    for constraint in Answer._meta.constraints:
        if not isinstance(constraint, UniqueConstraint) or constraint.condition is not None:
            continue
        fields = set(constraint.fields) | {getattr(expression, "name", None) for expression in constraint.expressions}
        if fields and fields <= allowed:
            return True
    return any(set(fields) <= allowed for fields in Answer._meta.unique_together)


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


class Snapshot:
    """The study's counted submissions, each with the number of its profile, in a temporary table.

    Every count of one computation reads through this table, so numerators and bases are taken
    over the same submissions even if an import commits meanwhile (PostgreSQL gives each
    statement its own snapshot), and the cube groups answers by one small integer instead of
    three profile columns (SQLite sorts the 3.4 M answers of a large round ~40% faster).
    Raw SQL, the same on SQLite and PostgreSQL: the ORM has no temporary tables.
    """

    TABLE = "findings_counted_submission"

    def __init__(self, study: Study):
        self.study = study
        self.profiles: dict[int, Profile] = {}  # profile number → (community, category, gender)
        self.everyone: Counts = {}  # the base "all respondents": counted submissions per profile

    def __enter__(self) -> "Snapshot":
        submission, respondent = Submission._meta.db_table, Respondent._meta.db_table
        self.cursor = connection.cursor()
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
        self.cursor.execute(f"CREATE TEMPORARY TABLE {self.TABLE} (submission_id bigint PRIMARY KEY, profile integer NOT NULL)")
        self.cursor.execute(
            f"""INSERT INTO {self.TABLE} (submission_id, profile)
            SELECT s.id, DENSE_RANK() OVER (ORDER BY r.community_id, r.category_id, r.gender)
            FROM {submission} s LEFT JOIN {respondent} r ON r.id = s.respondent_id
            WHERE s.study_id = %s AND s.status IN ({_placeholders(COUNTED)})""",
            [self.study.pk, *COUNTED],
        )
        if connection.vendor == "postgresql":
            self.cursor.execute(f"ANALYZE {self.TABLE}")  # temporary tables are never auto-analysed
        self.cursor.execute(
            f"""SELECT p.profile, r.community_id, r.category_id, r.gender, COUNT(*)
            FROM {self.TABLE} p JOIN {submission} s ON s.id = p.submission_id
            LEFT JOIN {respondent} r ON r.id = s.respondent_id
            GROUP BY p.profile, r.community_id, r.category_id, r.gender"""
        )
        for number, community, category, gender, count in self.cursor.fetchall():
            profile = (community, category, gender or "")
            self.profiles[number] = profile
            self.everyone[profile] = self.everyone.get(profile, 0) + count
        return self

    def __exit__(self, kind, error, traceback) -> None:
        # After an error the transaction is rolled back, and the table with it.
        if kind is None:
            self.cursor.execute(f"DROP TABLE {self.TABLE}")
        self.cursor.close()

    def _grouped(self, sql: str, params: list) -> list[tuple]:
        self.cursor.execute(sql, params)
        return self.cursor.fetchall()

    def cube(self, question_ids: list[int]) -> dict[tuple[int, int | None], Counts]:
        """THE query: distinct counted submissions per (question, choice) and profile.

        ``CROSS JOIN`` makes SQLite walk the submissions and seek each one's answers through
        the (submission, question) index; PostgreSQL plans it like any join.
        """
        count = "COUNT(*)" if answers_unique_per_choice() else "COUNT(DISTINCT a.submission_id)"
        rows = self._grouped(
            f"""SELECT p.profile, a.question_id, a.choice_id, {count}
            FROM {self.TABLE} p CROSS JOIN {Answer._meta.db_table} a
            WHERE a.submission_id = p.submission_id AND a.question_id IN ({_placeholders(question_ids)})
            GROUP BY p.profile, a.question_id, a.choice_id""",
            question_ids,
        )
        cube: dict[tuple[int, int | None], Counts] = defaultdict(dict)
        profiles = self.profiles
        for number, question, choice, n in rows:
            # Two numbers can name one profile: a submission without respondent and a
            # respondent with nothing recorded both read (None, None, "").
            cell = cube[(question, choice)]
            cell[profiles[number]] = cell.get(profiles[number], 0) + n
        return cube

    def answered(self, question_ids: list[int]) -> dict[int, Counts]:
        """Per question id: counted submissions with at least one answer to it, per profile."""
        rows = self._grouped(
            f"""SELECT p.profile, a.question_id, COUNT(DISTINCT a.submission_id)
            FROM {self.TABLE} p CROSS JOIN {Answer._meta.db_table} a
            WHERE a.submission_id = p.submission_id AND a.question_id IN ({_placeholders(question_ids)})
            GROUP BY p.profile, a.question_id""",
            question_ids,
        )
        found: dict[int, Counts] = defaultdict(dict)
        for number, question, n in rows:
            counts = found[question]
            counts[self.profiles[number]] = counts.get(self.profiles[number], 0) + n
        return found

    def _chose(self, question_ids: list[int], choice_ids: list[int]) -> tuple[str, list]:
        if not question_ids or not choice_ids:
            return "1 = 0", []
        return (
            f"""EXISTS (SELECT 1 FROM {Answer._meta.db_table} a WHERE a.submission_id = p.submission_id
            AND a.question_id IN ({_placeholders(question_ids)}) AND a.choice_id IN ({_placeholders(choice_ids)}))""",
            [*question_ids, *choice_ids],
        )

    def targeted(
        self, numerator: tuple[list[int], list[int]], within: tuple[list[int], list[int]] | None = None
    ) -> tuple[Counts, Counts]:
        """(hits, base) per profile: submissions that chose one of ``numerator``'s (questions,
        choices), among those that chose one of ``within``'s — each submission counted once
        however many of the options it ticked. One query over the submissions."""
        hit_sql, hit_params = self._chose(*numerator)
        where, where_params = self._chose(*within) if within is not None else ("1 = 1", [])
        rows = self._grouped(
            f"""SELECT p.profile, COUNT(*), SUM(CASE WHEN {hit_sql} THEN 1 ELSE 0 END)
            FROM {self.TABLE} p WHERE {where} GROUP BY p.profile""",
            [*hit_params, *where_params],
        )
        hits: Counts = {}
        base: Counts = {}
        for number, count, chose in rows:
            profile = self.profiles[number]
            base[profile] = base.get(profile, 0) + count
            hits[profile] = hits.get(profile, 0) + int(chose or 0)
        return hits, base


# --- Rolling up -------------------------------------------------------------------------------------------


@dataclass
class Cell:
    dimension: str
    group_key: str
    numerator: int | None
    denominator: int | None
    percentage: Decimal | None = None
    percentage_upper: Decimal | None = None
    base_uncertain: bool = False


@dataclass
class Places:
    """Stable keys of the communities and categories met in the answers."""

    community: dict[int, tuple[str, str]]  # id → (slug, district code)
    category: dict[int, str]  # id → code
    _keys: dict = field(default_factory=dict, repr=False)  # profile → keys, computed once

    @classmethod
    def load(cls, profiles: Iterable[Profile]) -> "Places":
        communities, categories = set(), set()
        for community, category, _gender in profiles:
            if community is not None:
                communities.add(community)
            if category is not None:
                categories.add(category)
        return cls(
            community={
                pk: (slug, code)
                for pk, slug, code in Community.objects.filter(pk__in=communities).values_list("pk", "slug", "district__code")
            } if communities else {},
            category=dict(RespondentCategory.objects.filter(pk__in=categories).values_list("pk", "code")) if categories else {},
        )

    def keys(self, profile: Profile) -> dict[str, str]:
        """The group key of the profile in each breakdown ("" where the profile lacks it)."""
        found = self._keys.get(profile)
        if found is None:
            found = self._keys[profile] = self._keys_of(profile)
        return found

    def _keys_of(self, profile: Profile) -> dict[str, str]:
        community, category, gender = profile
        slug, district = self.community.get(community, ("", "")) if community is not None else ("", "")
        return {
            Dimension.DISTRICT: district,
            Dimension.COMMUNITY: slug,
            Dimension.CATEGORY: self.category.get(category, "") if category is not None else "",
            Dimension.GENDER: gender or "",
        }


@dataclass
class Grouping:
    """Every profile's group in each breakdown, as integer codes, for rolling shares up with
    ``numpy.bincount``: one pass per breakdown in C instead of five dictionary updates per
    profile and indicator in Python (a third of a small round's recomputation before)."""

    profiles: list[Profile]
    position: dict[Profile, int]
    codes: dict[str, numpy.ndarray]  # dimension → each profile's group number
    keys: dict[str, list[str]]  # dimension → group key of each group number

    @classmethod
    def of(cls, profiles: Iterable[Profile], places: Places) -> "Grouping":
        # Sorted, so that result rows are written in the same order at every run.
        ordered = sorted(profiles, key=lambda p: (p[0] is None, p[0] or 0, p[1] is None, p[1] or 0, p[2]))
        codes, keys = {}, {}
        for dimension in (Dimension.DISTRICT, Dimension.COMMUNITY, Dimension.CATEGORY, Dimension.GENDER):
            numbers: dict[str, int] = {}
            codes[dimension] = numpy.fromiter(
                (numbers.setdefault(places.keys(profile)[dimension], len(numbers)) for profile in ordered),
                dtype=numpy.intp, count=len(ordered),
            )
            keys[dimension] = list(numbers)
        return cls(ordered, {profile: index for index, profile in enumerate(ordered)}, codes, keys)

    def vector(self, counts: Counts) -> numpy.ndarray:
        vector = numpy.zeros(len(self.profiles), dtype=numpy.int64)
        for profile, n in counts.items():
            vector[self.position[profile]] = n
        return vector


def respondent_cells(hits: Counts, base: Counts, grouping: Grouping) -> list[Cell]:
    """Overall and every breakdown cell of a share of respondents.

    A breakdown is given only when some respondent in the base has that field recorded; those
    who lack it form the group "" so that the cells of a breakdown always add up to the
    overall figure. A group is listed when someone of it is in the base.
    """
    numerators, denominators = grouping.vector(hits), grouping.vector(base)
    cells = [Cell(Dimension.OVERALL, "", int(numerators[denominators > 0].sum()), int(denominators.sum()))]
    for dimension, codes in grouping.codes.items():
        keys = grouping.keys[dimension]
        numerator = numpy.bincount(codes, weights=numerators * (denominators > 0), minlength=len(keys))
        denominator = numpy.bincount(codes, weights=denominators, minlength=len(keys))
        if not any(denominator[number] for number, key in enumerate(keys) if key):
            continue  # nobody in the base has this field recorded
        cells += [
            Cell(dimension, key, int(numerator[number]), int(denominator[number]))
            for number, key in enumerate(keys) if denominator[number]
        ]
    return cells


def community_cells(hits: Counts, base: Counts, places: Places, rule: str) -> list[Cell]:
    """Overall and by-district share of communities where the fact holds.

    A community counts in the base when at least one of its respondents is in the indicator's
    base (answered the question, or matches its filter); the fact holds when any of them (rule
    "any") or more than half of them (rule "majority") chose a counted option.
    """
    per_community: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for profile, denominator in base.items():
        community = profile[0]
        if community is None or not denominator:
            continue
        per_community[community][0] += hits.get(profile, 0)
        per_community[community][1] += denominator
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    totals[(Dimension.OVERALL, "")]  # present even when no community answered
    for community, (yes, answered) in per_community.items():
        holds = yes > 0 if rule == Indicator.CommunityRule.ANY else 2 * yes > answered
        district = places.community.get(community, ("", ""))[1]
        for key in ((Dimension.OVERALL, ""), (Dimension.DISTRICT, district)):
            totals[key][0] += int(holds)
            totals[key][1] += 1
    return [Cell(dimension, key, numerator, denominator) for (dimension, key), (numerator, denominator) in totals.items()]


def published_cell(figure: AggregateResult | None) -> Cell:
    if figure is None:
        return Cell(Dimension.OVERALL, "", None, None)
    cell = Cell(
        Dimension.OVERALL, "", figure.numerator, figure.denominator,
        percentage_upper=figure.percentage_upper, base_uncertain=figure.base_uncertain,
    )
    if figure.numerator is None or not figure.denominator:
        cell.numerator = None
        cell.percentage = figure.percentage
    if cell.percentage is not None:
        cell.percentage = Decimal(cell.percentage).quantize(FOUR_PLACES)
    if cell.percentage_upper is not None:
        cell.percentage_upper = Decimal(cell.percentage_upper).quantize(FOUR_PLACES)
    return cell


def published_figure(indicator: Indicator, figures: dict[tuple[str, str], AggregateResult]) -> AggregateResult | None:
    """The round's published figure an indicator stands for: (aggregate_key, aggregate_choice),
    the key defaulting to the question name, then the code."""
    key = indicator.aggregate_key or indicator.question_name or indicator.code
    figure = figures.get((key, indicator.aggregate_choice))
    if figure is None and not indicator.aggregate_choice and len(indicator.numerator_choices) == 1:
        figure = figures.get((key, indicator.numerator_choices[0]))
    return figure


# --- The service ---------------------------------------------------------------------------------------


def compute_study(study: Study, user=None) -> Computation:
    """Recompute every indicator of ``study`` and replace their result rows; returns the Computation.

    Runs in one transaction with the study row locked, so two recomputations (an import
    finishing while a coordinator corrects an answer) queue rather than interleave.
    """
    with transaction.atomic():
        Study.objects.select_for_update().filter(pk=study.pk).first()
        now = timezone.now()
        computation = Computation.objects.create(
            study=study, triggered_by=user if getattr(user, "is_authenticated", False) else None
        )
        indicators = list(study.indicators.all())
        cells, submission_count, answer_count = _cells(study, indicators)
        _write(study, indicators, cells, computation, now)
        computation.finished_at = timezone.now()
        computation.submission_count = submission_count
        computation.answer_count = answer_count
        computation.save(update_fields=["finished_at", "submission_count", "answer_count"])
    logger.info(
        "Study %s: %s indicators recomputed over %s submissions in %.2f s",
        study.slug, len(indicators), submission_count, (computation.finished_at - now).total_seconds(),
    )
    return computation


def _cells(study: Study, indicators: list[Indicator]) -> tuple[dict[int, list[Cell]], int, int]:
    """Every result cell of every indicator, keyed by indicator id; and the submissions and
    answers they were computed over."""
    from_answers = [i for i in indicators if i.kind in (Kind.QUESTION, Kind.COMMUNITY)]
    published = [i for i in indicators if i.kind == Kind.PUBLISHED]
    result: dict[int, list[Cell]] = {}

    if published:
        figures = {(f.key, f.choice): f for f in AggregateResult.objects.filter(study=study)}
        for indicator in published:
            result[indicator.pk] = [published_cell(published_figure(indicator, figures))]
    if not from_answers:
        return result, 0, 0

    questions = QuestionMap.load(
        study,
        [i.question_name for i in from_answers] + [i.filter_question for i in from_answers if i.base == Base.FILTER],
    )
    with Snapshot(study) as snapshot:
        return _cells_from_answers(study, from_answers, questions, snapshot, result)


def _cells_from_answers(
    study: Study, from_answers: list[Indicator], questions: QuestionMap, snapshot: Snapshot, result: dict
) -> tuple[dict[int, list[Cell]], int, int]:
    used = sorted({pk for i in from_answers for pk in questions.question_ids(i.question_name)})
    cube = snapshot.cube(used) if used else {}
    everyone = snapshot.everyone

    # Per question name: hits per (choice name, profile), and those who answered per profile.
    by_choice: dict[str, dict[str, Counts]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    answered: dict[str, Counts] = defaultdict(lambda: defaultdict(int))
    for (question_id, choice_id), counts in cube.items():
        name = questions.name_of_question[question_id]
        choice = questions.name_of_choice.get(choice_id, "") if choice_id is not None else ""
        for profile, n in counts.items():
            by_choice[name][choice][profile] += n
            if name not in questions.multi_row:
                answered[name][profile] += n  # one answer row per respondent: the sum is exact
    multiple_used = sorted(
        {pk for i in from_answers if i.question_name in questions.multi_row for pk in questions.question_ids(i.question_name)}
    )
    if multiple_used:
        for question_id, counts in snapshot.answered(multiple_used).items():
            name = questions.name_of_question[question_id]
            for profile, n in counts.items():
                answered[name][profile] += n

    hits_and_bases: dict[int, tuple[Counts, Counts]] = {}
    for indicator in from_answers:
        name = indicator.question_name
        if not questions.question_ids(name):
            # Not a question of this study (a typo, or a question dropped from the form): no
            # figure at all rather than a misleading 0%.
            logger.warning("Study %s: indicator %s counts the unknown question %r", study.slug, indicator.code, name)
            continue
        chosen = list(dict.fromkeys(indicator.numerator_choices))
        needs_query = indicator.base == Base.FILTER or (name in questions.multi_row and len(chosen) > 1)
        if needs_query:
            numerator = (questions.question_ids(name), questions.choices(name, chosen))
            within = None
            if indicator.base == Base.FILTER:
                within = (
                    questions.question_ids(indicator.filter_question),
                    questions.choices(indicator.filter_question, indicator.filter_choices),
                )
            hits, base = snapshot.targeted(numerator, within)
            if indicator.base == Base.ANSWERED:
                base = answered.get(name, {})
        else:
            hits = defaultdict(int)
            for choice in chosen:
                for profile, n in by_choice.get(name, {}).get(choice, {}).items():
                    hits[profile] += n
            base = everyone if indicator.base == Base.ALL else answered.get(name, {})
        if indicator.kind == Kind.COMMUNITY and indicator.base == Base.ALL:
            base = answered.get(name, {})  # a community is in the base when someone there answered
        hits_and_bases[indicator.pk] = (hits, base)

    profiles = set(everyone)
    for _hits, base in hits_and_bases.values():
        profiles |= set(base)
    places = Places.load(profiles)
    grouping = Grouping.of(profiles, places)
    for indicator in from_answers:
        if indicator.pk not in hits_and_bases:
            result[indicator.pk] = [Cell(Dimension.OVERALL, "", None, None)]
            continue
        hits, base = hits_and_bases[indicator.pk]
        if indicator.kind == Kind.COMMUNITY:
            result[indicator.pk] = community_cells(hits, base, places, indicator.community_rule)
        else:
            result[indicator.pk] = respondent_cells(hits, base, grouping)
    answer_count = sum(n for counts in cube.values() for n in counts.values())
    return result, sum(everyone.values()), answer_count


def _write(study: Study, indicators: list[Indicator], cells: dict[int, list[Cell]], computation: Computation, now) -> None:
    """Replace the indicators' result rows with ``cells``, each with its Wilson interval."""
    flat = [(indicator, cell) for indicator in indicators for cell in cells.get(indicator.pk, [])]
    with_counts = [
        (indicator, cell) for indicator, cell in flat if cell.numerator is not None and cell.denominator
    ]
    intervals = wilson_intervals([c.numerator for _i, c in with_counts], [c.denominator for _i, c in with_counts])
    interval_of = {id(cell): interval for (_i, cell), interval in zip(with_counts, intervals, strict=True)}
    # group_label keeps the default language's name, for exports and the admin; pages and
    # reports name groups in the reader's language through labels.group_labels.
    with translation.override(settings.LANGUAGE_CODE):
        labels = group_labels((cell.dimension, cell.group_key) for _i, cell in flat if cell.dimension)
    rows = []
    for indicator, cell in flat:
        low, high = interval_of.get(id(cell), (None, None))
        if cell.percentage is None and cell.numerator is not None:
            cell.percentage = percentage(cell.numerator, cell.denominator)
        rows.append((
            indicator.pk, computation.pk, cell.dimension, cell.group_key,
            labels.get((cell.dimension, cell.group_key), "")[:255] if cell.dimension else "",
            cell.numerator, cell.denominator, cell.percentage, cell.percentage_upper,
            None if low is None else round(100 * low, 4), None if high is None else round(100 * high, 4),
            cell.base_uncertain, now,
        ))
    IndicatorResult.objects.filter(indicator__study=study).delete()
    insert_rows(IndicatorResult, RESULT_COLUMNS, rows)
