"""The server's rules for one submission: types, choices, relevance, required and constraints.

Every way answers arrive (the enumerator form, a self-completion link, a file import, the API)
goes through :func:`validate_submission`, so they all accept and refuse the same things as the
browser form (``static/js/ogform.js``, which evaluates the same expressions). A questionnaire
version never changes after upload, so its parsed rules are cached per version.
"""

import datetime as dt
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from threading import Lock

from django.utils.translation import gettext as _

from .expressions import Node, evaluate, parse
from .models import Answer, Choice, Question, Questionnaire, Submission

#: Answer.number holds 18 digits, 6 of them after the point.
_MAX_NUMBER = Decimal("1e12")
_INTEGER_RE = re.compile(r"^[+-]?\d+$")
_DECIMAL_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")


@dataclass
class Rule:
    """One question of a questionnaire with its parsed expressions."""

    question: Question
    groups: tuple[str, ...]  # names of the groups it sits in, outermost first
    relevant: Node | None
    constraint: Node | None
    choices: dict[str, Choice]  # name → choice, in the list's order


@dataclass
class Schema:
    """A questionnaire version's questions, in order, ready to check submissions against."""

    rules: list[Rule]
    groups: dict[str, Rule]
    by_name: dict[str, Rule]
    by_id: dict[int, Rule]

    @property
    def inputs(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.question.is_input]


@dataclass
class ValidationResult:
    """Typed answers by question name, and a message for each question that was refused."""

    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


_CACHE: "OrderedDict[tuple, Schema]" = OrderedDict()
_CACHE_SIZE = 64
_CACHE_LOCK = Lock()


def schema_for(questionnaire: Questionnaire) -> Schema:
    """The questionnaire's rules, parsed once per version and process."""
    # created_at is part of the key because a test database may give a new questionnaire the
    # primary key of one deleted before.
    key = (questionnaire.pk, questionnaire.created_at)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    schema = _build_schema(questionnaire)
    with _CACHE_LOCK:
        _CACHE[key] = schema
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return schema


def _build_schema(questionnaire: Questionnaire) -> Schema:
    questions = list(Question.objects.filter(questionnaire=questionnaire).order_by("position"))
    lists: dict[str, dict[str, Choice]] = {}
    for choice in Choice.objects.filter(questionnaire=questionnaire).order_by("position", "pk"):
        lists.setdefault(choice.list_name, {})[choice.name] = choice
    known = {question.name for question in questions if question.name}
    rules, groups, stack = [], {}, []
    for question in questions:
        if question.type == Question.Type.END_GROUP:
            if stack:
                stack.pop()
            continue
        rule = Rule(
            question=question,
            groups=tuple(stack),
            relevant=parse(question.relevant, known) if question.relevant else None,
            constraint=parse(question.constraint, known) if question.constraint else None,
            choices=lists.get(question.list_name, {}) if question.is_select else {},
        )
        rules.append(rule)
        if question.type == Question.Type.BEGIN_GROUP:
            groups[question.name] = rule
            stack.append(question.name)
    return Schema(
        rules=rules,
        groups=groups,
        by_name={rule.question.name: rule for rule in rules},
        by_id={rule.question.pk: rule for rule in rules},
    )


# --- Converting what was typed ------------------------------------------------------------------


class _Refused(Exception):
    pass


def _is_empty(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, (list, tuple)):
        return not any(str(item).strip() for item in raw)
    return not str(raw).strip()


def _single(raw) -> str:
    if isinstance(raw, (list, tuple)):
        items = [str(item).strip() for item in raw if str(item).strip()]
        if len(items) > 1:
            raise _Refused(_("Only one answer may be given."))
        return items[0] if items else ""
    return str(raw).strip()


