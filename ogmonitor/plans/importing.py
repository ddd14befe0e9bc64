"""Plan import: the documented columns, reading a file into checked rows, and what it would change.

One list, :data:`COLUMNS`, drives the column table on the import page and in ``docs/imports.md``,
the downloadable templates and the validator, so they cannot drift apart. This module only
reads (a dry run never writes); :func:`ogmonitor.plans.services.commit_plan_import` writes.
"""

import csv
import difflib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib import aztext
from ogmonitor.lib.tabular import Problem, Table, TableError, open_table
from ogmonitor.places.models import Organization

from .models import ACTIVITY_NUMBER_RE, ActionPlan, Activity, Area

#: A hopeless file (wrong sheet, wrong columns) would otherwise list a problem per cell.
MAX_PROBLEMS = 1000

_YES = {"yes", "bəli", "1", "true"}
_NO = {"no", "xeyr", "0", "false"}


class CellError(ValueError):
    """A cell's value cannot be used; the message says what is expected instead."""


class PlanImportError(Exception):
    """The file has problems, so nothing was imported."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


# Readers turn a cell's text (already stripped) into the value stored; "" means the cell is empty.


def _text(model, field_name: str, multiline: bool = False) -> Callable[[str], str]:
    """Normalised text, no longer than the model field allows (PostgreSQL would refuse it)."""

    def read(value: str) -> str:
        if multiline:
            text = "\n".join(aztext.normalize(line) for line in value.splitlines()).strip()
        else:
            text = aztext.normalize(value)
        limit = model._meta.get_field(field_name).max_length
        if limit and len(text) > limit:
            raise CellError(
                _("This text has %(length)s characters; at most %(limit)s fit.")
                % {"length": len(text), "limit": limit}
            )
        return text

    return read


def _area_number(value: str) -> int | None:
    if not value:
        return None
    if not re.fullmatch(r"\d{1,3}", value) or int(value) == 0:
        raise CellError(_("Write the area number as a whole number such as 3."))
    return int(value)


def _activity_number(value: str) -> str:
    if value and not ACTIVITY_NUMBER_RE.match(value):
        raise CellError(
            _("“%(value)s” is not an activity number: write numbers joined by dots, such as 3.2 or 1.4.1.")
            % {"value": value}
        )
    return value


def _year_bounds() -> tuple[int, int]:
    """The years the model accepts, read from its validators so the two never disagree."""
    validators = Activity._meta.get_field("start_year").validators
    low = max(v.limit_value for v in validators if isinstance(v, MinValueValidator))
    high = min(v.limit_value for v in validators if isinstance(v, MaxValueValidator))
    return low, high


def _year(value: str) -> int | None:
    if not value:
        return None
    low, high = _year_bounds()
    if not re.fullmatch(r"\d{4}", value):
        raise CellError(_("“%(value)s” is not a year: write four digits, such as 2021.") % {"value": value})
    if not low <= int(value) <= high:
        raise CellError(
            _("The year %(value)s is out of range: it must be between %(low)s and %(high)s.")
            % {"value": value, "low": low, "high": high}
        )
    return int(value)


def _yes_no(value: str) -> bool:
    """Yes or no in either language, any case: 'BƏLİ' folds to 'bəli' only by Azerbaijani rules."""
    if not value:
        return False
    variants = aztext.search_variants(value)
    if variants & _YES:
        return True
    if variants & _NO:
        return False
    raise CellError(
        _("“%(value)s” is not yes or no: write yes/no, bəli/xeyr, 1/0 or true/false.") % {"value": value}
    )


def _names(value: str) -> list[str]:
    """Semicolon-separated names, each once, in the order written."""
    names = [aztext.normalize(name) for name in value.split(";")]
    return list(dict.fromkeys(name for name in names if name))


@dataclass(frozen=True)
class Column:
    """One documented column of the import file."""

    name: str
    required: bool  # the column must be present and every row must fill it
    target: str  # "area" or "activity": which record the value goes to
    field: str  # the attribute it sets
    read: Callable[[str], object]
    description: str
    example: str  # import data, so not translated: the template's example row must import


COLUMNS: list[Column] = [
    Column("area_number", True, "area", "number", _area_number,
           _("Number of the plan’s area (direction) the activity belongs to, a whole number."), "1"),
    Column("area_title_az", True, "area", "title_az", _text(Area, "title"),
           _("Title of the area in Azerbaijani. Repeat it on every row of the area."),
           "Dövlət orqanlarının fəaliyyətində şəffaflığın artırılması"),
    Column("area_title_en", False, "area", "title_en", _text(Area, "title"),
           _("Title of the area in English."),
           "Increasing transparency in the work of state bodies"),
    Column("activity_number", True, "activity", "number", _activity_number,
           _("Number of the activity as in the plan: numbers joined by dots, starting with the area "
             "number (1.1, 1.2, 2.3.1). Each activity appears once. In Excel, keep this column as text "
             "so 1.10 does not turn into 1.1."), "1.1"),
    Column("title_az", True, "activity", "title_az", _text(Activity, "title"),
           _("Title of the activity in Azerbaijani."),
           "Bələdiyyələrin büdcə məlumatlarının internetdə açıqlanması"),
    Column("title_en", False, "activity", "title_en", _text(Activity, "title"),
           _("Title of the activity in English."),
           "Publishing municipal budget information online"),
    Column("description_az", False, "activity", "description_az", _text(Activity, "description", True),
           _("What the activity involves, in Azerbaijani. Line breaks are kept."),
           "Hər bələdiyyə illik büdcəsini və onun icrasını öz saytında dərc edir."),
    Column("description_en", False, "activity", "description_en", _text(Activity, "description", True),
           _("What the activity involves, in English."),
           "Each municipality publishes its annual budget and its execution on its website."),
    Column("executors", False, "activity", "executors", _names,
           _("Who carries it out, separated by semicolons: organisation names (in Azerbaijani or "
             "English, as in the organisation registry) or organisation type codes such as "
             "municipality or state_body. Names not in the registry are kept as text."),
           "municipality; Ədliyyə Nazirliyi"),
    Column("participants_az", False, "activity", "participants_az", _text(Activity, "participants", True),
           _("Who takes part, in Azerbaijani."), "Vətəndaş cəmiyyəti institutları"),
    Column("participants_en", False, "activity", "participants_en", _text(Activity, "participants", True),
           _("Who takes part, in English."), "Civil society organisations"),
    Column("deadline_az", False, "activity", "deadline_text_az", _text(Activity, "deadline_text"),
           _("The deadline as the plan words it, in Azerbaijani."), "2021–2022-ci illər"),
    Column("deadline_en", False, "activity", "deadline_text_en", _text(Activity, "deadline_text"),
           _("The deadline as the plan words it, in English."), "2021–2022"),
    Column("start_year", False, "activity", "start_year", _year,
           _("First year of the activity, four digits."), "2021"),
    Column("end_year", False, "activity", "end_year", _year,
           _("Last year of the activity, four digits, not before the first year."), "2022"),
    Column("involves_municipalities", True, "activity", "involves_municipalities", _yes_no,
           _("Whether municipalities or other local bodies take part: yes or no (also bəli/xeyr, "
             "1/0, true/false, in any case)."), "bəli"),
    Column("is_placeholder", False, "activity", "is_placeholder", _yes_no,
           _("Yes when the title is not the official text yet; empty means no."), "xeyr"),
]
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}


def header_key(header: str) -> set[str]:
    """The names a header may stand for: case, spaces and hyphens do not matter ('Area Number')."""
    return {re.sub(r"[\s\-]+", "_", variant) for variant in aztext.search_variants(header)}


# What a file holds, once read and checked.


@dataclass
class AreaRow:
    number: int
    row: int  # the first row naming it
    values: dict[str, object]


@dataclass
class ActivityRow:
    row: int
    number: str
    area_number: int
    values: dict[str, object]  # only columns present in the file, so absent ones stay as they are
    executors: list[Organization] | None = None  # None when the file has no executors column


@dataclass
class ImportCounts:
    areas_created: int = 0
    areas_updated: int = 0
    areas_unchanged: int = 0
    activities_created: int = 0
    activities_updated: int = 0
    activities_unchanged: int = 0


@dataclass
class ImportPreview:
    """The outcome of a dry run: every problem, or the checked rows and what they would change."""

    plan: ActionPlan
    filename: str
    problems: list[Problem] = field(default_factory=list)
    areas: list[AreaRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    #: Executor names not found in the registry (kept as text), with the rows naming them.
    unmatched_executors: dict[str, list[int]] = field(default_factory=dict)
    counts: ImportCounts | None = None

    @property
    def is_valid(self) -> bool:
        return not self.problems


class _TooManyProblems(Exception):
    pass


class _ExecutorResolver:
    """Turn executor names into organisations or type codes, one query per distinct name."""

    def __init__(self):
        self._cache: dict[str, Organization | str | None] = {}
        self._type_codes = {code.casefold(): code for code in Organization.Type.values}

    def resolve(self, name: str) -> Organization | str | None:
        if name not in self._cache:
            self._cache[name] = self._type_codes.get(name.casefold()) or self._organization(name)
        return self._cache[name]

    @staticmethod
    def _organization(name: str) -> Organization | None:
        """The one organisation with exactly this name; None when there is none or several."""
        wanted = aztext.search_variants(name)
        matches = [
            organization
            for organization in Organization.objects.search(name)
            if any(
                wanted & aztext.search_variants(text)
                for text in (organization.name_az, organization.name_en, organization.short_name)
                if text
            )
        ]
        return matches[0] if len(matches) == 1 else None


class _FileReader:
    """Read a table row by row into ``preview``, collecting every problem found on the way."""

    def __init__(self, table: Table, preview: ImportPreview):
        self.table = table
        self.preview = preview
        self.positions: dict[str, int] = {}  # column name → 1-based position in the file
        self.areas: dict[int, AreaRow] = {}
        self.activity_rows: dict[str, int] = {}
        self.executors = _ExecutorResolver()

    def problem(self, message, row: int | None = None, column: str | int | None = None) -> None:
        if len(self.preview.problems) >= MAX_PROBLEMS:
            raise _TooManyProblems
        position = self.positions.get(column) if isinstance(column, str) else column
        self.preview.problems.append(self.table.problem(message, row=row, column=position))

    def read(self) -> None:
        try:
            self.read_headers()
            any_rows = False
            for row_number, cells in self.table.rows:
                any_rows = True
                self.read_row(row_number, cells)
            if not any_rows:
                self.problem(_("The file has a header row but no activities under it."))
        except TableError as error:  # e.g. a byte in a wrong encoding half-way through
            self.preview.problems.extend(error.problems)
        except _TooManyProblems:
            self.preview.problems.append(
                Problem(
                    _("There are more problems; only the first %(count)s are listed. Correct these and check the file again.")
                    % {"count": MAX_PROBLEMS},
                    file=self.table.filename,
                )
            )
        self.preview.areas = sorted(self.areas.values(), key=lambda area: area.number)

    def read_headers(self) -> None:
        for position, header in enumerate(self.table.headers, start=1):
            if not header:
                continue
            names = header_key(header) & COLUMNS_BY_NAME.keys()
            if not names:
                self.unknown_header(header, position)
                continue
            name = names.pop()
            if name in self.positions:
                self.problem(
                    _("The column “%(name)s” appears twice; keep one of them.") % {"name": name},
                    column=position,
                )
                continue
            self.positions[name] = position
        for column in COLUMNS:
            if column.required and column.name not in self.positions:
                self.preview.problems.append(
                    Problem(
                        _("The required column “%(name)s” is missing from the header row.") % {"name": column.name},
                        header=column.name,
                        file=self.table.filename,
                    )
                )

    def unknown_header(self, header: str, position: int) -> None:
        """Unknown columns are refused: a misspelt 'titel_en' would otherwise be dropped silently."""
        guesses = difflib.get_close_matches(min(header_key(header)), COLUMNS_BY_NAME, n=1)
        if guesses:
            message = _("Unknown column “%(header)s”: did you mean “%(guess)s”?") % {
                "header": header, "guess": guesses[0]
            }
        else:
            message = _("Unknown column “%(header)s”: use the column names listed on the import page.") % {
                "header": header
            }
        self.problem(message, column=position)

    def read_row(self, row: int, cells: list[str]) -> None:
        self.check_unnamed_cells(row, cells)
        values: dict[str, dict[str, object]] = {"area": {}, "activity": {}}
        valid = True
        for column in COLUMNS:
            if column.name not in self.positions:
                continue
            position = self.positions[column.name]
            text = cells[position - 1].strip() if position <= len(cells) else ""
            if column.required and not text:
                self.problem(_("This cell is empty; the column “%(name)s” must be filled on every row.")
                             % {"name": column.name}, row, column.name)
                valid = False
                continue
            try:
                values[column.target][column.field] = column.read(text)
            except CellError as error:
                self.problem(error.args[0], row, column.name)
                valid = False
        area_values, activity_values = values["area"], values["activity"]
        valid = self.check_years(row, activity_values) and valid
        area_number = area_values.pop("number", None)
        number = activity_values.pop("number", None)
        if area_number is not None:
            valid = self.add_area(row, area_number, area_values) and valid
        if number:
            valid = self.check_activity_number(row, number, area_number) and valid
        if valid and area_number is not None and number:
            self.add_activity(row, number, area_number, activity_values)

    def check_unnamed_cells(self, row: int, cells: list[str]) -> None:
        """Flag values under no header: usually a delimiter inside a value that was not quoted."""
        for position, cell in enumerate(cells, start=1):
            named = position <= len(self.table.headers) and self.table.headers[position - 1]
            if cell.strip() and not named:
                self.problem(
                    _("This value is in a column with no name in the header row. If a value contains "
                      "the separator (%(delimiter)s), put it in double quotes.")
                    % {"delimiter": self.table.delimiter or ","},
                    row, position,
                )
                return

    def check_years(self, row: int, values: dict[str, object]) -> bool:
        start, end = values.get("start_year"), values.get("end_year")
        if start and end and end < start:
            self.problem(_("The last year (%(end)s) is before the first year (%(start)s).")
                         % {"end": end, "start": start}, row, "end_year")
            return False
        return True

    def check_activity_number(self, row: int, number: str, area_number: int | None) -> bool:
        valid = True
        if area_number is not None and int(number.split(".")[0]) != area_number:
            self.problem(
                _("Activity %(number)s does not start with its area number %(area)s.")
                % {"number": number, "area": area_number}, row, "activity_number",
            )
            valid = False
        first_row = self.activity_rows.setdefault(number, row)
        if first_row != row:
            self.problem(
                _("Activity %(number)s appears twice, in rows %(first_row)s and %(row)s; each activity may appear only once.")
                % {"number": number, "first_row": first_row, "row": row}, row, "activity_number",
            )
            valid = False
        return valid

    def add_area(self, row: int, number: int, values: dict[str, object]) -> bool:
        """Register the area, or check this row gives it the same titles as its first row did."""
        area = self.areas.get(number)
        if area is None:
            self.areas[number] = AreaRow(number=number, row=row, values=values)
            return True
        valid = True
        for column_name, field_name in (("area_title_az", "title_az"), ("area_title_en", "title_en")):
            known, given = area.values.get(field_name), values.get(field_name)
            if known and given and aztext.fold(known) != aztext.fold(given):
                self.problem(
                    _("Area %(number)s is titled “%(first)s” in row %(first_row)s but “%(title)s” in row %(row)s; give it one title.")
                    % {"number": number, "first": known, "first_row": area.row, "title": given, "row": row},
                    row, column_name,
                )
                valid = False
            elif given and not known:
                area.values[field_name] = given
        return valid

    def add_activity(self, row: int, number: str, area_number: int, values: dict[str, object]) -> None:
        names = values.pop("executors", None)
        activity = ActivityRow(row=row, number=number, area_number=area_number, values=values)
        if names is not None:
            organizations, types, unknown = {}, [], []
            for name in names:
                found = self.executors.resolve(name)
                if isinstance(found, Organization):
                    organizations[found.pk] = found  # its az and en names may both be listed
                elif found:
                    types.append(found)
                else:
                    unknown.append(name)
                    self.preview.unmatched_executors.setdefault(name, []).append(row)
            activity.executors = list(organizations.values())
            values["executor_types"] = list(dict.fromkeys(types))
            values["executors_text_az"] = "; ".join(unknown)
        self.preview.activities.append(activity)


def parse_plan_file(fileobj, filename: str, plan: ActionPlan) -> ImportPreview:
    """Read and check a whole plan file without writing anything: the dry run."""
    preview = ImportPreview(plan=plan, filename=filename)
    try:
        table = open_table(fileobj, filename)
    except TableError as error:
        preview.problems.extend(error.problems)
        return preview
    _FileReader(table, preview).read()
    if preview.is_valid:
        preview.counts = plan_changes(preview).counts
    return preview


# What a checked file would change in the database.


@dataclass
class PlanChanges:
    """Unsaved areas and activities holding the file's values; saving them is the import."""

    areas_to_save: list[Area] = field(default_factory=list)
    activities_to_save: list[tuple[Activity, list[Organization] | None]] = field(default_factory=list)
    counts: ImportCounts = field(default_factory=ImportCounts)


