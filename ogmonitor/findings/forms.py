"""Forms of the results pages: an indicator's definition, a finding, a recommendation and its status.

The forms only validate; the views hand ``service_fields()`` to :mod:`.drafting`. Translated
fields come as one input per language (``title_az``, ``title_en``…), Azerbaijani required.
"""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ogmonitor.places.models import Organization
from ogmonitor.plans.models import Activity, Area
from ogmonitor.surveys.models import Choice, Question, Study

from .drafting import check_template
from .models import Finding, Indicator, Recommendation

LANGUAGE_NAMES = {"az": _("Azerbaijani"), "en": _("English")}

#: Indicator codes that would hide a page under /findings/<study>/indicators/.
RESERVED_CODES = {"new", "choices"}


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _label_translated_fields(form, base: str, label, *, required_first=True, rows=None) -> None:
    """Label ``<base>_az``, ``<base>_en`` as "Title (Azerbaijani)"…; Azerbaijani required."""
    for index, code in enumerate(_languages()):
        name = f"{base}_{code}"
        if name not in form.fields:
            continue
        language = LANGUAGE_NAMES.get(code, code)
        form.fields[name].label = _("%(field)s (%(language)s)") % {"field": label, "language": language}
        form.fields[name].required = required_first and index == 0
        if rows:
            form.fields[name].widget = forms.Textarea(attrs={"rows": rows, "lang": code})
        else:
            form.fields[name].widget.attrs["lang"] = code


class ServiceFieldsMixin:
    """``service_fields()``: the cleaned values the services take, many-to-many ones apart."""

    many_to_many: tuple[str, ...] = ()

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in self.many_to_many}


# --- Indicators -----------------------------------------------------------------------------


class StudyQuestions:
    """The select questions of a study's questionnaires (newest version first) and their choices.

    Question names are stable across versions, so an indicator refers to a name, not a row.
    """

    def __init__(self, study: Study):
        questions = (
            Question.objects.filter(questionnaire__study=study, type__in=[Question.Type.SELECT_ONE, Question.Type.SELECT_MULTIPLE])
            .exclude(name="")
            .order_by("-questionnaire__version", "position")
            .values("name", "label", "list_name", "questionnaire_id")
        )
        self.questions: dict[str, dict] = {}
        for question in questions:
            self.questions.setdefault(question["name"], question)
        self._choices: dict[tuple[int, str], list[tuple[str, str]]] = {}
        wanted = {(question["questionnaire_id"], question["list_name"]) for question in self.questions.values()}
        if wanted:
            rows = Choice.objects.filter(
                questionnaire_id__in={questionnaire for questionnaire, _list in wanted},
                list_name__in={list_name for _questionnaire, list_name in wanted},
            ).order_by("position")
            for choice in rows:
                self._choices.setdefault((choice.questionnaire_id, choice.list_name), []).append(
                    (choice.name, f"{choice.label or choice.name} ({choice.name})")
                )

    def question_choices(self) -> list[tuple[str, str]]:
        """For a select: (name, "label (name)") of each question, in questionnaire order."""
        return [("", "—")] + [
            (name, f"{question['label'] or name} ({name})") for name, question in self.questions.items()
        ]

    def choices_of(self, name: str) -> list[tuple[str, str]]:
        question = self.questions.get(name)
        if question is None:
            return []
        return self._choices.get((question["questionnaire_id"], question["list_name"]), [])


