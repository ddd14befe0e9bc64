"""The NAP registry: action plans, their areas (directions) and activities (measures), and how
far each activity has been carried out locally (:class:`LocalAssessment`)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ogmonitor.places.models import District, Organization

ACTIVITY_NUMBER_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){0,3}$")
validate_activity_number = RegexValidator(
    ACTIVITY_NUMBER_RE, _("An activity number is numbers joined by dots, such as 3.2 or 1.4.1.")
)
_YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


def number_sort_key(number: str) -> str:
    """'3.10' → '0003.0010', so activities sort 3.2 before 3.10 with a plain ORDER BY."""
    return ".".join(part.zfill(4) for part in number.split("."))


class ActionPlan(models.Model):
    """A National Action Plan for the Promotion of Open Government (e.g. 2020–2022)."""

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    country = models.CharField(_("country"), max_length=2, default="AZ", help_text=_("ISO 3166-1 code."))
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=_YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=_YEAR_VALIDATORS)
    approved_by = models.CharField(
        _("approving act"), max_length=255, blank=True,
        help_text=_("For example: Presidential Decree No. 1859 of 27 February 2020."),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    source_url = models.URLField(_("source"), blank=True)
    is_demo = models.BooleanField(
        _("contains placeholders"), default=False,
        help_text=_("Some of its areas or activities are placeholders awaiting the official text."),
    )

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")), name="plan_years_in_order")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.slug])

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class Area(models.Model):
    """A direction (point) of a plan, grouping its activities."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="areas")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=500)
    is_placeholder = models.BooleanField(
        _("placeholder"), default=False, help_text=_("The title is not the official text yet.")
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="area_unique_number_in_plan")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ActivityQuerySet(models.QuerySet):
    def involving_municipalities(self):
        return self.filter(involves_municipalities=True)


class Activity(models.Model):
    """One measure of a plan, with who carries it out and by when."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="activities")
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="activities")
    number = models.CharField(_("number"), max_length=16, validators=[validate_activity_number])
    sort_key = models.CharField(max_length=40, editable=False, db_index=True)
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    executors = models.ManyToManyField(
        Organization, verbose_name=_("executing organisations"), blank=True, related_name="plan_activities"
    )
    executor_types = models.JSONField(
        _("executing organisation types"), default=list, blank=True,
        help_text=_("Kinds of executors named generally, such as all municipalities."),
    )
    executors_text = models.TextField(
        _("executors as written in the plan"), blank=True,
        help_text=_("The plan's own wording, kept when it names bodies not in the registry."),
    )
    participants = models.TextField(_("participants"), blank=True)
    deadline_text = models.CharField(_("deadline as written"), max_length=255, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True, validators=_YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True, validators=_YEAR_VALIDATORS)
    involves_municipalities = models.BooleanField(
        _("involves municipalities or local bodies"), default=False, db_index=True
    )
    is_placeholder = models.BooleanField(
        _("placeholder"), default=False, help_text=_("The title is not the official text yet.")
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["plan", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="activity_unique_number_in_plan")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        self.sort_key = number_sort_key(self.number)
        if self.area_id and not self.plan_id:
            self.plan_id = self.area.plan_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plans:activity", args=[self.plan.slug, self.number])

    def get_executor_type_labels(self) -> list[str]:
        labels = dict(Organization.Type.choices)
        return [str(labels.get(code, code)) for code in self.executor_types]


# --- Local monitoring status -------------------------------------------------------------------


class Completion(models.TextChoices):
    """The OGP Independent Reporting Mechanism's completion scale, in its order.

    "High completion" in IRM reports means substantial or complete.
    """

    NO_EVIDENCE = "no_evidence", _("no evidence available")
    NOT_STARTED = "not_started", _("not started")
    LIMITED = "limited", _("limited")
    SUBSTANTIAL = "substantial", _("substantial")
    COMPLETE = "complete", _("complete")


def validate_evidence_url(value: str) -> None:
    """An evidence link is a web address (http or https) or a page of this site ("/az/findings/…")."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"], message=_("Enter a web address (https://…) or a path on this site (/az/…)."))(value)


class LocalAssessmentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def latest_per_place(self):
        """Only the latest assessment of each activity in each place (district and municipality).

        A window function ranks each activity × place's assessments newest first and keeps the
        first, in the database: one query whatever the length of the history. A place is the
        (district, municipality) pair, NULLs included, so a district-wide assessment and one of
        a municipality in that district are two places.
        """
        newest_first = models.Window(
            RowNumber(),
            partition_by=[models.F("activity_id"), models.F("district_id"), models.F("municipality_id")],
            order_by=[models.F("assessed_on").desc(), models.F("pk").desc()],
        )
        return self.annotate(place_rank=newest_first).filter(place_rank=1)


class LocalAssessment(models.Model):
    """How far a NAP activity has been carried out in one place on a day, as a monitoring
    organisation found it, on the OGP IRM completion scale, with the evidence it rests on.

    The place is a district, a municipality (whose district is then implied) or neither (the
    activity as seen locally in general). Only published assessments are shown to the public.
    """

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="local_assessments"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="nap_assessments", help_text=_("Filled in from the municipality when one is chosen."),
    )
    municipality = models.ForeignKey(
        Organization, verbose_name=_("municipality"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="nap_assessments", limit_choices_to={"type": Organization.Type.MUNICIPALITY},
    )
    assessed_on = models.DateField(_("assessed on"))
    completion = models.CharField(_("completion"), max_length=16, choices=Completion.choices)
    narrative = models.TextField(
        _("narrative"), blank=True, help_text=_("What was found, and what the completion level rests on."),
    )
    assessed_by = models.ForeignKey(
        Organization, verbose_name=_("assessed by"), on_delete=models.PROTECT, related_name="nap_assessments_made",
        help_text=_("The monitoring organisation responsible for the assessment."),
    )
    assessed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(
        _("demo record"), default=False, help_text=_("Invented for the demonstration; not a real assessment."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LocalAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("local assessment")
        verbose_name_plural = _("local assessments")
        ordering = ["activity", "-assessed_on", "-pk"]
        indexes = [models.Index(fields=["activity", "is_published", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.activity.number} · {self.place_label or '—'} · {self.assessed_on} · {self.get_completion_display()}"

    def save(self, *args, **kwargs):
        if self.municipality_id and not self.district_id:
            self.district_id = self.municipality.district_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.municipality_id:
            municipality = self.municipality
            if municipality.type != Organization.Type.MUNICIPALITY:
                raise ValidationError({"municipality": _("Choose a municipality.")})
            if self.district_id and municipality.district_id and self.district_id != municipality.district_id:
                raise ValidationError({"district": _("The municipality is in another district.")})

    @property
    def place_label(self) -> str:
        """"Quba" or "Quba: X bələdiyyəsi"; empty when the assessment names no place."""
        parts = [str(place) for place in (self.district, self.municipality) if place is not None]
        return ": ".join(parts)

    @property
    def is_high_completion(self) -> bool:
        return self.completion in (Completion.SUBSTANTIAL, Completion.COMPLETE)


class AssessmentEvidence(models.Model):
    """A link an assessment rests on: a page of this site (a study's results) or elsewhere."""

    assessment = models.ForeignKey(
        LocalAssessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="evidence"
    )
    url = models.CharField(
        _("link"), max_length=1000, validators=[validate_evidence_url],
        help_text=_("A web address (https://…) or a page of this site (/az/findings/…)."),
    )
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["assessment", "position", "pk"]

    def __str__(self) -> str:
        return self.title
