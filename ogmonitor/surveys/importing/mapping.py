"""Which column of a response file holds what: format detection and the proposed mapping.

A mapping is plain JSON kept in ``ImportBatch.mapping`` so the user can review and change it::

    {"format": "kobo",
     "headers": ["_uuid", "group/aware", …],           # the file's header row, to spot a mismatch
     "columns": ["meta:uuid", "q:12", "ignore", …],    # one target per column (see Target)
     "values": {"3": {"bəli ": "45", "n/a": "skip"}},   # column → raw value → choice id or "skip"
     "unknown": {"3": ["n/a", …]},                      # values no choice matched (for the form)
     "check": {"rows": 120, "new": 118, "duplicates": 2, "problems": 0}}   # the last dry run

Targets: ``ignore``; ``q:<question id>`` (the answer to a question); ``qc:<question id>:<choice
id>`` (Kobo's 0/1 column per choice of a multiple choice); ``profile:<field>`` (code, community,
category, gender, channel, interview_date of the respondent); ``meta:uuid`` (the submission's
instance id) and ``meta:submitted_at``.
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ogmonitor.places.models import Community

from ..models import Channel, Choice, Gender, Question, RespondentCategory
from .values import add_keys, keys, look_up

IGNORE = "ignore"
GOOGLE_FORMS, KOBO, PLAIN = "google_forms", "kobo", "plain"
FORMAT_LABELS = {GOOGLE_FORMS: _("Google Forms"), KOBO: _("KoboToolbox / ODK"), PLAIN: _("plain table")}

#: Question types whose answers can be imported (notes and groups hold none).
IMPORTABLE_TYPES = {
    Question.Type.SELECT_ONE, Question.Type.SELECT_MULTIPLE, Question.Type.INTEGER,
    Question.Type.DECIMAL, Question.Type.TEXT, Question.Type.DATE,
}

PROFILE_FIELDS = {
    "code": _("respondent code"),
    "community": _("community"),
    "category": _("respondent category"),
    "gender": _("gender"),
    "channel": _("channel"),
    "interview_date": _("interview date"),
}
META_FIELDS = {
    "uuid": _("instance id (for de-duplication)"),
    "submitted_at": _("submission time"),
}

# Header spellings, compared after folding (case, spaces, "_" and "-" as spaces).
_GOOGLE_TIMESTAMPS = {"timestamp", "zaman damğası", "zaman ştampı", "tarix və vaxt", "отметка времени"}
_UUID_HEADERS = ["meta/instanceid", "instanceid", "_uuid", "uuid"]  # first found wins
_SUBMITTED_HEADERS = ["submission time", "submitted at", *sorted(_GOOGLE_TIMESTAMPS)]
_KOBO_MARKERS = {"_uuid", "meta/instanceid", "_submission_time", "formhub/uuid", "__version__", "_xform_id_string"}
#: Columns Kobo, ODK and Google add that carry nothing to import (and should not look forgotten).
_SILENT = {"_id", "_index", "_validation_status", "_notes", "_status", "_submitted_by", "_tags",
           "_parent_index", "_parent_table_name", "__version__", "_xform_id_string", "formhub/uuid",
           "meta/deprecatedid", "meta/instancename", "start", "end", "today", "deviceid", "username",
           "email address", "e-poçt ünvanı", "электронная почта", "score", "bal"}
_PROFILE_HEADERS = {
    "code": ["respondent code", "respondent id", "respondent", "code", "kod", "respondentin kodu", "respondent kodu"],
    "community": ["community", "icma", "kənd", "village", "yaşayış məntəqəsi", "community name"],
    "category": ["category", "respondent category", "kateqoriya", "respondentin kateqoriyası", "stakeholder category"],
    "gender": ["gender", "sex", "cins", "cinsi", "gender identity"],
    "channel": ["channel", "kanal", "method", "üsul", "sorğu üsulu", "survey method"],
    "interview_date": ["interview date", "date of interview", "müsahibə tarixi", "sorğu tarixi"],
}


def header_keys(header: str) -> tuple[str, ...]:
    """A header compared loosely: folded both ways (see values.keys), "_" and "-" read as spaces."""
    return keys(header.replace("_", " ").replace("-", " "))


def _header_in(header: str, spellings) -> str | None:
    return next((key for key in header_keys(header) if key in spellings), None)


def _spellings(words) -> set[str]:
    return {key for word in words for key in header_keys(word)}


_GOOGLE_TIMESTAMP_KEYS = _spellings(_GOOGLE_TIMESTAMPS)
_SILENT_KEYS = _spellings(_SILENT)


def _meta_key(header: str) -> str:
    return "".join(header.split()).casefold()


def detect_format(headers: list[str]) -> str:
    """google_forms (a timestamp column first, labels as headers), kobo (its meta columns) or plain."""
    meta = {_meta_key(header) for header in headers}
    if meta & _KOBO_MARKERS:
        return KOBO
    if any(_header_in(header, _GOOGLE_TIMESTAMP_KEYS) for header in headers):
        return GOOGLE_FORMS
    return PLAIN


@dataclass
class FormIndex:
    """A questionnaire's importable questions and choices, loaded once, indexed for matching."""

    questionnaire: object
    questions: dict[int, Question] = field(default_factory=dict)
    choices: dict[str, list[Choice]] = field(default_factory=dict)  # by list_name
    always_required: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, questionnaire) -> "FormIndex":
        index = cls(questionnaire)
        group_relevant: list[bool] = []
        for question in questionnaire.questions.order_by("position"):
            if question.type == Question.Type.BEGIN_GROUP:
                group_relevant.append(bool(question.relevant))
                continue
            if question.type == Question.Type.END_GROUP:
                if group_relevant:
                    group_relevant.pop()
                continue
            if question.type not in IMPORTABLE_TYPES:
                continue
            index.questions[question.pk] = question
            # Only an unconditional requirement can be checked without evaluating the form:
            # a required question in a skipped group is rightly empty.
            if question.required and not question.relevant and not any(group_relevant):
                index.always_required.add(question.pk)
        for choice in questionnaire.choices.order_by("list_name", "position"):
            index.choices.setdefault(choice.list_name, []).append(choice)
        return index

    def choices_of(self, question) -> list[Choice]:
        return self.choices.get(question.list_name, [])

    def choice_index(self, question, overrides: dict | None = None) -> dict:
        """Folded name or label (either language) → choice id; the user's overrides first."""
        index: dict = {}
        for raw, target in (overrides or {}).items():
            add_keys(index, raw, target)
        choices = self.choices_of(question)
        for choice in choices:  # names before labels: a name is exact
            add_keys(index, choice.name, choice.pk)
        for choice in choices:
            add_keys(index, choice.label_az or "", choice.pk)
            add_keys(index, choice.label_en or "", choice.pk)
        return index

    def question_label(self, question) -> str:
        label = question.label_az or question.label_en or ""
        return f"{question.path or question.name} — {label}" if label else (question.path or question.name)