class IndicatorForm(ServiceFieldsMixin, forms.ModelForm):
    """An indicator's definition. Which choices count depends on the question chosen: the form
    lists that question's choices (re-shown when the question changes, by HTMX or the
    "Show its choices" button)."""

    question_name = forms.ChoiceField(label=_("Question"), required=False)
    numerator_choices = forms.MultipleChoiceField(
        label=_("Answers counted"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The respondents (or communities) giving one of these answers make the numerator."),
    )
    filter_question = forms.ChoiceField(label=_("Filter question"), required=False)
    filter_choices = forms.MultipleChoiceField(
        label=_("Filter answers"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("With the base “respondents matching a filter”: only respondents giving one of these answers count."),
    )

    class Meta:
        model = Indicator
        fields = [
            "code", "title_az", "title_en", "kind", "nap_area", "nap_activity", "question_name", "numerator_choices",
            "base", "filter_question", "filter_choices", "community_rule", "aggregate_key", "aggregate_choice",
            "sentence_az", "sentence_en", "position",
        ]

    def __init__(self, *args, study: Study, **kwargs):
        super().__init__(*args, **kwargs)
        self.study = study
        self.questions = StudyQuestions(study)
        _label_translated_fields(self, "title", _("Title"))
        _label_translated_fields(self, "sentence", _("Finding sentence"), required_first=False, rows=3)
        for code in _languages():
            self.fields[f"sentence_{code}"].help_text = _(
                "For example: “{percent}% of respondents ({numerator} of {denominator}) are aware of the plan.”"
            )
        self.fields["question_name"].choices = self.questions.question_choices()
        self.fields["filter_question"].choices = self.questions.question_choices()
        # With JavaScript, choosing a question swaps in its answers' checkboxes (HTMX).
        url = reverse("findings:indicator_choices", args=[study.slug])
        self.fields["question_name"].widget.attrs.update(
            {"hx-get": url, "hx-target": "#id_numerator_choices_fieldset", "hx-swap": "outerHTML"}
        )
        self.fields["filter_question"].widget.attrs.update(
            {"hx-get": f"{url}?for=filter", "hx-target": "#id_filter_choices_fieldset", "hx-swap": "outerHTML"}
        )
        self.fields["numerator_choices"].choices = self.questions.choices_of(self._current("question_name"))
        self.fields["filter_choices"].choices = self.questions.choices_of(self._current("filter_question"))
        self.fields["nap_area"].queryset = Area.objects.filter(plan_id=study.plan_id).order_by("number")
        self.fields["nap_activity"].queryset = Activity.objects.filter(plan_id=study.plan_id).order_by("sort_key")
        self.fields["nap_activity"].label_from_instance = lambda activity: f"{activity.number} {activity.title[:90]}"
        keys = list(study.aggregate_results.order_by("key", "choice").values_list("key", "choice"))
        if keys:
            self.fields["aggregate_key"].widget = forms.Select(
                choices=[("", "—")] + sorted({(key, key) for key, _choice in keys})
            )
        self.fields["aggregate_key"].help_text = _("For a published figure: the key it was entered under (usually the question's name).")
        self.fields["aggregate_choice"].help_text = _("The answer the published figure counts, e.g. “yes”; empty when the figure is the rate itself.")
        self.fields["position"].required = False
        if self.instance.pk is None:
            self.initial["position"] = None  # blank: the service puts it last
        self.fields["position"].help_text = _("Order on the page; leave empty to put it last.")

    def _current(self, name: str) -> str:
        """The question chosen now: the submitted one, else the saved one."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        return self.initial.get(name) or getattr(self.instance, name, "") or ""

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code in RESERVED_CODES:
            raise forms.ValidationError(_("“%(code)s” cannot be used as a code."), params={"code": code})
        clash = Indicator.objects.filter(study=self.study, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This study already has an indicator with the code “%(code)s”."), params={"code": code})
        return code

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in {Indicator.Kind.QUESTION, Indicator.Kind.COMMUNITY}:
            if not cleaned.get("question_name"):
                self.add_error("question_name", _("Choose the question the indicator counts."))
            elif not cleaned.get("numerator_choices"):
                self.add_error("numerator_choices", _("Tick at least one answer to count."))
            if cleaned.get("base") == Indicator.Base.FILTER:
                if not cleaned.get("filter_question"):
                    self.add_error("filter_question", _("Choose the question that filters the respondents."))
                elif not cleaned.get("filter_choices"):
                    self.add_error("filter_choices", _("Tick at least one answer of the filter question."))
        if kind == Indicator.Kind.PUBLISHED and not cleaned.get("aggregate_key"):
            self.add_error("aggregate_key", _("Give the key of the published figure."))
        for code in _languages():
            name = f"sentence_{code}"
            try:
                check_template(cleaned.get(name) or "", name)
            except forms.ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
        if cleaned.get("base") != Indicator.Base.FILTER:
            cleaned["filter_question"], cleaned["filter_choices"] = "", []
        if cleaned.get("position") is None:
            cleaned.pop("position", None)
        return cleaned

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields["numerator_choices"] = list(fields.get("numerator_choices") or [])
        fields["filter_choices"] = list(fields.get("filter_choices") or [])
        return fields


# --- Findings -------------------------------------------------------------------------------


class FindingForm(ServiceFieldsMixin, forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["text_az", "text_en", "indicator", "nap_area", "status", "position"]

    def __init__(self, *args, study: Study, **kwargs):
        super().__init__(*args, **kwargs)
        self.study = study
        _label_translated_fields(self, "text", _("Text"), rows=4)
        self.fields["indicator"].queryset = study.indicators.order_by("position", "code")
        self.fields["indicator"].help_text = _("The figures {percent}, {numerator}… are this indicator's.")
        self.fields["nap_area"].queryset = Area.objects.filter(plan_id=study.plan_id).order_by("number")
        self.fields["position"].required = False
        if self.instance.pk is None:
            self.initial["position"] = None  # blank: the service puts it last
        self.fields["position"].help_text = _("Order on the page; leave empty to put it last.")

    def clean(self):
        cleaned = super().clean()
        for code in _languages():
            name = f"text_{code}"
            try:
                check_template(cleaned.get(name) or "", name)
            except forms.ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
        if cleaned.get("position") is None:
            cleaned.pop("position", None)
        return cleaned


# --- Recommendations ------------------------------------------------------------------------


class RecommendationForm(ServiceFieldsMixin, forms.ModelForm):
    many_to_many = ("findings", "activities")

    class Meta:
        model = Recommendation
        fields = [
            "text_az", "text_en", "priority", "addressee", "addressee_text_az", "addressee_text_en",
            "findings", "activities", "status", "position",
        ]
        widgets = {"findings": forms.CheckboxSelectMultiple}

    def __init__(self, *args, study: Study, finding_labels: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.study = study
        _label_translated_fields(self, "text", _("Text"), rows=3)
        _label_translated_fields(self, "addressee_text", _("Addressee as written"), required_first=False)
        self.fields["addressee"].queryset = Organization.objects.order_by("type", "name")
        self.fields["addressee"].label_from_instance = lambda organization: f"{organization.name} · {organization.get_type_display()}"
        self.fields["addressee"].help_text = _("The body asked to act; name it below as well if it is not in the list.")
        self.fields["findings"].queryset = study.findings.order_by("position", "pk")
        labels = finding_labels or {}
        self.fields["findings"].label_from_instance = lambda finding: labels.get(finding.pk) or str(finding)
        self.fields["activities"].queryset = Activity.objects.filter(plan_id=study.plan_id).order_by("sort_key")
        self.fields["activities"].label_from_instance = lambda activity: f"{activity.number} {activity.title[:100]}"
        self.fields["activities"].widget.attrs["size"] = 10
        self.fields["activities"].help_text = _("Activities of %(plan)s. Hold Ctrl (⌘ on a Mac) to choose several.") % {
            "plan": study.plan.title
        }
        self.fields["position"].required = False
        if self.instance.pk is None:
            self.initial["position"] = None  # blank: the service puts it last
        self.fields["position"].help_text = _("Order on the page; leave empty to put it last.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("position") is None:
            cleaned.pop("position", None)
        return cleaned

    def links(self) -> dict:
        return {name: self.cleaned_data.get(name, []) for name in self.many_to_many}


class RecommendationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Recommendation.Status.choices)
