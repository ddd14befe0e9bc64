"""Read and write XLSForms, the questionnaire format of KoboToolbox, ODK and SurveyCTO.

:func:`read_xlsform` reads the survey, choices and settings sheets row by row with openpyxl, so
every problem can be located (file, sheet, row, column), checks what ogmonitor needs (supported
types, choice lists, unique names, expressions it can evaluate, NAP links), then has pyxform
parse the form and build the XForm, the authoritative check, whose own errors are reworded.
It reports every problem it finds at once (:class:`XLSFormError`), not just the first.

:func:`write_xlsform` exports a stored questionnaire back to an XLSForm that reads back equal:
same names, types, labels, choices and logic.
"""

import copy
import io
import re
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from ogmonitor.lib.tabular import Problem
from ogmonitor.plans.models import ACTIVITY_NUMBER_RE

from .expressions import ExpressionError, parse

#: ogmonitor's types, as the survey sheet's ``type`` column spells them (first word).
SUPPORTED_TYPES = (
    "select_one", "select_multiple", "integer", "decimal", "text", "date", "note", "begin_group", "end_group",
)
_TYPE_ALIASES = {
    "select_one": "select_one", "select one": "select_one", "select1": "select_one",
    "select_multiple": "select_multiple", "select all that apply": "select_multiple",
    "integer": "integer", "int": "integer",
    "decimal": "decimal",
    "text": "text", "string": "text",
    "date": "date",
    "note": "note",
    "begin_group": "begin_group", "begin group": "begin_group",
    "end_group": "end_group", "end group": "end_group",
}
#: Valid XLSForm types ogmonitor does not handle (so the message can say so, not "unknown").
_OTHER_XLSFORM_TYPES = {
    "calculate", "hidden", "acknowledge", "time", "datetime", "geopoint", "geotrace", "geoshape",
    "image", "photo", "audio", "video", "file", "barcode", "range", "rank", "begin_repeat",
    "begin repeat", "end_repeat", "end repeat", "select_one_from_file", "select_multiple_from_file",
    "select_one_external", "background-audio", "xml-external", "csv-external", "trigger",
}
#: Form metadata Kobo and ODK add to every form: accepted and exported again, never asked.
METADATA_TYPES = {
    "start", "end", "today", "deviceid", "imei", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint",
}

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_LANGUAGE_CODE_RE = re.compile(r"\(\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\s*\)\s*$")
_LANGUAGE_NAMES = {"azerbaijani": "az", "azərbaycan": "az", "azərbaycanca": "az", "english": "en"}
#: The header spelling of each language ogmonitor stores, as Kobo writes it.
LANGUAGE_HEADERS = {"az": "Azerbaijani (az)", "en": "English (en)"}

#: Translatable survey columns → ParsedQuestion attribute.
_TRANSLATED_SURVEY = {
    "label": "labels", "caption": "labels", "hint": "hints",
    "constraint_message": "constraint_messages", "jr:constraintmsg": "constraint_messages",
    "constraining_message": "constraint_messages",
    "required_message": "required_messages", "jr:requiredmsg": "required_messages",
}
_PLAIN_SURVEY = {
    "type": "type", "command": "type", "name": "name", "required": "required", "relevant": "relevant",
    "relevance": "relevant", "constraint": "constraint", "appearance": "appearance",
    "nap_activity": "nap_activity", "nap_area": "nap_area",
}
_YES = {"yes", "true", "true()", "1"}
_NO = {"", "no", "false", "false()", "0"}

#: Field limits of the Question and Choice models, checked here to report them located.
_MAX = {"name": 100, "list_name": 100, "appearance": 100, "relevant": 500, "constraint": 500,
        "constraint_message": 255, "required_message": 255, "choice_label": 500}


class XLSFormError(Exception):
    """The XLSForm cannot be used; ``problems`` lists every problem found, each located."""

    def __init__(self, problems: list[Problem]):
        order = {None: 0, "survey": 1, "choices": 2, "settings": 3}
        self.problems = sorted(problems, key=lambda p: (order.get(p.sheet, 4), p.sheet or "", p.row or 0, p.column or 0))
        super().__init__("; ".join(str(problem) for problem in self.problems))


