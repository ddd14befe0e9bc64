"""A project's logical framework: objectives, activities, expected results and indicators whose
actual values are computed from ogmonitor's records (events, people reached, proposals,
platforms, disclosure, outreach) or, where no record exists, entered by hand with evidence.

The outreach records the seed's targets need and no other app keeps (families helped to pay
online, requests for payment terminals) live here too.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan, Activity


class Project(models.Model):
    """A funded project of an NGO (donor, programme, period) with its targets."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    donor = models.ForeignKey(
        Organization, verbose_name=_("donor"), null=True, blank=True, on_delete=models.PROTECT, related_name="funded_projects"
    )
    programme = models.CharField(_("programme"), max_length=300, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("implementing organisation"), on_delete=models.PROTECT, related_name="projects"
    )
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    districts = models.ManyToManyField(District, verbose_name=_("target districts"), blank=True, related_name="projects")
    municipalities = models.ManyToManyField(
        Organization, verbose_name=_("target municipalities"), blank=True, related_name="target_of_projects",
        limit_choices_to={"type": Organization.Type.MUNICIPALITY},
    )
    communities = models.ManyToManyField(Community, verbose_name=_("target communities"), blank=True, related_name="projects")
    summary = models.TextField(_("summary"), blank=True)
    source_note = models.TextField(
        _("note on sources"), blank=True,
        help_text=_("Where the plan's versions disagree and which one the targets follow."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="project_period_in_order")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("logframe:project", args=[self.slug])


class Objective(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=500)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["project", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="objective_code_once_per_project")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class ProjectActivity(models.Model):
    """An activity of the project ("2.1"), optionally serving NAP activities."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    nap_activities = models.ManyToManyField(Activity, verbose_name=_("NAP activities"), blank=True, related_name="project_activities")

    class Meta:
        verbose_name = _("project activity")
        verbose_name_plural = _("project activities")
        ordering = ["project", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="activity_code_once_per_project")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ExpectedResult(models.Model):
    activity = models.ForeignKey(ProjectActivity, on_delete=models.CASCADE, related_name="results")
    text = models.TextField(_("expected result"))

    class Meta:
        verbose_name = _("expected result")
        verbose_name_plural = _("expected results")
        ordering = ["activity", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Indicator(models.Model):
    """A measurable target and where its actual value comes from.

    ``source`` names the records counted (see :mod:`ogmonitor.logframe.measures`); ``manual``
    means the value is entered by hand (:class:`ManualValue`) because no record exists.
    """

    class TargetKind(models.TextChoices):
        EXACT = "exact", _("a number")
        MINIMUM = "minimum", _("at least")
        RANGE = "range", _("a range")
        MILESTONE = "milestone", _("yes/no milestone")

    class Source(models.TextChoices):
        EVENTS = "events", _("events held")
        PEOPLE_REACHED = "people_reached", _("people reached at events")
        PROPOSALS_SUBMITTED = "proposals_submitted", _("proposals submitted to authorities")
        PLATFORMS_CREATED = "platforms_created", _("dialogue platforms created")
        DISCLOSURE_PUBLISHED = "disclosure_published", _("information items published")
        FAMILIES_PAYING_ONLINE = "families_paying_online", _("families paying online")
        TERMINAL_REQUESTS = "terminal_requests", _("payment-terminal requests filed")
        PRESS_PUBLICATIONS = "press_publications", _("press releases published")
        MANUAL = "manual", _("entered by hand")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    activity = models.ForeignKey(ProjectActivity, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators")
    result = models.ForeignKey(ExpectedResult, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("indicator"), max_length=500)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    target_kind = models.CharField(_("kind of target"), max_length=10, choices=TargetKind.choices, default=TargetKind.MINIMUM)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True,
                                 help_text=_("The number, the minimum, or the lower end of a range."))
    target_max = models.DecimalField(_("upper end of range"), max_digits=12, decimal_places=2, null=True, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    due_on = models.DateField(_("due by"), null=True, blank=True, help_text=_("Blank: the project's end."))
    source = models.CharField(_("actual value from"), max_length=24, choices=Source.choices, default=Source.MANUAL)
    event_type = models.CharField(
        _("event type"), max_length=24, blank=True, help_text=_("For events and people reached: which kind of event counts.")
    )
    event_format = models.CharField(_("event format"), max_length=8, blank=True, help_text=_("Blank: any format."))
    per_municipality = models.PositiveSmallIntegerField(
        _("per target municipality"), null=True, blank=True,
        help_text=_("Set when the target is a number in each target municipality (e.g. 2 consultations in each)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="logframe_indicator_code_once_per_project"),
            models.CheckConstraint(
                condition=~models.Q(target_kind="range") | (models.Q(target__isnull=False) & models.Q(target_max__gte=models.F("target"))),
                name="logframe_range_has_both_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ManualValue(models.Model):
    """A value entered by hand, dated and with its evidence, where no record can be counted."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_values")
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    on = models.DateField(_("as of"))
    evidence_url = models.URLField(_("evidence"), max_length=1000, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("value entered by hand")
        verbose_name_plural = _("values entered by hand")
        ordering = ["indicator", "-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.value} ({self.on})"


class OnlinePaymentAssistance(models.Model):
    """Families in a community helped to pay bills online (reported at or after a consultation)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="payment_assistance")
    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"))
    families = models.PositiveIntegerField(_("families"))
    portal = models.CharField(_("portal used"), max_length=120, default="hesab.az")
    event = models.ForeignKey(
        "engagement.Event", verbose_name=_("at event"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("online-payment assistance")
        verbose_name_plural = _("online-payment assistance")
        ordering = ["project", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.community}: {self.families}"


class TerminalRequest(models.Model):
    """A request to an institution for an electronic payment terminal in a community."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("awaiting an answer")
        PROMISED = "promised", _("promised")
        INSTALLED = "installed", _("installed")
        REFUSED = "refused", _("refused")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="terminal_requests")
    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    addressee = models.ForeignKey(Organization, verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField(_("filed on"))
    reference_number = models.CharField(_("reference number"), max_length=80, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("payment-terminal request")
        verbose_name_plural = _("payment-terminal requests")
        ordering = ["project", "filed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.community} → {self.addressee}"
