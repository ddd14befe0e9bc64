"""The NAP registry: action plans, their areas (directions) and activities (measures), and how
far each activity has been carried out locally (:class:`LocalAssessment`)."""

import datetime as dt
import re
from decimal import Decimal

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
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ogmonitor.places.models import District, Organization

ACTIVITY_NUMBER_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){0,3}$")
validate_activity_number = RegexValidator(
    ACTIVITY_NUMBER_RE, _("An activity number is numbers joined by dots, such as 3.2 or 1.4.1.")
)
_YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


def weight_field():
    """A child's weight in its parent's progress; blank counts as 1 (see :mod:`.progress`)."""
    return models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Its share in the progress of what it belongs to. Blank: the same as 1."),
    )


def progress_field():
    """Progress in percent, kept up to date by :mod:`.progress` whenever a child changes."""
    return models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=1, null=True, blank=True, editable=False)


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
    progress = progress_field()

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
    weight = weight_field()
    progress = progress_field()

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
    weight = weight_field()
    progress = progress_field()

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


# --- Local monitoring ----------------------------------------------------------------------------
# The IRM's scales, in their order, with the labels of its glossary (shared/reference/README.md).


class Completion(models.TextChoices):
    """The OGP Independent Reporting Mechanism's completion scale, in its order.

    "High completion" in IRM reports means substantial or complete.
    """

    NO_EVIDENCE = "no_evidence", _("no evidence available")
    NOT_STARTED = "not_started", _("not started")
    LIMITED = "limited", _("limited")
    SUBSTANTIAL = "substantial", _("substantial")
    COMPLETE = "complete", _("complete")


class Potential(models.TextChoices):
    """Potential for results (plans from 2020) and, for older plans, the IRM's potential impact."""

    UNCLEAR = "unclear", _("unclear")
    MODEST = "modest", _("modest")
    SUBSTANTIAL = "substantial", _("substantial")
    NONE = "none", _("none (older plans)")
    MINOR = "minor", _("minor (older plans)")
    MODERATE = "moderate", _("moderate (older plans)")
    TRANSFORMATIVE = "transformative", _("transformative (older plans)")

    @classmethod
    def for_plan_year(cls, start_year: int | None) -> list[str]:
        """The scale the IRM used for a plan starting in ``start_year``: from 2020, potential
        for results; before, potential impact."""
        if start_year is None or start_year >= POTENTIAL_FOR_RESULTS_FROM:
            return [cls.UNCLEAR, cls.MODEST, cls.SUBSTANTIAL]
        return [cls.NONE, cls.MINOR, cls.MODERATE, cls.TRANSFORMATIVE]


#: The first plan year the IRM assessed "potential for results" instead of "potential impact".
POTENTIAL_FOR_RESULTS_FROM = 2020


class EarlyResults(models.TextChoices):
    """"Did it open government?": the IRM's early results, in its order."""

    WORSENED = "worsened", _("worsened")
    DID_NOT_CHANGE = "did_not_change", _("did not change")
    MARGINAL = "marginal", _("marginal")
    MAJOR = "major", _("major")
    OUTSTANDING = "outstanding", _("outstanding")


class OGPValue(models.TextChoices):
    """The OGP values an activity is relevant to."""

    ACCESS_TO_INFORMATION = "access_to_information", _("access to information")
    CIVIC_PARTICIPATION = "civic_participation", _("civic participation")
    PUBLIC_ACCOUNTABILITY = "public_accountability", _("public accountability")
    TECHNOLOGY_INNOVATION = "technology_innovation", _("technology and innovation for transparency and accountability")


def validate_ogp_values(value) -> None:
    if not isinstance(value, list) or any(code not in OGPValue.values for code in value):
        raise ValidationError(_("Choose OGP values from the list."))