def _convert(rule: Rule, raw):
    """The typed value of a non-empty raw answer; raises _Refused with the reason."""
    kind = rule.question.type
    if kind == Question.Type.SELECT_MULTIPLE:
        items = raw if isinstance(raw, (list, tuple)) else str(raw).split()
        names: list[str] = []
        for item in (str(item).strip() for item in items):
            if item and item not in names:
                names.append(item)
        unknown = [name for name in names if name not in rule.choices]
        if unknown:
            raise _Refused(_("“%(value)s” is not one of the choices.") % {"value": unknown[0]})
        order = list(rule.choices)
        return sorted(names, key=order.index)
    text = _single(raw)
    if kind == Question.Type.SELECT_ONE:
        if text not in rule.choices:
            raise _Refused(_("“%(value)s” is not one of the choices.") % {"value": text})
        return text
    if kind == Question.Type.INTEGER:
        if not _INTEGER_RE.match(text.replace(" ", "")):
            raise _Refused(_("Enter a whole number."))
        value = int(text.replace(" ", ""))
        if abs(value) >= _MAX_NUMBER:
            raise _Refused(_("This number is too large."))
        return value
    if kind == Question.Type.DECIMAL:
        cleaned = text.replace(" ", "").replace("\u00a0", "")
        if not _DECIMAL_RE.match(cleaned):
            raise _Refused(_("Enter a number (use a point or a comma for decimals)."))
        try:
            value = Decimal(cleaned.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern rules this out
            raise _Refused(_("Enter a number (use a point or a comma for decimals).")) from None
        if abs(value) >= _MAX_NUMBER:
            raise _Refused(_("This number is too large."))
        # Answer.number keeps 6 decimals: round beyond that rather than refuse a long fraction.
        return value.quantize(Decimal("0.000001")) if value.as_tuple().exponent < -6 else value
    if kind == Question.Type.DATE:
        if isinstance(raw, dt.date):
            return raw
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise _Refused(_("Enter a date as YYYY-MM-DD (for example 2024-03-15) or DD.MM.YYYY."))
    return text


def _typed(rule: Rule, value):
    """A value already typed (from the database or a caller) accepted as-is when of the right type."""
    kind = rule.question.type
    if kind == Question.Type.DATE and isinstance(value, dt.date):
        return value
    if kind in {Question.Type.INTEGER, Question.Type.DECIMAL} and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return _convert(rule, str(value))
    return _convert(rule, value)


# --- Checking a submission ----------------------------------------------------------------------


def _is_relevant(rule: Rule, schema: Schema, values: dict, cache: dict) -> bool:
    name = rule.question.name
    if name in cache:
        return cache[name]
    relevant = True
    for group in rule.groups:
        group_rule = schema.groups.get(group)
        if group_rule is not None and not _is_relevant(group_rule, schema, values, cache):
            relevant = False
            break
    if relevant and rule.relevant is not None:
        relevant = evaluate(rule.relevant, values)
    cache[name] = relevant
    return relevant


def validate_submission(questionnaire: Questionnaire, raw: dict) -> ValidationResult:
    """Check one submission's raw answers (name → text, or a list for a multiple choice).

    Returns the typed values of the relevant, valid answers and a translated message for each
    question refused. Answers to questions that are not relevant are dropped and their
    ``required`` is not enforced; a constraint is checked only on an answer given.
    """
    schema = schema_for(questionnaire)
    result = ValidationResult()
    values: dict[str, object] = {}
    for rule in schema.inputs:
        name = rule.question.name
        answer = raw.get(name)
        if _is_empty(answer):
            continue
        try:
            values[name] = _typed(rule, answer)
        except _Refused as refusal:
            result.errors[name] = str(refusal.args[0])

    # Relevance may depend on answers that are themselves irrelevant (and so blank): repeat
    # until nothing more is dropped, as ODK recomputes the whole form.
    for _round in range(len(schema.rules) + 1):
        cache: dict[str, bool] = {}
        dropped = [
            rule.question.name
            for rule in schema.inputs
            if rule.question.name in values and not _is_relevant(rule, schema, values, cache)
        ]
        if not dropped:
            break
        for name in dropped:
            del values[name]
    cache = {}
    for rule in schema.inputs:
        name = rule.question.name
        question = rule.question
        if not _is_relevant(rule, schema, values, cache):
            result.errors.pop(name, None)
            continue
        if name in result.errors:
            continue
        if name not in values:
            if question.required:
                result.errors[name] = question.required_message or _("This question needs an answer.")
            continue
        if rule.constraint is not None and not evaluate(rule.constraint, values, current=values[name]):
            result.errors[name] = question.constraint_message or _("This answer is not accepted.")
    result.values = {name: value for name, value in values.items() if name not in result.errors}
    return result


# --- Stored answers -----------------------------------------------------------------------------


def answer_rows(submission: Submission, questionnaire: Questionnaire, values: dict) -> list[Answer]:
    """Unsaved :class:`Answer` rows for typed ``values`` (one per chosen option of a multiple choice)."""
    schema = schema_for(questionnaire)
    rows: list[Answer] = []
    for rule in schema.inputs:
        name = rule.question.name
        value = values.get(name)
        if value is None or value == "" or value == []:
            continue
        question = rule.question
        kind = question.type
        if kind == Question.Type.SELECT_ONE:
            rows.append(Answer(submission=submission, question=question, choice=rule.choices[value]))
        elif kind == Question.Type.SELECT_MULTIPLE:
            rows += [Answer(submission=submission, question=question, choice=rule.choices[item]) for item in value]
        elif kind in {Question.Type.INTEGER, Question.Type.DECIMAL}:
            rows.append(Answer(submission=submission, question=question, number=Decimal(value)))
        elif kind == Question.Type.DATE:
            rows.append(Answer(submission=submission, question=question, date=value))
        else:
            rows.append(Answer(submission=submission, question=question, text=str(value)))
    return rows


def answer_values(submission: Submission) -> dict:
    """The typed values of a stored submission (the inverse of :func:`answer_rows`)."""
    schema = schema_for(submission.questionnaire)
    choice_names = {
        choice.pk: (choice.position, choice.name) for rule in schema.rules for choice in rule.choices.values()
    }
    values: dict[str, object] = {}
    rows = submission.answers.values_list("question_id", "choice_id", "text", "number", "date")
    for question_id, choice_id, text, number, date in rows:
        rule = schema.by_id.get(question_id)
        if rule is None:
            continue
        name, kind = rule.question.name, rule.question.type
        if kind == Question.Type.SELECT_MULTIPLE:
            values.setdefault(name, []).append(choice_names[choice_id])
        elif kind == Question.Type.SELECT_ONE:
            values[name] = choice_names[choice_id][1]
        elif kind == Question.Type.INTEGER:
            values[name] = int(number)
        elif kind == Question.Type.DECIMAL:
            values[name] = _plain_decimal(number)
        elif kind == Question.Type.DATE:
            values[name] = date
        else:
            values[name] = text
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = [choice for _position, choice in sorted(value)]
    return values


def _plain_decimal(number: Decimal) -> Decimal:
    """2.500000 → 2.5 and 3.000000 → 3 (never 3E+0)."""
    normalized = number.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral_value() else normalized


def raw_values(values: dict) -> dict[str, str | list[str]]:
    """Typed values back as a form would send them (to fill in a form for editing)."""
    raw: dict[str, str | list[str]] = {}
    for name, value in values.items():
        if isinstance(value, list):
            raw[name] = [str(item) for item in value]
        elif isinstance(value, dt.date):
            raw[name] = value.isoformat()
        elif isinstance(value, Decimal):
            raw[name] = format(_plain_decimal(value), "f")
        else:
            raw[name] = str(value)
    return raw
