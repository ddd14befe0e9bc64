"""Field studies: survey rounds, their XLSForm questionnaires, respondents and answers.

A study (survey round) has versioned questionnaires; each submission keeps the version it was
given under. Answers are stored one row per (submission, question[, choice]) so that findings
count them with one GROUP BY in the database. Respondents are referred to by a code; their
identity sits in a separate table only coordinators see. A round whose microdata are lost
(e.g. 2017, published only as percentages) holds :class:`AggregateResult` rows instead.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan, Activity, Area


class Channel(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("face-to-face")
    ONLINE_MEETING = "online_meeting", _("online meeting (e.g. Zoom)")
    WEB_FORM = "web_form", _("web form")
    PHONE = "phone", _("phone")


class Gender(models.TextChoices):
    WOMAN = "woman", _("woman")
    MAN = "man", _("man")
    OTHER = "other", _("other or unstated")


class StudyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Study.Status.PUBLISHED)


class Study(models.Model):
    """A survey round: who was asked what, where, when and how."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        COLLECTING = "collecting", _("collecting")
        CLOSED = "closed", _("closed")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("conducted by"), on_delete=models.PROTECT, related_name="studies",
        help_text=_("The organisation whose coordinators manage this study."),
    )
    plan = models.ForeignKey(ActionPlan, verbose_name=_("action plan"), on_delete=models.PROTECT, related_name="studies")
    period_start = models.DateField(_("fieldwork from"), null=True, blank=True)
    period_end = models.DateField(_("fieldwork to"), null=True, blank=True)
    districts = models.ManyToManyField(District, verbose_name=_("districts"), blank=True, related_name="studies")
    communities = models.ManyToManyField(Community, verbose_name=_("communities"), blank=True, related_name="studies")
    areas = models.ManyToManyField(Area, verbose_name=_("plan areas covered"), blank=True, related_name="studies")
    channels = models.JSONField(_("methods and channels"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED, db_index=True)
    aggregate_only = models.BooleanField(
        _("published results only"), default=False,
        help_text=_("No answers are held: results were entered as published counts or percentages."),
    )
    source_note = models.TextField(_("source"), blank=True)
    previous = models.ForeignKey(
        "self", verbose_name=_("previous round"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="next_rounds",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["-period_start", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:study", args=[self.slug])

    @property
    def current_questionnaire(self):
        return self.questionnaires.order_by("-version").first()

    def get_channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels.get(code, code)) for code in self.channels]


class StudyMember(models.Model):
    """A user working on a study; enumerators are limited to their communities here."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        ENUMERATOR = "enumerator", _("enumerator")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    communities = models.ManyToManyField(Community, verbose_name=_("assigned communities"), blank=True)

    class Meta:
        verbose_name = _("study member")
        verbose_name_plural = _("study members")
        constraints = [models.UniqueConstraint(fields=["study", "user"], name="study_member_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Questionnaire(models.Model):
    """One version of a study's XLSForm. Answers point at the version they were given under."""

    study = models.ForeignKey(Study, verbose_name=_("study"), on_delete=models.CASCADE, related_name="questionnaires")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=255)
    form_id = models.CharField(_("form id"), max_length=100)
    form_version = models.CharField(_("form version string"), max_length=60, blank=True)
    default_language = models.CharField(_("default language"), max_length=8, default="az")
    source_file = models.FileField(_("XLSForm file"), upload_to="xlsforms/", blank=True)
    definition = models.JSONField(_("parsed form"), default=dict, help_text=_("pyxform's JSON of the form."))
    settings_extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["study", "-version"]
        constraints = [models.UniqueConstraint(fields=["study", "version"], name="questionnaire_version_once")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Question(models.Model):
    """One row of the XLSForm's survey sheet (groups and notes included, for the form's layout)."""

    class Type(models.TextChoices):
        SELECT_ONE = "select_one", _("single choice")
        SELECT_MULTIPLE = "select_multiple", _("multiple choice")
        INTEGER = "integer", _("whole number")
        DECIMAL = "decimal", _("decimal number")
        TEXT = "text", _("text")
        DATE = "date", _("date")
        NOTE = "note", _("note")
        BEGIN_GROUP = "begin_group", _("group start")
        END_GROUP = "end_group", _("group end")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"))
    row = models.PositiveIntegerField(_("row in the survey sheet"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    path = models.CharField(_("path"), max_length=255, blank=True, help_text=_("group/name, as Kobo exports it."))
    label = models.TextField(_("label"), blank=True)
    hint = models.TextField(_("hint"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    required_message = models.CharField(_("required message"), max_length=255, blank=True)
    constraint = models.CharField(_("constraint"), max_length=500, blank=True)
    constraint_message = models.CharField(_("constraint message"), max_length=255, blank=True)
    relevant = models.CharField(_("relevant"), max_length=500, blank=True)
    list_name = models.CharField(_("choice list"), max_length=100, blank=True)
    appearance = models.CharField(_("appearance"), max_length=100, blank=True)
    nap_activity = models.ForeignKey(
        Activity, verbose_name=_("NAP activity"), null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    nap_area = models.ForeignKey(
        Area, verbose_name=_("NAP area"), null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    extra = models.JSONField(default=dict, blank=True, help_text=_("Other XLSForm columns, kept for the round trip."))

    class TextUse(models.TextChoices):
        """What may be done with a text question's answers (see :mod:`.privacy`)."""

        INTERNAL = "internal", _("internal: the study's team only")
        PUBLISHABLE = "publishable", _("publishable in open data and reports")
        PERSONAL = "personal", _("personal data: erased with the identity")

    # One choice rather than two booleans: an answer cannot be both publishable and personal.
    text_use = models.CharField(
        _("use of the text answers"), max_length=12, choices=TextUse.choices, default=TextUse.INTERNAL,
        help_text=_("Free-text answers are never published unless marked publishable. Mark as personal the answers "
                    "that may name or locate someone (an address, a story): they are blanked when the respondent's "
                    "identity is erased."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position"]
        indexes = [models.Index(fields=["questionnaire", "name"])]

    def __str__(self) -> str:
        return self.name or self.get_type_display()

    @property
    def is_input(self) -> bool:
        return self.type not in {self.Type.NOTE, self.Type.BEGIN_GROUP, self.Type.END_GROUP}

    @property
    def is_select(self) -> bool:
        return self.type in {self.Type.SELECT_ONE, self.Type.SELECT_MULTIPLE}


class Choice(models.Model):
    """One row of the choices sheet."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="choices")
    list_name = models.CharField(_("choice list"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    label = models.CharField(_("label"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("position"))
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["questionnaire", "list_name", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "list_name", "name"], name="choice_name_once_in_list")
        ]

    def __str__(self) -> str:
        return f"{self.list_name}/{self.name}"


class RespondentCategory(models.Model):
    """Configurable stakeholder categories (municipality head or member, ExCom representative…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("respondent category")
        verbose_name_plural = _("respondent categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Respondent(models.Model):
    """A person who answered, known to everyone but coordinators only by ``code``."""

    study = models.ForeignKey(Study, verbose_name=_("study"), on_delete=models.CASCADE, related_name="respondents")
    code = models.CharField(_("code"), max_length=40)
    category = models.ForeignKey(
        RespondentCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="respondents"
    )
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), null=True, blank=True, on_delete=models.PROTECT, related_name="respondents"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="respondents"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    interview_date = models.DateField(_("interview date"), null=True, blank=True)
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enumerator"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="interviews",
    )

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        ordering = ["study", "code"]
        constraints = [models.UniqueConstraint(fields=["study", "code"], name="respondent_code_once_in_study")]
        # The review list's community filter asks which communities a study's respondents are
        # in: without it PostgreSQL probes every community's respondents of every study
        # (110 ms at 3,200 communities × 200,000 respondents on PostgreSQL; 8 ms with it).
        indexes = [models.Index(fields=["study", "community"], name="respondent_study_community")]

    def __str__(self) -> str:
        return self.code


class RespondentIdentity(models.Model):
    """Who a respondent is. Kept apart so that only coordinators ever load it."""

    respondent = models.OneToOneField(Respondent, on_delete=models.CASCADE, related_name="identity")
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("respondent identity")
        verbose_name_plural = _("respondent identities")

    def __str__(self) -> str:
        return f"{self.respondent.code}"


class IdentityErasure(models.Model):
    """A coordinator erased respondents' identities: who, when and how much, never the erased values.

    The answers stay (findings are computed from them); see :mod:`.privacy`.
    """

    class Scope(models.TextChoices):
        RESPONDENT = "respondent", _("one respondent")
        STUDY = "study", _("every respondent of the study")

    study = models.ForeignKey(Study, verbose_name=_("study"), on_delete=models.CASCADE, related_name="identity_erasures")
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    respondent = models.ForeignKey(
        Respondent, verbose_name=_("respondent"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    identities = models.PositiveIntegerField(_("identities erased"), default=0)
    codes = models.PositiveIntegerField(
        _("codes replaced"), default=0, help_text=_("Respondent codes from a file, which may hold a name, replaced by a neutral one."),
    )
    answers = models.PositiveIntegerField(_("personal answers blanked"), default=0)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("erased by"), null=True, on_delete=models.SET_NULL, related_name="+",
    )
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)

    class Meta:
        verbose_name = _("identity erasure")
        verbose_name_plural = _("identity erasures")
        ordering = ["-erased_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.study.slug} @ {self.erased_at:%Y-%m-%d %H:%M}"


class Submission(models.Model):
    """One filled-in questionnaire. Its UUID makes a resent form count once."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    class Source(models.TextChoices):
        ENUMERATOR = "enumerator", _("enumerator form")
        SELF = "self", _("self-completion link")
        IMPORT = "import", _("file import")
        API = "api", _("API")

    uuid = models.UUIDField(_("instance id"), default=uuid.uuid4, unique=True)
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="submissions")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="submissions")
    respondent = models.OneToOneField(
        Respondent, null=True, blank=True, on_delete=models.SET_NULL, related_name="submission"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.ENUMERATOR)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    import_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    row_hash = models.CharField(max_length=64, blank=True, db_index=True, help_text=_("For de-duplicating imports without ids."))
    self_link = models.ForeignKey("SelfCompletionLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions")

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["study", "status"]),
            # The review list, newest first: read backwards, 50 rows, instead of sorting a whole
            # round (136 ms at 100,000 submissions, the sort spilling to disk; 0.5 ms with it).
            # Imports give a batch one created_at, so the id must be in the index too.
            models.Index(fields=["study", "created_at", "id"], name="submission_study_newest"),
        ]

    def __str__(self) -> str:
        return str(self.uuid)

    @property
    def counts(self) -> bool:
        """Whether its answers enter the study's results."""
        return self.status in {self.Status.SUBMITTED, self.Status.APPROVED}


class Answer(models.Model):
    """One answer; a multiple choice gives one row per chosen option."""

    # The composite indexes below lead with submission and with question, so the single-column
    # indexes Django would add for these foreign keys are redundant: each costs time on every
    # row of a bulk import (4 M rows for a national round) and buys no query.
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers", db_index=False)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", db_index=False)
    choice = models.ForeignKey(Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="answers", db_index=False)
    text = models.TextField(_("text"), blank=True)
    number = models.DecimalField(_("number"), max_digits=18, decimal_places=6, null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "choice"])]
        constraints = [
            # A submission names an option once: the findings' cube counts rows (a hash
            # aggregate) instead of distinct submissions (a sort of every answer). Written with
            # expressions so that both databases make it a plain unique index, which the bulk
            # import can drop and rebuild like the others (a table constraint would be SQLite's
            # undroppable autoindex); its (submission, question) prefix serves the entry form.
            models.UniqueConstraint(F("submission"), F("question"), F("choice"), name="answer_once_per_choice"),
        ]

    def __str__(self) -> str:
        return self.display_value

    @property
    def display_value(self) -> str:
        if self.choice_id:
            return self.choice.label or self.choice.name
        if self.number is not None:
            return f"{self.number.normalize():f}"
        if self.date:
            return self.date.isoformat()
        return self.text


class AnswerRevision(models.Model):
    """A coordinator's correction of a submission, kept so the original is never lost."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="revisions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    old_value = models.JSONField(_("before"))
    new_value = models.JSONField(_("after"))
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("answer correction")
        verbose_name_plural = _("answer corrections")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.question_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class SelfCompletionLink(models.Model):
    """A link respondents fill in themselves, without an account (replaces Google Forms)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="self_links")
    token = models.CharField(max_length=43, unique=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    community = models.ForeignKey(Community, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    single_use = models.BooleanField(_("one response per link"), default=False)
    is_active = models.BooleanField(_("accepting responses"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("self-completion link")
        verbose_name_plural = _("self-completion links")

    def __str__(self) -> str:
        return self.label or self.token[:8]


class ImportBatch(models.Model):
    """An upload of responses: mapping, dry-run problems, progress and outcome."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        MAPPED = "mapped", _("mapped")
        CHECKED = "checked", _("checked")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="imports")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="imports")
    file = models.FileField(_("file"), upload_to="imports/")
    filename = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    format = models.CharField(max_length=16, blank=True, help_text=_("google_forms, kobo or plain"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    mapping = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("response import")
        verbose_name_plural = _("response imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class AggregateResult(models.Model):
    """A published figure of a round without microdata: a count over a base, or a percentage.

    Findings read these like computed results: ``numerator``/``denominator`` when the counts
    are known, else ``percentage`` (a range keeps ``percentage_upper``, e.g. "90–95%").
    ``key`` matches the question name (or indicator code) used by other rounds.
    """

    class Unit(models.TextChoices):
        RESPONDENTS = "respondents", _("respondents")
        COMMUNITIES = "communities", _("communities")
        MUNICIPALITIES = "municipalities", _("municipalities")

    study = models.ForeignKey(Study, verbose_name=_("study"), on_delete=models.CASCADE, related_name="aggregate_results")
    key = models.SlugField(_("question or indicator key"), max_length=100)
    choice = models.CharField(_("choice"), max_length=100, blank=True, help_text=_("Empty when the figure is the rate itself."))
    label = models.CharField(_("label"), max_length=500)
    unit = models.CharField(_("counted over"), max_length=16, choices=Unit.choices, default=Unit.RESPONDENTS)
    numerator = models.PositiveIntegerField(_("count"), null=True, blank=True)
    denominator = models.PositiveIntegerField(_("base (n)"), null=True, blank=True)
    percentage = models.DecimalField(_("percentage"), max_digits=6, decimal_places=2, null=True, blank=True)
    percentage_upper = models.DecimalField(
        _("upper percentage"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("For a published range such as 90–95%."),
    )
    base_uncertain = models.BooleanField(_("base uncertain"), default=False)
    source_note = models.TextField(_("source note"), blank=True)

    class Meta:
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        ordering = ["study", "key", "choice"]
        constraints = [
            models.UniqueConstraint(fields=["study", "key", "choice"], name="aggregate_result_once"),
            models.CheckConstraint(
                condition=models.Q(percentage__isnull=False) | models.Q(numerator__isnull=False, denominator__isnull=False),
                name="aggregate_result_has_a_figure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study.slug}: {self.key}"

    @property
    def rate(self):
        """The published rate as a fraction (the lower bound of a range), or None."""
        if self.numerator is not None and self.denominator:
            return self.numerator / self.denominator
        if self.percentage is not None:
            return float(self.percentage) / 100
        return None