def _question_matchers(form: FormIndex) -> list[dict]:
    """Header look-ups in order of trust: path, name, Azerbaijani label, English label."""
    by_path, by_name, by_label_az, by_label_en = {}, {}, {}, {}
    for question in form.questions.values():
        add_keys(by_path, question.path or "", question.pk)
        add_keys(by_name, question.name, question.pk)
        add_keys(by_label_az, question.label_az or "", question.pk)
        add_keys(by_label_en, question.label_en or "", question.pk)
    return [by_path, by_name, by_label_az, by_label_en]


def _profile_matchers() -> dict:
    index: dict = {}
    for name, spellings in _PROFILE_HEADERS.items():
        for spelling in spellings:
            for key in header_keys(spelling):
                index.setdefault(key, name)
    return index


def propose_columns(headers: list[str], form: FormIndex) -> list[str]:
    """A target for each column: a question, a profile field, the instance id, the time, or ignore."""
    matchers = _question_matchers(form)
    profile = _profile_matchers()
    meta_keys = [_meta_key(header) for header in headers]
    uuid_column = next((meta_keys.index(key) for key in _UUID_HEADERS if key in meta_keys), None)
    time_column = next(
        (index for spelling in _SUBMITTED_HEADERS for index, header in enumerate(headers)
         if set(header_keys(spelling)) & set(header_keys(header))),
        None,
    )
    targets: list[str] = []
    taken: set[int] = set()
    for index, header in enumerate(headers):
        target = IGNORE
        question_id = next((look_up(matcher, header) for matcher in matchers if look_up(matcher, header)), None)
        if index == uuid_column:
            target = "meta:uuid"
        elif index == time_column:
            target = "meta:submitted_at"
        elif question_id is not None and question_id not in taken:
            target = f"q:{question_id}"
            taken.add(question_id)
        elif (key := _header_in(header, profile)) and f"profile:{profile[key]}" not in targets:
            target = f"profile:{profile[key]}"
        targets.append(target)
    # Kobo's "question/choice" 0/1 columns, used only when the question has no column of its own.
    for index, header in enumerate(headers):
        if targets[index] != IGNORE or "/" not in header:
            continue
        stem, _slash, choice_name = header.rpartition("/")
        question_id = next((look_up(matcher, stem) for matcher in matchers[:2] if look_up(matcher, stem)), None)
        question = form.questions.get(question_id)
        if question is None or question.type != Question.Type.SELECT_MULTIPLE or question_id in taken:
            continue
        choice = next((c for c in form.choices_of(question) if c.name == choice_name.strip()), None)
        if choice is not None:
            targets[index] = f"qc:{question.pk}:{choice.pk}"
    return targets


