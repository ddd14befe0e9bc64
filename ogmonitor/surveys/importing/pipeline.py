"""Turning a response file's rows into submissions' data, streamed, with every problem located.

:class:`RowReader` compiles the mapping once into one small converter per column and then
reads rows one at a time. A converter runs once per *distinct* cell value of its column (the
result is cached: a 100,000-row file has a handful of distinct answers per choice question), so
the per-cell cost is a dictionary look-up. Nothing is kept per row after it has been yielded:
memory stays flat in the file's size.
"""

import hashlib
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ogmonitor.lib import aztext
from ogmonitor.lib.tabular import Problem, Table

from ..models import Question
from . import mapping as mapping_
from .mapping import AMBIGUOUS, GOOGLE_FORMS, IGNORE, FormIndex
from .values import (
    CellError,
    look_up,
    read_date,
    read_datetime,
    read_decimal,
    read_instance_id,
    read_integer,
    split_multiple,
)

#: Distinct values remembered per column. Choice and number columns stay far below it; free
#: text exceeds it and is then converted cell by cell, so memory stays bounded either way.
CACHE_LIMIT = 5000

SKIP = "skip"
#: Where each respondent field sits in ParsedRow (after row, uuid, row_hash, submitted_at).
_PROFILE_SLOTS = {"code": 0, "community": 1, "category": 2, "gender": 3, "channel": 4, "interview_date": 5}


class _Bad:
    """A cell that cannot be imported: the message, and the values no choice matched."""

    __slots__ = ("message", "unknown")

    def __init__(self, message: str, unknown: tuple = ()):
        self.message = message
        self.unknown = unknown


@dataclass(slots=True)
class ParsedRow:
    """One row ready to be written (vendor-encoded answer parts, see writers)."""

    row: int
    uuid: uuid.UUID
    row_hash: str
    submitted_at: object
    code: str
    community_id: int | None
    category_id: int | None
    gender: str
    channel: str
    interview_date: object
    parts: list


def _identity(part):
    return part


