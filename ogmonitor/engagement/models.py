"""Engagement around a NAP: events and who took part, proposals to authorities and their answers,
dialogue platforms with their members and votes, and the dated chronology of a plan's co-creation.

Vocabularies follow open standards where one fits (reference/README.md): Open Civic Data's event
status, Popolo's Person, Membership and VoteEvent with counts per option.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan, Activity, Area
from ogmonitor.surveys.models import Gender, RespondentCategory


class Published(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


# --- Events ---------------------------------------------------------------------------------------


class Event(models.Model):
    """Something that happened (or is planned) in the life of a NAP: a consultation, a meeting…"""

    class Type(models.TextChoices):
        CONSULTATION = "consultation", _("practical consultation")
        TRAINING = "training", _("training")
        WORKSHOP = "workshop", _("workshop")
        WORKING_GROUP = "working_group", _("working-group meeting")
        PUBLIC_DISCUSSION = "public_discussion", _("public discussion or hearing")
        BROADCAST = "broadcast", _("live broadcast or debate")
        ROUND_TABLE = "round_table", _("round table")
        CONFERENCE = "conference", _("conference or presentation")
        ANNOUNCEMENT = "announcement", _("announcement or decision")
        OTHER = "other", _("other")

    class Status(models.TextChoices):  # Open Civic Data: tentative/confirmed → planned, passed → held
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    class Format(models.TextChoices):
        OFFLINE = "offline", _("in person")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid")

    type = models.CharField(_("type"), max_length=24, choices=Type.choices, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=90, unique=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.HELD)
    date = models.DateField(_("date"), db_index=True)
    time = models.TimeField(_("time"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("If it lasted more than a day."))
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, default=Format.OFFLINE)
    place = models.CharField(_("place"), max_length=255, blank=True)
    meeting_link = models.URLField(_("meeting link"), max_length=500, blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    municipality = models.ForeignKey(
        Organization, verbose_name=_("municipality"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="municipal_events", limit_choices_to={"type": Organization.Type.MUNICIPALITY},
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("recorded by organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="recorded_events", help_text=_("The organisation whose staff keep this record."),
    )
    organizers = models.ManyToManyField(
        Organization, verbose_name=_("organisers"), blank=True, related_name="organized_events"
    )
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="events", help_text=_("The NAP whose drafting or implementation this event belongs to."),
    )
    areas = models.ManyToManyField(Area, verbose_name=_("NAP areas"), blank=True, related_name="events")
    activities = models.ManyToManyField(Activity, verbose_name=_("NAP activities"), blank=True, related_name="events")
    platform = models.ForeignKey(
        "DialoguePlatform", verbose_name=_("dialogue platform"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="meetings", help_text=_("Set when this is a meeting of a dialogue platform."),
    )
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = Published.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["date", "time", "pk"]
        indexes = [models.Index(fields=["plan", "date"]), models.Index(fields=["municipality", "type"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        from ogmonitor.places.models import unique_slug

        if self.community_id and not self.district_id:
            self.district_id = self.community.district_id
        if not self.slug:
            self.slug = unique_slug(self, f"{self.date:%Y-%m-%d} {self.title_az or self.title_en or self.title}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("engagement:event", args=[self.slug])


class EventSource(models.Model):
    """Where an event is documented: a link with the title and date it had when it was read."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(_("address"), max_length=1000)
    title = models.CharField(_("title as archived"), max_length=500, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    archive_url = models.URLField(_("archived copy"), max_length=1000, blank=True)
    footnote = models.PositiveSmallIntegerField(
        _("footnote"), null=True, blank=True, help_text=_("Its footnote number in the source document, if any.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["event", "position", "pk"]

    def __str__(self) -> str:
        return self.title or self.url


class EventDocument(models.Model):
    """A photo or document of an event (agenda, minutes, presentation, attendance sheet)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        DOCUMENT = "document", _("document")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    file = models.FileField(_("file"), upload_to="engagement/events/%Y/")
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event document")
        verbose_name_plural = _("event documents")
        ordering = ["event", "kind", "pk"]

    def __str__(self) -> str:
        return self.caption or self.file.name


class PressRelease(models.Model):
    """An event's press release: drafted from its record in az and en, then edited by hand."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="press_release")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")

    def __str__(self) -> str:
        return self.title


class PressPublication(models.Model):
    """Where a press release appeared (an online outlet, a social-media page)."""

    press_release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="publications")
    outlet = models.CharField(_("outlet"), max_length=200)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["published_on", "pk"]

    def __str__(self) -> str:
        return self.outlet


# --- Participants -----------------------------------------------------------------------------------


class Person(models.Model):
    """A named participant (Popolo Person). Personal data: shown to staff only, never published."""

    name = models.CharField(_("name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    category = models.ForeignKey(
        RespondentCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """A named person at an event. The same person at three events is one person reached."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("participant")
        SPEAKER = "speaker", _("speaker")
        ORGANIZER = "organizer", _("organiser")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="person_once_per_event")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.event}"


class ParticipantCount(models.Model):
    """Unnamed participants of one category and gender at an event, when names were not collected."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participant_counts")
    category = models.ForeignKey(
        RespondentCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    count = models.PositiveIntegerField(_("number of people"))

    class Meta:
        verbose_name = _("participant count")
        verbose_name_plural = _("participant counts")
        constraints = [
            models.UniqueConstraint(fields=["event", "category", "gender"], name="one_count_per_event_category_gender")
        ]

    def __str__(self) -> str:
        return f"{self.count}"


# --- Proposals ----------------------------------------------------------------------------------------


def default_answer_days() -> int:
    return settings.PROPOSAL_ANSWER_DAYS


class Proposal(models.Model):
    """A proposal or demand put to an authority, followed until it is answered and implemented.

    The status changes only through :func:`ogmonitor.engagement.proposals.transition`, which
    refuses moves the lifecycle does not allow and writes each step to :class:`ProposalStep`.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted to the authority")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        ANSWERED = "answered", _("answered")
        ACCEPTED = "accepted", _("accepted")
        PARTLY_ACCEPTED = "partly_accepted", _("partly accepted")
        REJECTED = "rejected", _("rejected")
        IMPLEMENTED = "implemented", _("implemented")

    class Channel(models.TextChoices):
        LETTER = "letter", _("official letter")
        EMAIL = "email", _("e-mail")
        E_GOVERNMENT = "e_government", _("e-government portal")
        IN_PERSON = "in_person", _("in person")
        AT_MEETING = "at_meeting", _("at a meeting")
        OTHER = "other", _("other")

    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    text = models.TextField(_("proposal"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("recorded by organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="recorded_proposals",
    )
    event = models.ForeignKey(
        Event, verbose_name=_("raised at"), null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    raised_by_group = models.ForeignKey(
        RespondentCategory, verbose_name=_("raised by group"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    raised_by_organization = models.ForeignKey(
        Organization, verbose_name=_("raised by organisation"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="raised_proposals",
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    addressee = models.ForeignKey(
        Organization, verbose_name=_("addressed to"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="received_proposals", help_text=_("The authority expected to answer."),
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("NAP activity"), null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    answer_days = models.PositiveSmallIntegerField(
        _("days to answer"), default=default_answer_days,
        help_text=_("Counted from submission; after that an unanswered proposal is overdue."),
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_via = models.CharField(_("submitted by"), max_length=16, choices=Channel.choices, blank=True)
    reference_number = models.CharField(_("reference number"), max_length=80, blank=True)
    answer_due = models.DateField(_("answer due"), null=True, blank=True, db_index=True, editable=False)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_text = models.TextField(_("answer"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = Published.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-number"]
        indexes = [models.Index(fields=["addressee", "status"])]

    def __str__(self) -> str:
        return f"#{self.number}"

    def save(self, *args, **kwargs):
        if self.number is None:
            highest = Proposal.objects.aggregate(models.Max("number"))["number__max"] or 0
            self.number = highest + 1
        self.answer_due = self.submitted_on + dt.timedelta(days=self.answer_days) if self.submitted_on else None
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("engagement:proposal", args=[self.number])

    #: Waiting for the authority: the states in which a passed ``answer_due`` makes it overdue.
    AWAITING = (Status.SUBMITTED, Status.ACKNOWLEDGED)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return self.status in self.AWAITING and self.answer_due is not None and today > self.answer_due


class ProposalStep(models.Model):
    """One step of a proposal's history: the move, its date, who recorded it and a note."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(_("from"), max_length=16, choices=Proposal.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Proposal.Status.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal step")
        verbose_name_plural = _("proposal steps")
        ordering = ["proposal", "on", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.from_status} → {self.to_status}"


# --- Dialogue platforms ---------------------------------------------------------------------------


class DialoguePlatform(models.Model):
    """A Government–Civil Society Dialogue Platform, national or local."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        DISTRICT = "district", _("district")

    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=90, unique=True, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="platforms"
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    founding_event = models.ForeignKey(
        Event, verbose_name=_("founded at"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = Published.as_manager()

    class Meta:
        verbose_name = _("dialogue platform")
        verbose_name_plural = _("dialogue platforms")
        ordering = ["level", "name_az"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from ogmonitor.places.models import unique_slug

        if not self.slug:
            self.slug = unique_slug(self, self.name_az or self.name_en or self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("engagement:platform", args=[self.slug])


class Membership(models.Model):
    """An organisation's membership of a platform (Popolo Membership), with its role and dates."""

    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        COORDINATOR = "coordinator", _("coordinator")
        CHAIR = "chair", _("chair")
        OBSERVER = "observer", _("observer")

    platform = models.ForeignKey(DialoguePlatform, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="platform_memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["platform", "organization__type", "organization__name_az"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "organization", "joined_on"], name="membership_once_per_joining"),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(joined_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} – {self.platform}"


class VoteEvent(models.Model):
    """A vote of a platform on a motion (Popolo VoteEvent): counts per option; result computed."""

    class Rule(models.TextChoices):
        SIMPLE_MAJORITY = "simple", _("more for than against")
        ABSOLUTE_MAJORITY = "absolute", _("more than half of those voting")
        TWO_THIRDS = "two_thirds", _("two thirds of those voting")

    class Result(models.TextChoices):
        PASS = "pass", _("adopted")
        FAIL = "fail", _("not adopted")

    platform = models.ForeignKey(DialoguePlatform, on_delete=models.CASCADE, related_name="votes")
    event = models.ForeignKey(Event, verbose_name=_("at event"), null=True, blank=True, on_delete=models.SET_NULL, related_name="votes")
    date = models.DateField(_("date"))
    motion = models.TextField(_("motion"))
    yes = models.PositiveIntegerField(_("for"), default=0)
    no = models.PositiveIntegerField(_("against"), default=0)
    abstain = models.PositiveIntegerField(_("abstained"), default=0)
    absent = models.PositiveIntegerField(_("absent"), default=0)
    rule = models.CharField(_("rule"), max_length=12, choices=Rule.choices, default=Rule.SIMPLE_MAJORITY)
    result = models.CharField(_("result"), max_length=4, choices=Result.choices, editable=False)
    counts_unknown = models.BooleanField(
        _("counts not published"), default=False,
        help_text=_("The source says it was adopted by vote but gives no counts; the result is then entered."),
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return self.motion[:80]

    def save(self, *args, **kwargs):
        from .platforms import vote_result

        if not self.counts_unknown:
            self.result = vote_result(self.yes, self.no, self.abstain, self.rule)
        super().save(*args, **kwargs)


class PlatformDocument(models.Model):
    """A document a platform adopted: rules of procedure, memorandum, its own action plan."""

    class Kind(models.TextChoices):
        RULES = "rules", _("rules of procedure")
        MEMORANDUM = "memorandum", _("memorandum of understanding")
        ACTION_PLAN = "action_plan", _("action plan")
        OTHER = "other", _("other")

    platform = models.ForeignKey(DialoguePlatform, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    vote = models.ForeignKey(VoteEvent, verbose_name=_("adopted by vote"), null=True, blank=True, on_delete=models.SET_NULL, related_name="documents")
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("NAP it serves"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="engagement/platforms/", blank=True)
    url = models.URLField(_("address"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("platform document")
        verbose_name_plural = _("platform documents")
        ordering = ["platform", "adopted_on", "pk"]

    def __str__(self) -> str:
        return self.title