@dataclass
class ParsedQuestion:
    """One row of the survey sheet (``type`` is one of :data:`SUPPORTED_TYPES`)."""

    type: str
    name: str
    path: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    constraint_messages: dict[str, str] = field(default_factory=dict)
    required_messages: dict[str, str] = field(default_factory=dict)
    required: bool = False
    constraint: str = ""
    relevant: str = ""
    list_name: str = ""
    appearance: str = ""
    nap_activity: str = ""
    nap_area: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    row: int | None = field(default=None, compare=False)


@dataclass
class ParsedChoice:
    """One row of the choices sheet; ``position`` is its order in the whole sheet, from 1."""

    list_name: str
    name: str
    labels: dict[str, str] = field(default_factory=dict)
    position: int = 0
    extra: dict[str, str] = field(default_factory=dict)
    row: int | None = field(default=None, compare=False)


@dataclass
class ParsedForm:
    """A checked XLSForm. Two forms compare equal when their content is (row numbers aside)."""

    title: str
    form_id: str
    version: str
    default_language: str
    languages: list[str]
    questions: list[ParsedQuestion]
    choices: list[ParsedChoice]
    settings_extra: dict[str, str] = field(default_factory=dict)
    metadata: list[dict[str, str]] = field(default_factory=list)
    definition: dict = field(default_factory=dict, compare=False)
    warnings: list[Problem] = field(default_factory=list, compare=False)

    def choices_of(self, list_name: str) -> list[ParsedChoice]:
        return [choice for choice in self.choices if choice.list_name == list_name]


# --- Reading ------------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def language_code(name: str | None, default: str) -> str:
    """'Azerbaijani (az)' → 'az'; 'English' → 'en'; no language (a plain ``label``) → ``default``."""
    name = (name or "").strip()
    if not name or name.lower() == "default":
        return default
    match = _LANGUAGE_CODE_RE.search(name)
    if match:
        return match.group(1).lower()
    return _LANGUAGE_NAMES.get(name.lower(), name.lower())


def _stored_languages() -> set[str]:
    return {code for code, _name in django_settings.LANGUAGES}


@dataclass
class _Sheet:
    title: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]

    def record(self, cells: list[str]) -> dict[str, str]:
        return {header: cells[index] if index < len(cells) else "" for index, header in enumerate(self.headers) if header}

    def find(self, header: str) -> tuple[int | None, str]:
        """The 1-based column of ``header`` (compared without case) and its spelling in the sheet."""
        for index, found in enumerate(self.headers):
            if found.strip().lower() == header.strip().lower():
                return index + 1, found
        return None, header


def _read_sheet(worksheet) -> _Sheet:
    values = worksheet.iter_rows(values_only=True)
    try:
        headers = [_cell(value) for value in next(values)]
    except StopIteration:
        return _Sheet(worksheet.title, [], [])
    rows = []
    for number, row in enumerate(values, start=2):
        cells = [_cell(value) for value in row]
        if any(cells):
            rows.append((number, cells))
    return _Sheet(worksheet.title, headers, rows)


