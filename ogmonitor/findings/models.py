"""What a study found: indicators computed from answers, the findings and recommendations.

An :class:`Indicator` is defined on a study's question (which choices count, over which base),
on communities (a community-level fact counted over communities), or on a published figure of
a round without microdata. Its :class:`IndicatorResult` rows hold the overall figure and every
breakdown cell, each with its Wilson interval; they are recomputed in the database as a whole
(:mod:`ogmonitor.findings.services`), never edited by hand. Indicators with the same ``code``
in two studies are compared round to round.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ogmonitor.places.models import Organization
from ogmonitor.plans.models import Activity, Area
from ogmonitor.surveys.models import Study


class Indicator(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", _("share of respondents")
        COMMUNITY = "community", _("share of communities")
        PUBLISHED = "published", _("published figure")

    class Base(models.TextChoices):
        ALL = "all", _("all respondents")
        ANSWERED = "answered", _("respondents who answered the question")
        FILTER = "filter", _("respondents matching a filter")

    class CommunityRule(models.TextChoices):
        ANY = "any", _("at least one respondent of the community says so")
        MAJORITY = "majority", _("most respondents of the community say so")

    study = models.ForeignKey(Study, verbose_name=_("study"), on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=60, help_text=_("The same code in two studies makes them comparable."))
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.QUESTION)
    nap_area = models.ForeignKey(Area, verbose_name=_("NAP area"), null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators")
    nap_activity = models.ForeignKey(
        Activity, verbose_name=_("NAP activity"), null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators"
    )
    question_name = models.CharField(_("question"), max_length=100, blank=True, help_text=_("Name of the question in the study's questionnaire."))
    numerator_choices = models.JSONField(_("choices counted"), default=list, blank=True)
    base = models.CharField(_("base"), max_length=12, choices=Base.choices, default=Base.ALL)
    filter_question = models.CharField(_("filter question"), max_length=100, blank=True)
    filter_choices = models.JSONField(_("filter choices"), default=list, blank=True)
    community_rule = models.CharField(_("community rule"), max_length=12, choices=CommunityRule.choices, default=CommunityRule.ANY)
    aggregate_key = models.CharField(_("published result key"), max_length=100, blank=True)
    aggregate_choice = models.CharField(_("published result choice"), max_length=100, blank=True)
    sentence = models.TextField(
        _("finding sentence"), blank=True,
        help_text=_("Template of the drafted finding: {percent}, {numerator}, {denominator}, {complement_percent}."),
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["study", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["study", "code"], name="indicator_code_once_in_study")]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class Computation(models.Model):
    """One recomputation of a study's indicators: when, over how much data (a report's snapshot)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="computations")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    submission_count = models.PositiveIntegerField(default=0)
    answer_count = models.PositiveIntegerField(default=0)
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("computation")
        verbose_name_plural = _("computations")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.study_id} @ {self.started_at:%Y-%m-%d %H:%M}"


class IndicatorResultQuerySet(models.QuerySet):
    def overall(self):
        return self.filter(dimension=IndicatorResult.Dimension.OVERALL)


class IndicatorResult(models.Model):
    """The figure of an indicator overall or in one breakdown cell."""

    class Dimension(models.TextChoices):
        OVERALL = "", _("overall")
        DISTRICT = "district", _("district")
        COMMUNITY = "community", _("community")
        CATEGORY = "category", _("respondent category")
        GENDER = "gender", _("gender")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="results")
    computation = models.ForeignKey(Computation, null=True, blank=True, on_delete=models.SET_NULL, related_name="results")
    dimension = models.CharField(_("breakdown"), max_length=12, choices=Dimension.choices, blank=True, default="")
    group_key = models.CharField(_("group"), max_length=100, blank=True, default="")
    group_label = models.CharField(_("group label"), max_length=255, blank=True)
    numerator = models.PositiveIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.PositiveIntegerField(_("denominator"), null=True, blank=True)
    percentage = models.DecimalField(_("percentage"), max_digits=7, decimal_places=4, null=True, blank=True)
    percentage_upper = models.DecimalField(_("upper percentage"), max_digits=7, decimal_places=4, null=True, blank=True)
    ci_low = models.FloatField(_("95% interval, lower"), null=True, blank=True)
    ci_high = models.FloatField(_("95% interval, upper"), null=True, blank=True)
    base_uncertain = models.BooleanField(_("base uncertain"), default=False)
    computed_at = models.DateTimeField(_("computed at"))

    objects = IndicatorResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        ordering = ["indicator", "dimension", "group_key"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "dimension", "group_key"], name="indicator_result_cell_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.dimension or 'overall'} {self.group_key}: {self.numerator}/{self.denominator}"


class Finding(models.Model):
    """A sentence of the report. Its text is a template whose numbers refresh on recomputation."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    study = models.ForeignKey(Study, verbose_name=_("study"), on_delete=models.CASCADE, related_name="findings")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")
    nap_area = models.ForeignKey(Area, verbose_name=_("NAP area"), null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(
        _("text"), help_text=_("May use {percent}, {numerator}, {denominator}, {complement_percent} for the indicator's current figures.")
    )
    is_edited = models.BooleanField(_("edited by hand"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["study", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Recommendation(models.Model):
    class Priority(models.TextChoices):
        HIGH = "high", _("high")
        MEDIUM = "medium", _("medium")
        LOW = "low", _("low")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        SUBMITTED = "submitted", _("submitted to the addressee")
        ACCEPTED = "accepted", _("accepted")
        IN_PROGRESS = "in_progress", _("being implemented")
        IMPLEMENTED = "implemented", _("implemented")
        REJECTED = "rejected", _("rejected")

    study = models.ForeignKey(Study, verbose_name=_("study"), on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    addressee = models.ForeignKey(
        Organization, verbose_name=_("addressee"), null=True, blank=True, on_delete=models.SET_NULL, related_name="recommendations"
    )
    addressee_text = models.CharField(_("addressee as written"), max_length=255, blank=True)
    findings = models.ManyToManyField(Finding, verbose_name=_("findings"), blank=True, related_name="recommendations")
    activities = models.ManyToManyField(Activity, verbose_name=_("NAP activities"), blank=True, related_name="recommendations")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["study", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