class RowReader:
    """Reads a :class:`~ogmonitor.lib.tabular.Table` with a batch's mapping.

    ``encode`` turns an answer part ``(question_id, choice_id, text, number, date)`` into what the
    writer wants (a tuple for SQLite, a line of COPY text for PostgreSQL); it runs once per
    distinct value. ``problems`` collects every problem met (up to ``max_problems``; all are
    counted in ``problem_count``); the services sort them by row and column.
    """

    def __init__(self, batch, table: Table, *, encode: Callable = _identity, form: FormIndex | None = None):
        self.batch = batch
        self.table = table
        self.encode = encode
        self.form = form or FormIndex.load(batch.questionnaire)
        self.problems: list[Problem] = []
        self.problem_count = 0
        self._lock = threading.Lock()
        self.max_problems: int | None = None
        #: column index → {raw value: count} of values no choice matched (filled by ``rows``).
        self.unknown_values: dict[int, dict[str, int]] = {}
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"ogmonitor:study:{batch.study_id}")
        self.default_channel = "web_form" if batch.mapping.get("format") == GOOGLE_FORMS else ""
        self._compile(batch.mapping)

    # --- Compiling the mapping ----------------------------------------------------------------

    def _compile(self, mapping: dict) -> None:
        targets = mapping.get("columns", [])
        values = mapping.get("values", {})
        self.answer_columns: list[tuple[int, dict, Callable, int]] = []  # (index, cache, convert, limit)
        self.profile_columns: list[tuple[int, dict, Callable, str]] = []
        self.uuid_column = self.time_column = None
        self.column_question: dict[int, Question] = {}
        for index, target in enumerate(targets):
            if target == IGNORE or not target:
                continue
            kind, _sep, rest = target.partition(":")
            if kind == "q":
                question = self.form.questions.get(int(rest))
                if question is None:
                    continue
                convert, limit = self._answer_converter(question, values.get(str(index), {}))
                self.answer_columns.append((index, {}, convert, limit))
                self.column_question[index] = question
            elif kind == "qc":
                question_id, _sep, choice_id = rest.partition(":")
                question = self.form.questions.get(int(question_id))
                if question is not None:
                    self.answer_columns.append((index, {}, self._flag_converter(question, int(choice_id)), CACHE_LIMIT))
                    self.column_question[index] = question
            elif kind == "profile":
                self.profile_columns.append((index, {}, self._profile_converter(rest), rest))
            elif target == "meta:uuid":
                self.uuid_column = index
            elif target == "meta:submitted_at":
                self.time_column = index
        self._compile_validation()

    def _compile_validation(self) -> None:
        """Prepare the form's own rules (required, relevant, constraint) for mapped questions.

        The rules are :func:`~ogmonitor.surveys.answers.validate_submission`'s, as for every other
        way answers arrive. It is called with only the answers the rules involve (questions with
        a rule and the questions their expressions name), and its verdict is cached per distinct
        combination of those cells, so a form with few rules costs little per row. Relevance does
        not drop imported answers (the file is the record of what was answered); it only decides
        whether ``required`` applies. Questions without a column are not required of the file.
        """
        from ..answers import schema_for
        from ..expressions import field_names

        self.validation = None
        schema = schema_for(self.batch.questionnaire)
        columns_of: dict[str, list[int]] = {}
        for index, question in self.column_question.items():
            columns_of.setdefault(question.name, []).append(index)
        def expressions_of(name: str) -> list:
            rule = schema.by_name.get(name)
            if rule is None:
                return []
            groups = [schema.groups[group] for group in rule.groups if group in schema.groups]
            found = [node for node in (rule.relevant, rule.constraint) if node is not None]
            return found + [group.relevant for group in groups if group.relevant is not None]

        ruled = {
            name for name in columns_of
            if name in schema.by_name and (schema.by_name[name].question.required or expressions_of(name))
        }
        if not ruled:
            return
        # Every answer the verdict depends on, transitively: a relevant may name a question that
        # is itself relevant only sometimes.
        named, pending = set(ruled), list(ruled)
        while pending:
            for node in expressions_of(pending.pop()):
                for name in field_names(node) - named:
                    named.add(name)
                    pending.append(name)
        involved = sorted(name for name in named if name in columns_of)
        self.validation = (
            [(name, columns_of[name]) for name in involved],
            sorted(index for name in involved for index in columns_of[name]),
            {name: columns_of[name][0] for name in ruled},
            {},
        )

    def _validate(self, cells: list[str], width: int) -> list[tuple[int, str]]:
        """The form's rules applied to one row: (column index, message) for each refusal."""
        from ..answers import validate_submission

        involved, indexes, error_columns, cache = self.validation
        key = tuple(cells[index] if index < width else "" for index in indexes)
        errors = cache.get(key)
        if errors is not None:
            return errors
        by_column = {column[0]: column for column in self.answer_columns}
        raw: dict = {}
        for name, column_indexes in involved:
            chosen = []
            for index in column_indexes:
                _index, column_cache, convert, _limit = by_column[index]
                value = cells[index] if index < width else ""
                result = column_cache.get(value) or convert(value)
                if result.__class__ is not _Bad and result[2] is not None:
                    chosen.append(result[2])
            if len(column_indexes) > 1:  # Kobo's 0/1 columns, one per choice
                raw[name] = chosen
            elif chosen:
                raw[name] = chosen[0]
        result = validate_submission(self.batch.questionnaire, raw)
        errors = [(error_columns[name], message) for name, message in result.errors.items() if name in error_columns]
        if len(cache) < CACHE_LIMIT:
            cache[key] = errors
        return errors

    def _answer_converter(self, question: Question, overrides: dict) -> tuple[Callable, int]:
        qid = question.pk
        path = question.path or question.name
        required = qid in self.form.always_required
        encode = self.encode
        kind = question.type
        empty = _Bad(question.required_message or _("An answer is required.")) if required else ((), "", None)

        if kind in (Question.Type.SELECT_ONE, Question.Type.SELECT_MULTIPLE):
            index = self.form.choice_index(question, overrides)
            names = {choice.pk: choice.name for choice in self.form.choices_of(question)}
            multiple = kind == Question.Type.SELECT_MULTIPLE

            def convert(value: str):
                if not value.strip():
                    return empty
                if multiple:
                    found, unknown = split_multiple(value, index)
                else:
                    found = look_up(index, value)
                    found, unknown = ([found], []) if found is not None else ([], [value.strip()])
                if unknown:
                    message = (
                        _("“%(value)s” is not one of the choices of this question.") % {"value": unknown[0]}
                        if len(unknown) == 1
                        else _("These values are not choices of this question: %(values)s.")
                        % {"values": ", ".join(f"“{part}”" for part in unknown)}
                    )
                    return _Bad(message, tuple(unknown))
                chosen = [choice for choice in found if choice != SKIP]
                if not chosen:
                    return empty
                parts = tuple(encode((qid, int(choice), "", None, None)) for choice in chosen)
                chosen_names = [names[int(choice)] for choice in chosen]
                return parts, f"{path}={' '.join(sorted(chosen_names))}", chosen_names if multiple else chosen_names[0]

            return convert, CACHE_LIMIT

        if kind in (Question.Type.INTEGER, Question.Type.DECIMAL, Question.Type.DATE):
            reader = {Question.Type.INTEGER: read_integer, Question.Type.DECIMAL: read_decimal,
                      Question.Type.DATE: read_date}[kind]
            slot = 4 if kind == Question.Type.DATE else 3

            def convert(value: str):
                if not value.strip():
                    return empty
                try:
                    parsed = reader(value)
                except CellError as error:
                    return _Bad(str(error))
                part = [qid, None, "", None, None]
                part[slot] = parsed
                return (encode(tuple(part)),), f"{path}={parsed}", parsed

            return convert, CACHE_LIMIT

        # Free text: kept as written (composed, NUL removed: PostgreSQL refuses it), not cached.
        def convert_text(value: str):
            text = value.strip().replace("\x00", "")
            if not text:
                return empty
            text = unicodedata.normalize("NFC", text)
            return (encode((qid, None, text, None, None)),), f"{path}={text}", text

        return convert_text, 0

    def _flag_converter(self, question: Question, choice_id: int) -> Callable:
        name = next((c.name for c in self.form.choices_of(question) if c.pk == choice_id), "")
        part = self.encode((question.pk, choice_id, "", None, None))
        piece = f"{question.path or question.name}/{name}=1"

        def convert(value: str):
            value = value.strip().casefold()
            if value in {"", "0", "0.0", "false", "no", "xeyr"}:
                return (), "", None
            if value in {"1", "1.0", "true", "yes", "bəli"}:
                return (part,), piece, name
            return _Bad(_("Write 1 if this choice was chosen and 0 if not."))

        return convert

    def _profile_converter(self, field: str) -> Callable:
        if field == "code":
            def convert(value: str):
                code = aztext.normalize(value)
                if len(code) > 40:
                    return _Bad(_("A respondent code has at most 40 characters."))
                return code, f"code={code}" if code else ""
            return convert
        if field == "interview_date":
            def convert(value: str):
                if not value.strip():
                    return None, ""
                try:
                    parsed = read_date(value)
                except CellError as error:
                    return _Bad(str(error))
                return parsed, f"interview_date={parsed}"
            return convert
        index, message = {
            "community": (lambda: mapping_.community_index(self.batch.study),
                          _("“%(value)s” is not one of the study’s communities.")),
            "category": (mapping_.category_index, _("“%(value)s” is not a respondent category.")),
            "gender": (mapping_.gender_index, _("“%(value)s” is not a gender: write woman, man or other (qadın, kişi, digər).")),
            "channel": (mapping_.channel_index, _("“%(value)s” is not a channel: write face-to-face, online meeting, web form or phone.")),
        }[field]
        index = index()

        def convert(value: str):
            if not value.strip():
                return ("" if field in ("gender", "channel") else None), ""
            found = look_up(index, value)
            if found is AMBIGUOUS:
                return _Bad(_("“%(value)s” names several communities; rename one of them or use its slug.") % {"value": value.strip()})
            if found is None:
                return _Bad(message % {"value": value.strip()})
            return found, f"{field}={found}"

        return convert

    # --- Reading ------------------------------------------------------------------------------

    def _problem(self, message: str, row: int, column: int | None) -> None:
        """Record a problem (from the reading thread or from the duplicate check)."""
        with self._lock:
            self.problem_count += 1
            if self.max_problems is None or len(self.problems) < self.max_problems:
                self.problems.append(self.table.problem(message, row=row, column=None if column is None else column + 1))

    def structure_problems(self) -> list[str]:
        """Mapping mistakes that make reading pointless (no question mapped, header changed…)."""
        messages = []
        headers = self.batch.mapping.get("headers")
        if headers is not None and headers != self.table.headers:
            messages.append(_("The file’s header row is not the one the mapping was made for."))
        if not self.answer_columns:
            messages.append(_("No column is mapped to a question: choose at least one."))
        return messages

    def rows(self) -> Iterator[ParsedRow | None]:
        """Each data row as a :class:`ParsedRow`, or None for a row with problems (recorded)."""
        answer_columns = self.answer_columns
        profile_columns = self.profile_columns
        uuid_column, time_column = self.uuid_column, self.time_column
        namespace = self.namespace
        unknown_values = self.unknown_values
        default_channel = self.default_channel
        validation = self.validation
        sha256 = hashlib.sha256
        bad = _Bad
        headers = self.table.headers
        unnamed = [index for index, header in enumerate(headers) if not header.strip()]
        for row_number, cells in self.table.rows:
            width = len(cells)
            parts: list = []
            canon: list[str] = []
            ok = True
            # A value under no header (past the last one, or under a blank or merged header cell):
            # usually a separator inside a value that was not quoted, which also shifts the row's
            # other values into the wrong columns. Never dropped silently.
            stray = next((index for index in (*unnamed, *range(len(headers), width))
                          if index < width and cells[index].strip()), None)
            if stray is not None:
                ok = False
                self._problem(
                    _("This value is in a column with no name in the header row. If a value contains the separator "
                      "(%(delimiter)s), put it in double quotes.") % {"delimiter": self.table.delimiter or ","},
                    row_number, stray,
                )
            for index, cache, convert, limit in answer_columns:
                value = cells[index] if index < width else ""
                result = cache.get(value)
                if result is None:
                    result = convert(value)
                    if len(cache) < limit:
                        cache[value] = result
                if result.__class__ is bad:
                    ok = False
                    self._problem(result.message, row_number, index)
                    if result.unknown:
                        seen = unknown_values.setdefault(index, {})
                        for part in result.unknown:
                            if part in seen or len(seen) < 200:
                                seen[part] = seen.get(part, 0) + 1
                    continue
                if result[0]:
                    parts += result[0]
                    canon.append(result[1])
            profile = ["", None, None, "", default_channel, None]  # in _PROFILE_SLOTS order
            for index, cache, convert, field in profile_columns:
                value = cells[index] if index < width else ""
                result = cache.get(value)
                if result is None:
                    result = convert(value)
                    if len(cache) < CACHE_LIMIT:
                        cache[value] = result
                if result.__class__ is bad:
                    ok = False
                    self._problem(result.message, row_number, index)
                    continue
                if result[1]:
                    profile[_PROFILE_SLOTS[field]] = result[0]
                    canon.append(result[1])
            submitted_at = None
            if time_column is not None and time_column < width and cells[time_column].strip():
                try:
                    submitted_at = read_datetime(cells[time_column])
                    canon.append(f"@{submitted_at.isoformat()}")
                except CellError as error:
                    ok = False
                    self._problem(str(error), row_number, time_column)
            instance = None
            if uuid_column is not None and uuid_column < width and cells[uuid_column].strip():
                try:
                    instance = read_instance_id(cells[uuid_column])
                except CellError as error:
                    ok = False
                    self._problem(str(error), row_number, uuid_column)
            if ok and validation is not None:
                for index, message in self._validate(cells, width):
                    ok = False
                    self._problem(message, row_number, index)
            if not ok:
                yield None
                continue
            canon.sort()
            row_hash = sha256("\x1e".join(canon).encode()).hexdigest()
            yield ParsedRow(row_number, instance or uuid.uuid5(namespace, row_hash), row_hash, submitted_at, *profile, parts)