def _apply(instance, values: dict[str, object]) -> bool:
    """Set ``values`` on ``instance``; True when any of them differs from what it had.

    Translation columns default to NULL, which an empty cell means too: not a change.
    """
    changed = False
    for name, value in values.items():
        current = getattr(instance, name)
        if isinstance(value, str) and current is None:
            current = ""
        if current != value:
            setattr(instance, name, value)
            changed = True
    return changed


def plan_changes(preview: ImportPreview) -> PlanChanges:
    """Compare a checked file with the plan as stored: what to create, what to update, what stays.

    Areas are matched by number and activities by number, so importing the same file again
    changes nothing. Records the file does not mention are left alone.
    """
    plan = preview.plan
    changes = PlanChanges()
    counts = changes.counts
    areas = {area.number: area for area in Area.objects.filter(plan=plan)}
    for row in preview.areas:
        area = areas.get(row.number)
        if area is None:
            area = areas[row.number] = Area(plan=plan, number=row.number)
            _apply(area, row.values)
            changes.areas_to_save.append(area)
            counts.areas_created += 1
        elif _apply(area, row.values):
            changes.areas_to_save.append(area)
            counts.areas_updated += 1
        else:
            counts.areas_unchanged += 1
    existing = {
        activity.number: activity
        for activity in Activity.objects.filter(plan=plan).prefetch_related("executors")
    }
    for row in preview.activities:
        activity = existing.get(row.number)
        if activity is None:
            activity = Activity(plan=plan, number=row.number, area=areas[row.area_number])
            _apply(activity, row.values)
            changes.activities_to_save.append((activity, row.executors))
            counts.activities_created += 1
            continue
        changed = _apply(activity, row.values)
        if row.executors is not None:
            changed |= {o.pk for o in activity.executors.all()} != {o.pk for o in row.executors}
        if changed:
            changes.activities_to_save.append((activity, row.executors))
            counts.activities_updated += 1
        else:
            counts.activities_unchanged += 1
    return changes


# Templates users download and fill in.


def template_rows() -> list[list[str]]:
    return [[column.name for column in COLUMNS], [column.example for column in COLUMNS]]


def template_csv() -> bytes:
    """The header and example row as CSV in UTF-8 with a BOM, so Excel shows ə, ğ, ı right."""
    text = io.StringIO()
    csv.writer(text).writerows(template_rows())
    return text.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """The header (bold) and example row, and a second sheet "columns" describing each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "plan"
    header, example = template_rows()
    sheet.append(header)
    # Numbers as numbers, so Excel does not flag them as "number stored as text".
    sheet.append([int(value) if value.isdigit() else value for value in example])
    for position, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=position).font = Font(bold=True)
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 2)
        if column.name == "activity_number":
            # As text, so Excel keeps 1.10 instead of turning it into the number 1.1.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet("columns")
    guide.append([str(_("column")), str(_("required")), str(_("description")), str(_("example"))])
    for column in COLUMNS:
        guide.append([
            column.name, str(_("yes") if column.required else _("no")), str(column.description), column.example
        ])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (24, 10, 80, 40), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