class _Reader:
    """Collects the problems of one file while reading it."""

    def __init__(self, data: bytes, filename: str, known_activities, known_areas):
        self.data = data
        self.filename = filename
        self.known_activities = None if known_activities is None else {str(number) for number in known_activities}
        self.known_areas = None if known_areas is None else {str(number) for number in known_areas}
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, message: str, sheet: _Sheet | str | None = None, row: int | None = None,
                header: str | None = None, *, warning: bool = False) -> None:
        column = None
        sheet_title = sheet.title if isinstance(sheet, _Sheet) else sheet
        if isinstance(sheet, _Sheet) and header is not None:
            column, header = sheet.find(header)
        found = Problem(message, row=row, column=column, header=header, file=self.filename, sheet=sheet_title)
        (self.warnings if warning else self.problems).append(found)

    # The whole file

    def read(self) -> ParsedForm:
        if self.data[:4] == b"\xd0\xcf\x11\xe0":
            self.problem(_("Old Excel files (.xls) cannot be read: save the form as .xlsx and upload it again."))
            raise XLSFormError(self.problems)
        try:
            workbook = load_workbook(io.BytesIO(self.data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds of errors for a file that is not a workbook
            self.problem(_("This is not an Excel workbook (.xlsx). An XLSForm is an .xlsx file with a “survey” sheet."))
            raise XLSFormError(self.problems) from None
        sheets = {name.strip().lower(): workbook[name] for name in workbook.sheetnames}
        read: dict[str, _Sheet] = {}
        for key in ("survey", "choices", "settings"):
            if key in sheets:
                try:
                    read[key] = _read_sheet(sheets[key])
                except Exception as error:  # broken XML shows up only as the sheet is streamed
                    self.problem(
                        _("This sheet cannot be read (%(error)s). Open the file in Excel, save it again and upload "
                          "the new file.") % {"error": error},
                        sheets[key].title,
                    )
        workbook.close()
        if self.problems:
            raise XLSFormError(self.problems)
        survey, choices, settings = read.get("survey"), read.get("choices"), read.get("settings")

        if survey is None:
            self.problem(
                _("The workbook has no sheet named “survey”. An XLSForm needs a “survey” sheet with "
                  "one question per row (and a “choices” sheet for the answers of choice questions).")
            )
            raise XLSFormError(self.problems)

        form_settings = self.read_settings(settings)
        # A plain "label" column is in the default language; without the setting, Azerbaijani.
        default_language = language_code(form_settings.pop("default_language", ""), "az")
        parsed_choices, lists = self.read_choices(choices, default_language)
        questions, metadata = self.read_survey(survey, choices, lists, default_language)
        definition = self.run_pyxform()
        if self.problems:
            raise XLSFormError(self.problems)
        stem = re.sub(r"\.[A-Za-z0-9]+$", "", self.filename.replace("\\", "/").rsplit("/", 1)[-1]) or "form"
        title = form_settings.pop("form_title", "") or stem
        form_id = form_settings.pop("form_id", "") or re.sub(r"[^A-Za-z0-9_]+", "_", stem).strip("_") or "form"
        version = form_settings.pop("version", "")
        return ParsedForm(
            title=title[:255],
            form_id=form_id[:100],
            version=version[:60],
            default_language=default_language,
            languages=_languages(questions, parsed_choices, default_language),
            questions=questions,
            choices=parsed_choices,
            settings_extra=form_settings,
            metadata=metadata,
            definition=definition,
            warnings=self.warnings,
        )

    def read_settings(self, sheet: _Sheet | None) -> dict[str, str]:
        if sheet is None or not sheet.rows:
            return {}
        record = sheet.record(sheet.rows[0][1])
        aliases = {"set_form_title": "form_title", "set_form_id": "form_id"}
        return {aliases.get(key.lower(), key.lower()): value for key, value in record.items() if value}

    # The choices sheet

    def translated(self, header: str, default_language: str) -> tuple[str, str | None]:
        """'label::English (en)' → ('label', 'en'); None as the code for a language not stored."""
        base, _sep, language = header.partition("::")
        code = language_code(language, default_language)
        return base.strip().lower(), (code if code in _stored_languages() else None)

    def read_choices(self, sheet: _Sheet | None, default_language: str):
        """The choices, and for each list name the choice names in it."""
        parsed: list[ParsedChoice] = []
        lists: dict[str, list[str]] = {}
        if sheet is None:
            return parsed, lists
        lowered = [header.strip().lower() for header in sheet.headers]
        list_header = next((h for h, low in zip(sheet.headers, lowered, strict=True) if low in {"list_name", "list name"}), None)
        name_header = next((h for h, low in zip(sheet.headers, lowered, strict=True) if low in {"name", "value"}), None)
        missing = [column for column, found in (("list_name", list_header), ("name", name_header)) if not found]
        if missing:
            self.problem(
                _("The choices sheet has no column %(columns)s in its first row. It needs the columns "
                  "list_name, name and label (one per language).") % {"columns": ", ".join(missing)},
                sheet, 1,
            )
            return parsed, lists
        seen: dict[tuple[str, str], int] = {}
        for row, cells in sheet.rows:
            record = sheet.record(cells)
            list_name, name = record.get(list_header, ""), record.get(name_header, "")
            choice = ParsedChoice(list_name=list_name, name=name, row=row)
            for header, value in record.items():
                if header in {list_header, name_header} or not value:
                    continue
                base, code = self.translated(header, default_language) if header.lower().startswith("label") else (header, None)
                if base in {"label", "caption"} and code:
                    choice.labels[code] = value
                else:
                    choice.extra[header] = value
            if not list_name:
                self.problem(_("This choice has no list name: fill in the list_name column."), sheet, row, list_header)
                continue
            lists.setdefault(list_name, [])
            if not name:
                self.problem(
                    _("A choice of the list “%(list)s” has no name: fill in the name column.") % {"list": list_name},
                    sheet, row, name_header,
                )
                continue
            if any(char.isspace() for char in name):
                self.problem(
                    _("The choice name “%(name)s” contains a space; choice names may not (a multiple choice "
                      "stores its answers separated by spaces). Use an underscore instead.") % {"name": name},
                    sheet, row, name_header,
                )
            if (list_name, name) in seen:
                self.problem(
                    _("The list “%(list)s” has the choice name “%(name)s” twice (also on row %(other)s). "
                      "Names must differ within a list.") % {"list": list_name, "name": name, "other": seen[list_name, name]},
                    sheet, row, name_header,
                )
                continue
            seen[list_name, name] = row
            if len(name) > _MAX["name"] or len(list_name) > _MAX["list_name"]:
                self.problem(_("The list name or the choice name is longer than 100 characters."), sheet, row, name_header)
            if not choice.labels and not any(key.lower().startswith("label") for key in choice.extra):
                self.problem(
                    _("The choice “%(name)s” has no label: fill in the label columns.") % {"name": name},
                    sheet, row, name_header,
                )
            if any(len(label) > _MAX["choice_label"] for label in choice.labels.values()):
                self.problem(_("The choice label is longer than 500 characters."), sheet, row, name_header)
            lists[list_name].append(name)
            choice.position = len(parsed) + 1
            parsed.append(choice)
        return parsed, lists

    # The survey sheet

    def read_survey(self, sheet: _Sheet, choices_sheet: _Sheet | None, lists: dict[str, list[str]], default_language: str):
        lowered = {header: header.strip().lower() for header in sheet.headers if header}
        type_header = next((h for h, low in lowered.items() if low in {"type", "command"}), None)
        name_header = next((h for h, low in lowered.items() if low in {"name", "tag", "value"}), None)
        if not type_header or not name_header:
            missing = [column for column, found in (("type", type_header), ("name", name_header)) if not found]
            self.problem(
                _("The survey sheet has no column %(columns)s in its first row. It needs at least the "
                  "columns type, name and label.") % {"columns": ", ".join(missing)},
                sheet, 1,
            )
            return [], []

        rows: list[tuple[int, dict[str, str]]] = [(row, sheet.record(cells)) for row, cells in sheet.rows]
        # Every name first, so a relevant may refer to a question further down.
        known_fields = {record.get(name_header, "") for _row, record in rows} - {""}

        questions: list[ParsedQuestion] = []
        metadata: list[dict[str, str]] = []
        names: dict[str, int] = {}
        groups: list[ParsedQuestion] = []
        missing_choices_reported = False
        for row, record in rows:
            raw_type = " ".join(record.get(type_header, "").split())
            if not raw_type:
                if any(value for value in record.values()):
                    self.problem(_("This row has no type. Fill in the type column or delete the row."), sheet, row, type_header)
                continue
            question = self.read_question(sheet, row, record, type_header, name_header, default_language)
            kind, list_name = self.read_type(sheet, row, raw_type, type_header)
            if kind is None:
                continue
            if kind == "metadata":
                metadata.append({header: value for header, value in record.items() if value})
                continue
            question.type = kind
            question.list_name = list_name

            if kind == "end_group":
                if not groups:
                    self.problem(_("This end_group closes no group: there is no begin_group above it that is still open."),
                                 sheet, row, type_header)
                    continue
                group = groups.pop()
                question.name, question.path = group.name, group.path
                questions.append(question)
                continue

            name = question.name
            if not name:
                self.problem(_("This row has no name. Every question and group needs a name (letters, digits and _)."),
                             sheet, row, name_header)
            elif not _NAME_RE.match(name):
                self.problem(
                    _("The name “%(name)s” is not valid: a name starts with a letter or _ and contains only "
                      "letters, digits, _, - and . (no spaces).") % {"name": name},
                    sheet, row, name_header,
                )
            elif name in names:
                self.problem(
                    _("The name “%(name)s” is already used on row %(other)s. Each question needs its own name.")
                    % {"name": name, "other": names[name]},
                    sheet, row, name_header,
                )
            elif len(name) > _MAX["name"]:
                self.problem(_("The name is longer than 100 characters."), sheet, row, name_header)
            if name:
                names.setdefault(name, row)
            question.path = "/".join([group.name for group in groups] + [name])

            if kind in {"select_one", "select_multiple"}:
                if choices_sheet is None:
                    if not missing_choices_reported:
                        self.problem(
                            _("The workbook has no sheet named “choices”, but the form has choice questions "
                              "(this row is the first). Add a “choices” sheet with the columns list_name, name and label."),
                            sheet, row, type_header,
                        )
                        missing_choices_reported = True
                elif not list_name:
                    self.problem(
                        _("“%(type)s” needs the name of its choice list after a space, e.g. “%(type)s yes_no”.") % {"type": kind},
                        sheet, row, type_header,
                    )
                elif list_name not in lists:
                    self.problem(
                        _("The choice list “%(list)s” is not on the choices sheet. Check its spelling, or add its "
                          "choices there.") % {"list": list_name},
                        sheet, row, type_header,
                    )
                elif not lists[list_name]:
                    self.problem(_("The choice list “%(list)s” has no choices.") % {"list": list_name}, sheet, row, type_header)

            if question.type not in {"begin_group"} and not question.labels and not any(
                key.lower().startswith("label") for key in question.extra
            ):
                self.problem(_("This question has no label: fill in the label columns."), sheet, row, name_header)

            self.check_logic(sheet, row, question, known_fields)
            self.check_plan_links(sheet, row, question)
            questions.append(question)
            if kind == "begin_group":
                groups.append(question)

        for group in groups:
            self.problem(
                _("The group “%(name)s” is never closed: add an end_group row after its last question.") % {"name": group.name},
                sheet, group.row, type_header,
            )
        return questions, metadata

    def read_question(self, sheet, row, record, type_header, name_header, default_language) -> ParsedQuestion:
        question = ParsedQuestion(type="", name=record.get(name_header, ""), row=row)
        for header, value in record.items():
            if header in {type_header, name_header} or not value:
                continue
            base, code = self.translated(header, default_language)
            if base in _TRANSLATED_SURVEY:
                if code is None:
                    question.extra[header] = value
                else:
                    attribute = _TRANSLATED_SURVEY[base]
                    getattr(question, attribute)[code] = value
                    limit = {"constraint_messages": 255, "required_messages": 255}.get(attribute)
                    if limit and len(value) > limit:
                        self.problem(
                            _("This message is longer than %(limit)s characters.") % {"limit": limit}, sheet, row, header
                        )
            elif "::" not in header and header.strip().lower() in _PLAIN_SURVEY:
                attribute = _PLAIN_SURVEY[header.strip().lower()]
                if attribute == "required":
                    if value.lower() in _YES:
                        question.required = True
                    elif value.lower() not in _NO:
                        self.problem(
                            _("required must be “yes” or “no”; “%(value)s” is not understood (ogmonitor does not "
                              "support conditions here).") % {"value": value},
                            sheet, row, header,
                        )
                else:
                    setattr(question, attribute, value)
                    limit = _MAX.get(attribute)
                    if limit and len(value) > limit:
                        self.problem(
                            _("This value is longer than %(limit)s characters.") % {"limit": limit}, sheet, row, header
                        )
            else:
                question.extra[header] = value
        return question

    def read_type(self, sheet, row, raw_type: str, type_header) -> tuple[str | None, str]:
        lowered = raw_type.lower()
        for alias in sorted(_TYPE_ALIASES, key=len, reverse=True):
            if lowered == alias or lowered.startswith(alias + " "):
                kind = _TYPE_ALIASES[alias]
                rest = raw_type[len(alias):].split()
                if kind in {"select_one", "select_multiple"}:
                    if len(rest) > 1:
                        self.problem(
                            _("“%(type)s”: ogmonitor does not support “%(extra)s” after the list name (add an "
                              "“other” choice and a text question instead).") % {"type": raw_type, "extra": " ".join(rest[1:])},
                            sheet, row, type_header,
                        )
                        return None, ""
                    return kind, rest[0] if rest else ""
                if rest:
                    break
                return kind, ""
        if lowered in METADATA_TYPES:
            return "metadata", ""
        supported = ", ".join(SUPPORTED_TYPES)
        first = lowered.split()[0] if lowered.split() else lowered
        if lowered in _OTHER_XLSFORM_TYPES or first in _OTHER_XLSFORM_TYPES:
            self.problem(
                _("The type “%(type)s” is valid in XLSForm but ogmonitor does not support it. Supported types: "
                  "%(supported)s.") % {"type": raw_type, "supported": supported},
                sheet, row, type_header,
            )
        else:
            self.problem(
                _("Unknown type “%(type)s”. Supported types: %(supported)s.") % {"type": raw_type, "supported": supported},
                sheet, row, type_header,
            )
        return None, ""

    def check_logic(self, sheet, row, question: ParsedQuestion, known_fields: set[str]) -> None:
        for column in ("relevant", "constraint"):
            text = getattr(question, column)
            if not text:
                continue
            spellings = {"relevant", "relevance"} if column == "relevant" else {column}
            header = next((h for h in sheet.headers if h.strip().lower() in spellings), column)
            try:
                parse(text, known_fields)
            except ExpressionError as error:
                self.problem(
                    _("The %(column)s expression “%(expression)s” cannot be used: %(error)s")
                    % {"column": column, "expression": text, "error": error.message},
                    sheet, row, header,
                )
        if question.constraint and question.type in {"note", "begin_group"}:
            self.problem(_("A constraint is only possible on a question that takes an answer."), sheet, row, "constraint")

    def check_plan_links(self, sheet, row, question: ParsedQuestion) -> None:
        number = question.nap_activity
        if number:
            if not ACTIVITY_NUMBER_RE.match(number):
                self.problem(
                    _("“%(value)s” is not an activity number; write it as in the plan, such as 3.2 (format the "
                      "column as text so that Excel keeps 3.10).") % {"value": number},
                    sheet, row, "nap_activity",
                )
            elif self.known_activities is not None and number not in self.known_activities:
                self.problem(
                    _("The study’s action plan has no activity numbered %(number)s.") % {"number": number},
                    sheet, row, "nap_activity",
                )
        number = question.nap_area
        if number:
            if not number.isdigit():
                self.problem(
                    _("“%(value)s” is not an area number; write the number of the plan’s area, such as 2.") % {"value": number},
                    sheet, row, "nap_area",
                )
            elif self.known_areas is not None and str(int(number)) not in self.known_areas:
                self.problem(
                    _("The study’s action plan has no area numbered %(number)s.") % {"number": number},
                    sheet, row, "nap_area",
                )

    # pyxform

    def run_pyxform(self) -> dict:
        """pyxform's JSON of the form, after it built the XForm; its errors become problems."""
        from pyxform.builder import create_survey_element_from_dict
        from pyxform.errors import PyXFormError
        from pyxform.xls2json import parse_file_to_json

        warnings: list[str] = []
        try:
            definition = parse_file_to_json(None, file_object=io.BytesIO(self.data), warnings=warnings)
            create_survey_element_from_dict(copy.deepcopy(definition)).to_xml(validate=False, warnings=warnings)
        except PyXFormError as error:
            self.add_pyxform_problem(str(error))
            return {}
        except Exception as error:  # pyxform fails with KeyError & co. on some malformed forms
            self.add_pyxform_problem(_("The form converter failed (%(error)s).") % {"error": f"{type(error).__name__}: {error}"})
            return {}
        for warning in warnings:
            problem = translate_pyxform_message(warning, self.filename)
            if problem:
                self.warnings.append(problem)
        return definition

    def add_pyxform_problem(self, message: str) -> None:
        problem = translate_pyxform_message(message, self.filename)
        if problem is None:
            return
        # pyxform stops at its first error, which ogmonitor's own checks usually found already
        # (in plainer words): keep it only when it says something new.
        if problem.row is None and self.problems:
            return
        if any(known.row == problem.row and known.sheet == problem.sheet for known in self.problems):
            return
        self.problems.append(problem)


_ROW_RE = re.compile(r"\[row\s*:\s*(\d+)\]\s*")
_SHEET_RE = re.compile(r"On the '(\w+)' sheet,?\s*")
_COLUMN_RE = re.compile(r"the '([^']+)' value (?:'[^']*' )?is (?:invalid|problematic)\.\s*")
_JARGON = [
    (re.compile(r"\s*Learn more: \S+"), ""),
    (re.compile(r"\s*If this is intentional, use the setting 'allow_choice_duplicates'\."), ""),
    (re.compile(r"Reference variables must contain a name from the 'survey' sheet\. Could not find the name '([^']+)'\."),
     "no question is named “\\1”."),
    (re.compile(r"Questions, groups, and repeats must be unique within their nearest parent group or repeat, "
                r"or the survey if not inside a group or repeat\."), "Each question needs its own name."),
    (re.compile(r"ODK Validate|XPath|xpath|itext|bind"), "form"),
]


def translate_pyxform_message(message: str, filename: str | None) -> Problem | None:
    """pyxform's message as a located :class:`Problem`, without its technical wording."""
    message = " ".join(str(message).split())
    if not message:
        return None
    row = sheet = header = None
    match = _ROW_RE.search(message)
    if match:
        row = int(match.group(1))
        message = _ROW_RE.sub("", message)
    match = _SHEET_RE.search(message)
    if match:
        sheet = match.group(1)
        message = _SHEET_RE.sub("", message)
    match = _COLUMN_RE.search(message)
    if match:
        header = match.group(1)
        message = _COLUMN_RE.sub("", message)
    for pattern, replacement in _JARGON:
        message = pattern.sub(replacement, message)
    if row and not sheet:
        sheet = "survey"
    message = message.strip()
    message = message[:1].upper() + message[1:]
    return Problem(_("The form converter (pyxform) says: %(message)s") % {"message": message},
                   row=row, header=header, file=filename, sheet=sheet)


def _languages(questions: list[ParsedQuestion], choices: list[ParsedChoice], default: str) -> list[str]:
    """The language codes the form's texts are in: ogmonitor's languages first, then others."""
    found: set[str] = set()
    for question in questions:
        for texts in (question.labels, question.hints, question.constraint_messages, question.required_messages):
            found.update(code for code, text in texts.items() if text)
    for choice in choices:
        found.update(code for code, text in choice.labels.items() if text)
    for item in [*questions, *choices]:
        for header in item.extra:
            base, _sep, language = header.partition("::")
            if base.strip().lower() in {*_TRANSLATED_SURVEY, "image", "audio", "video", "big-image"}:
                found.add(language_code(language, default))
    stored = [code for code, _name in django_settings.LANGUAGES]
    return [code for code in stored if code in found] + sorted(found - set(stored))


def read_xlsform(fileobj, filename: str, known_activities=None, known_areas=None) -> ParsedForm:
    """Read and check an XLSForm upload; raises :class:`XLSFormError` listing every problem.

    ``known_activities`` (activity numbers such as "3.2") and ``known_areas`` (area numbers) are
    those of the study's plan: a ``nap_activity`` or ``nap_area`` outside them is a problem.
    Without them these columns are only checked for their format.
    """
    data = fileobj.read() if hasattr(fileobj, "read") else bytes(fileobj)
    if not data:
        raise XLSFormError([Problem(_("The file is empty."), file=filename)])
    return _Reader(data, filename, known_activities, known_areas).read()


# --- Writing ------------------------------------------------------------------------------------


def _language_header(code: str) -> str:
    return LANGUAGE_HEADERS.get(code, f"{code} ({code})")


def _translated_columns(prefix: str, codes) -> list[str]:
    return [f"{prefix}::{_language_header(code)}" for code in codes]


def _append_text(worksheet, values: list) -> None:
    """A row of text cells, text starting with "=" included: openpyxl would write that as a formula,
    which Excel runs on opening. (Not the apostrophe of lib.spreadsheet: the form must read back equal.)"""
    worksheet.append(values)
    for cell in worksheet[worksheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def write_xlsform(questionnaire) -> bytes:
    """The questionnaire as an XLSForm (.xlsx bytes) that reads back equal with :func:`read_xlsform`."""
    codes = [code for code, _name in django_settings.LANGUAGES]
    questions = list(questionnaire.questions.select_related("nap_activity", "nap_area").order_by("position"))
    choices = list(questionnaire.choices.order_by("position", "pk"))
    stored = questionnaire.settings_extra or {}

    survey_columns = [
        "type", "name", *_translated_columns("label", codes), *_translated_columns("hint", codes), "required",
        *_translated_columns("required_message", codes), "relevant", "constraint",
        *_translated_columns("constraint_message", codes), "appearance", "nap_activity", "nap_area",
    ]
    survey_rows: list[dict[str, str]] = [dict(row) for row in stored.get("metadata", [])]
    for question in questions:
        row = {
            "type": f"{question.type} {question.list_name}" if question.is_select else question.type,
            "name": question.name,
            "required": "yes" if question.required else "",
            "relevant": question.relevant,
            "constraint": question.constraint,
            "appearance": question.appearance,
            "nap_activity": question.nap_activity.number if question.nap_activity else "",
            "nap_area": str(question.nap_area.number) if question.nap_area else "",
        }
        for code in codes:
            row[f"label::{_language_header(code)}"] = getattr(question, f"label_{code}") or ""
            row[f"hint::{_language_header(code)}"] = getattr(question, f"hint_{code}") or ""
            row[f"required_message::{_language_header(code)}"] = getattr(question, f"required_message_{code}") or ""
            row[f"constraint_message::{_language_header(code)}"] = getattr(question, f"constraint_message_{code}") or ""
        row.update(question.extra or {})
        survey_rows.append(row)
    for row in survey_rows:
        survey_columns += [header for header in row if header not in survey_columns]

    choice_columns = ["list_name", "name", *_translated_columns("label", codes)]
    choice_rows = []
    for choice in choices:
        row = {"list_name": choice.list_name, "name": choice.name}
        for code in codes:
            row[f"label::{_language_header(code)}"] = getattr(choice, f"label_{code}") or ""
        row.update(choice.extra or {})
        choice_rows.append(row)
        choice_columns += [header for header in row if header not in choice_columns]

    form_settings = {
        "form_title": questionnaire.title,
        "form_id": questionnaire.form_id,
        "version": questionnaire.form_version,
        "default_language": _language_header(questionnaire.default_language),
        **stored.get("settings", {}),
    }

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns, rows in (
        ("survey", survey_columns, survey_rows),
        ("choices", choice_columns, choice_rows),
        ("settings", list(form_settings), [form_settings]),
    ):
        worksheet = workbook.create_sheet(title)
        _append_text(worksheet, columns)
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            # Text cells throughout: Excel must not turn activity 3.10 into the number 3.1.
            _append_text(worksheet, [str(row.get(column, "") or "") or None for column in columns])
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