def validate_evidence_url(value: str) -> None:
    """An evidence link is a web address (http or https) or a page of this site ("/az/findings/…")."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"], message=_("Enter a web address (https://…) or a path on this site (/az/…)."))(value)


LOCAL_SUFFIX_RE = re.compile(r"^[A-Z][A-Z0-9]{1,3}-\d{1,3}$")


def local_prefix(district: District) -> str:
    """The start of a local target's suffix: the district's ISO 3166-2 code without "AZ-"."""
    return district.code.split("-", 1)[-1]


class LocalTarget(models.Model):
    """A district's or municipality's own target under a national activity, coded as the
    activity's number and a local suffix: "3.2.QBA-1" is Guba's first target under 3.2.

    It has its own milestones, assessments and progress; the suffix is made from the district's
    ISO 3166-2 code (without "AZ-") and the next free number when it is left blank.
    """

    activity = models.ForeignKey(Activity, verbose_name=_("national activity"), on_delete=models.CASCADE, related_name="local_targets")
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="local_targets",
        help_text=_("Filled in from the municipality when one is chosen."),
    )
    municipality = models.ForeignKey(
        Organization, verbose_name=_("municipality"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="local_targets", limit_choices_to={"type": Organization.Type.MUNICIPALITY},
    )
    suffix = models.CharField(
        _("local suffix"), max_length=8, blank=True,
        validators=[RegexValidator(LOCAL_SUFFIX_RE, _("A local suffix is the district's code and a number, such as QBA-1."))],
        help_text=_("Such as QBA-1. Blank: the district's code and the next free number."),
    )
    code = models.CharField(_("code"), max_length=30, editable=False, db_index=True)
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    weight = weight_field()
    progress = progress_field()
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("local target")
        verbose_name_plural = _("local targets")
        ordering = ["activity", "code"]
        constraints = [models.UniqueConstraint(fields=["activity", "suffix"], name="local_target_suffix_once_per_activity")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        if self.municipality_id and not self.district_id:
            self.district_id = self.municipality.district_id
        if not self.suffix:
            self.suffix = self.next_suffix()
        self.code = f"{self.activity.number}.{self.suffix}"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plans:target", args=[self.activity.plan.slug, self.activity.number, self.code])

    @property
    def place(self):
        return self.municipality or self.district

    def clean(self):
        if not self.district_id and not self.municipality_id:
            raise ValidationError(_("Choose the district or municipality whose target this is."))
        if self.municipality_id:
            if self.municipality.type != Organization.Type.MUNICIPALITY:
                raise ValidationError({"municipality": _("Choose a municipality.")})
            if not self.municipality.district_id:
                raise ValidationError({"municipality": _("This municipality has no district: its code cannot be made.")})
            if self.district_id and self.district_id != self.municipality.district_id:
                raise ValidationError({"district": _("The municipality is in another district.")})
        district = self.municipality.district if self.municipality_id else self.district
        if self.suffix and self.suffix.split("-", 1)[0] != local_prefix(district):
            # A suffix typed in starts with the district's code, so the code says where the target is.
            raise ValidationError({"suffix": _(
                "The suffix starts with the code of %(district)s: %(prefix)s-1, %(prefix)s-2… "
                "Leave it blank to have the next free one made."
            ) % {"district": district, "prefix": local_prefix(district)}})

    def next_suffix(self) -> str:
        """The district's ISO code without "AZ-" and the next number free under the activity."""
        prefix = local_prefix(self.district)
        taken = set(
            LocalTarget.objects.filter(activity_id=self.activity_id, suffix__startswith=f"{prefix}-")
            .exclude(pk=self.pk).values_list("suffix", flat=True)
        )
        number = 1
        while f"{prefix}-{number}" in taken:
            number += 1
        return f"{prefix}-{number}"


class OfActivityOrTarget:
    """For the records of an activity or of a local target under it (``activity``, ``target``)."""

    @property
    def subject_code(self) -> str:
        """The activity's number, or the local target's code."""
        return self.target.code if self.target_id else self.activity.number


class AssessmentStatus(models.TextChoices):
    """The review an assessment goes through before the public sees it."""

    DRAFT = "draft", _("draft")
    REVIEWED = "reviewed", _("reviewed")
    PUBLISHED = "published", _("published")


class LocalAssessmentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=AssessmentStatus.PUBLISHED)

    def latest_per_place(self):
        """Only the latest assessment of each activity in each place (district and municipality).

        A window function ranks each activity × place's assessments newest first and keeps the
        first, in the database: one query whatever the length of the history. A place is the
        (district, municipality) pair, NULLs included, so a district-wide assessment and one of
        a municipality in that district are two places; a local target's assessments are apart
        from its activity's.
        """
        newest_first = models.Window(
            RowNumber(),
            partition_by=[models.F("activity_id"), models.F("target_id"), models.F("district_id"), models.F("municipality_id")],
            order_by=[models.F("assessed_on").desc(), models.F("pk").desc()],
        )
        return self.annotate(place_rank=newest_first).filter(place_rank=1)


class LocalAssessment(OfActivityOrTarget, models.Model):
    """How far a NAP activity (or a local target under it) has been carried out in one place on
    a day, as a monitoring organisation found it, on the OGP IRM's scales, with the evidence it
    rests on.

    The place is a district, a municipality (whose district is then implied) or neither: the
    activity nationally. Each assessment is kept (a new date is a new row: the history); it goes
    draft → reviewed → published (see :mod:`.assessments`), and only published ones are public.
    """

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="local_assessments"
    )
    target = models.ForeignKey(
        LocalTarget, verbose_name=_("local target"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="assessments", help_text=_("Set when the assessment is of a local target under the activity."),
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
    potential = models.CharField(_("potential for results"), max_length=16, choices=Potential.choices, blank=True)
    early_results = models.CharField(
        _("early results (did it open government?)"), max_length=16, choices=EarlyResults.choices, blank=True
    )
    ogp_values = models.JSONField(_("relevance to OGP values"), default=list, blank=True, validators=[validate_ogp_values])
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
    status = models.CharField(
        _("review status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
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
        indexes = [models.Index(fields=["activity", "status", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.subject_code} · {self.place_label or _('national')} · {self.assessed_on} · {self.get_completion_display()}"

    def save(self, *args, **kwargs):
        if self.target_id:
            target = self.target
            self.activity_id = target.activity_id
            if not self.district_id and not self.municipality_id:
                self.district_id, self.municipality_id = target.district_id, target.municipality_id
        if self.municipality_id and not self.district_id:
            self.district_id = self.municipality.district_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plans:assessment", args=[self.pk])

    def clean(self):
        if self.municipality_id:
            municipality = self.municipality
            if municipality.type != Organization.Type.MUNICIPALITY:
                raise ValidationError({"municipality": _("Choose a municipality.")})
            if self.district_id and municipality.district_id and self.district_id != municipality.district_id:
                raise ValidationError({"district": _("The municipality is in another district.")})
        if self.target_id and self.activity_id and self.target.activity_id != self.activity_id:
            raise ValidationError({"target": _("The local target is under another activity.")})
        if self.potential and self.activity_id:
            allowed = Potential.for_plan_year(self.activity.plan.start_year)
            if self.potential not in allowed:
                raise ValidationError({"potential": _("For this plan choose one of: %(labels)s.") % {
                    "labels": ", ".join(str(Potential(value).label) for value in allowed)}})

    @property
    def place_label(self) -> str:
        """"Quba" or "Quba: X bələdiyyəsi"; empty for a national assessment."""
        parts = [str(place) for place in (self.district, self.municipality) if place is not None]
        return ": ".join(parts)

    @property
    def is_published(self) -> bool:
        return self.status == AssessmentStatus.PUBLISHED

    @property
    def is_national(self) -> bool:
        return not self.district_id and not self.municipality_id

    @property
    def is_high_completion(self) -> bool:
        return self.completion in (Completion.SUBSTANTIAL, Completion.COMPLETE)

    def get_ogp_value_labels(self) -> list[str]:
        labels = dict(OGPValue.choices)
        return [str(labels[code]) for code in OGPValue.values if code in self.ogp_values]


class AssessmentEvidence(models.Model):
    """One piece of evidence an assessment rests on: a record of this site (a survey indicator,
    an event, a proposal, a disclosure record), an uploaded document or a web address.

    Exactly one of them is set. The title may stay blank for a record, whose own title is shown.
    """

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("survey indicator")
        EVENT = "event", _("event")
        PROPOSAL = "proposal", _("proposal")
        PUBLICATION = "publication", _("disclosure record")
        DOCUMENT = "document", _("document")
        URL = "url", _("link")

    assessment = models.ForeignKey(
        LocalAssessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="evidence"
    )
    indicator = models.ForeignKey(
        "findings.Indicator", verbose_name=_("survey indicator"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="assessment_evidence",
    )
    event = models.ForeignKey(
        "engagement.Event", verbose_name=_("event"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="assessment_evidence",
    )
    proposal = models.ForeignKey(
        "engagement.Proposal", verbose_name=_("proposal"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="assessment_evidence",
    )
    publication = models.ForeignKey(
        "disclosure.Publication", verbose_name=_("disclosure record"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="assessment_evidence",
    )
    document = models.FileField(_("document"), upload_to="assessments/%Y/", blank=True, max_length=255)
    url = models.CharField(
        _("link"), max_length=1000, blank=True, validators=[validate_evidence_url],
        help_text=_("A web address (https://…) or a page of this site (/az/findings/…)."),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    #: The record fields, in the order of :class:`Kind`.
    RECORD_FIELDS = ("indicator", "event", "proposal", "publication")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["assessment", "position", "pk"]

    def __str__(self) -> str:
        return self.title or str(self.record or self.url or self.document)

    def clean(self):
        given = [field for field in (*self.RECORD_FIELDS, "document", "url") if self.set_value(field)]
        if len(given) != 1:
            raise ValidationError(_("Give exactly one piece of evidence: a record, a document or a link."))
        if given[0] in ("document", "url") and not self.title:
            raise ValidationError({"title": _("Give the document or link a title.")})

    def set_value(self, field: str):
        return getattr(self, f"{field}_id") if field in self.RECORD_FIELDS else getattr(self, field)

    @property
    def kind(self) -> str:
        for field in (*self.RECORD_FIELDS, "document", "url"):
            if self.set_value(field):
                return field
        return ""

    def shown_link(self) -> tuple[str, str]:
        """The title and address under which this evidence is shown, on pages and in exports
        alike: the record's page (a survey indicator, an event, a proposal, the organisation's
        disclosure page), the uploaded document or the web address; named by its own title, else
        by the record's."""
        if self.indicator_id:
            indicator = self.indicator
            return self.title or indicator.title, reverse("findings:indicator", args=[indicator.study.slug, indicator.code])
        if self.event_id:
            return self.title or self.event.title, self.event.get_absolute_url()
        if self.proposal_id:
            proposal = self.proposal
            named = _("Proposal no. %(number)s") % {"number": proposal.number}
            return self.title or f"{named}: {proposal.topic or Truncator(proposal.text).words(12)}", proposal.get_absolute_url()
        if self.publication_id:
            publication = self.publication
            url = reverse("disclosure:organization", args=[publication.organization.slug]) + f"#item-{publication.item_id}"
            return self.title or f"{publication.organization.name}: {publication.title or publication.item.name}", url
        if self.document:
            return self.title, self.document.url
        return self.title, self.url

    @property
    def shown_title(self) -> str:
        return self.shown_link()[0]

    @property
    def shown_url(self) -> str:
        return self.shown_link()[1]

    @property
    def record(self):
        """The linked record (indicator, event, proposal or publication), or None."""
        for field in self.RECORD_FIELDS:
            if getattr(self, f"{field}_id"):
                return getattr(self, field)
        return None


class Milestone(OfActivityOrTarget, models.Model):
    """A dated step of an activity (or of a local target under it), whose status feeds the
    activity's progress (see :mod:`.progress`)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="milestones")
    target = models.ForeignKey(
        LocalTarget, verbose_name=_("local target"), null=True, blank=True, on_delete=models.CASCADE, related_name="milestones",
    )
    title = models.CharField(_("title"), max_length=500)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    weight = weight_field()
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_demo = models.BooleanField(_("demo record"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["activity", "target", "position", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.target_id:
            self.activity_id = self.target.activity_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.status == self.Status.DONE and not self.done_on:
            raise ValidationError({"done_on": _("Give the date the milestone was done.")})
        if self.done_on and self.status != self.Status.DONE:
            raise ValidationError({"done_on": _("Only a done milestone has a date done.")})

    def is_late(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS) and self.due_on is not None and self.due_on < today