def is_silent(header: str) -> bool:
    """A column Kobo, ODK or Google adds that nobody expects to import."""
    return _meta_key(header) in _SILENT or _header_in(header, _SILENT_KEYS) is not None


def target_options(form: FormIndex, extra: list[str] = ()) -> list[tuple[str, list[tuple[str, str]]]]:
    """The choices of a column's select on the mapping page, grouped (optgroups)."""
    questions = [(f"q:{q.pk}", form.question_label(q)) for q in form.questions.values()]
    profile = [(f"profile:{name}", str(label)) for name, label in PROFILE_FIELDS.items()]
    meta = [(f"meta:{name}", str(label)) for name, label in META_FIELDS.items()]
    flags = []
    for target in extra:
        if target.startswith("qc:"):
            _prefix, question_id, choice_id = target.split(":")
            question = form.questions.get(int(question_id))
            choice = next((c for c in form.choices_of(question) if c.pk == int(choice_id)), None) if question else None
            if choice is not None:
                flags.append((target, f"{form.question_label(question)}: {choice.label_az or choice.name} (0/1)"))
    groups = [
        ("", [(IGNORE, str(_("— ignore this column —")))]),
        (str(_("Questions")), questions),
    ]
    if flags:
        groups.append((str(_("One choice of a multiple choice (0/1)")), flags))
    groups += [(str(_("Respondent")), profile), (str(_("Submission")), meta)]
    return groups


# --- Respondent profile look-ups -------------------------------------------------------------

_GENDER_WORDS = {
    Gender.WOMAN: ["qadın", "female", "f", "w", "женский", "женщина"],
    Gender.MAN: ["kişi", "male", "m", "мужской", "мужчина"],
    Gender.OTHER: ["digər", "other", "prefer not to say", "qeyd etmək istəmirəm"],
}
_CHANNEL_WORDS = {
    Channel.FACE_TO_FACE: ["üzbəüz", "üz-üzə", "face to face", "in person"],
    Channel.ONLINE_MEETING: ["zoom", "onlayn görüş", "online"],
    Channel.WEB_FORM: ["veb forma", "google forms", "google form", "web"],
    Channel.PHONE: ["telefon", "telephone"],
}


def _choices_index(text_choices, words: dict) -> dict:
    index: dict = {}
    for value, label in text_choices.choices:
        add_keys(index, value, value)
        add_keys(index, value.replace("_", " "), value)
        for language in ("az", "en"):
            with translation.override(language):
                add_keys(index, str(label), value)
    for value, spellings in words.items():
        for spelling in spellings:
            add_keys(index, spelling, value)
    return index


def gender_index() -> dict:
    return _choices_index(Gender, _GENDER_WORDS)


def channel_index() -> dict:
    return _choices_index(Channel, _CHANNEL_WORDS)


AMBIGUOUS = object()


def community_index(study) -> dict:
    """Folded community name (az or en) or slug → id, among the study's communities if it lists any.

    A name two communities share maps to :data:`AMBIGUOUS`, so the import asks instead of guessing.
    """
    communities = study.communities.all() if study.communities.exists() else Community.objects.all()
    index: dict = {}
    for community in communities.only("pk", "name_az", "name_en", "slug"):
        for text in {community.name_az or "", community.name_en or "", community.slug or ""}:
            for key in keys(text) if text else ():
                if index.get(key, community.pk) != community.pk:
                    index[key] = AMBIGUOUS
                else:
                    index[key] = community.pk
    return index


def category_index() -> dict:
    index: dict = {}
    for category in RespondentCategory.objects.all():
        add_keys(index, category.code, category.pk)
        add_keys(index, category.name_az or "", category.pk)
        add_keys(index, category.name_en or "", category.pk)
    return index
