"""Data entry: the enumerator's form, drafts, and the self-completion links respondents fill in.

The form is generated from the study's current questionnaire in the page's language. The
browser (static/js/ogform.js) shows and hides questions and checks required answers live;
the server checks everything again, so the form works without JavaScript too. Every state
change goes through :mod:`.submissions`.
"""

import json
import uuid as uuid_module
from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from ogmonitor.accounts import policy
from ogmonitor.lib.forms import date_input
from ogmonitor.places.models import Community, Organization

from . import answers, expressions, submissions
from .models import (
    Channel,
    Gender,
    Question,
    Questionnaire,
    RespondentCategory,
    RespondentIdentity,
    SelfCompletionLink,
    Study,
    Submission,
)

INPUT_PREFIX = "q-"


# --- The questionnaire as a form -------------------------------------------------------------------


@dataclass
class FormItem:
    """One question, note or group of the rendered form (a group holds its ``children``)."""

    question: Question
    kind: str  # "group", "note", "select_one", "select_multiple", "integer", "decimal", "date", "text", "textarea"
    input_name: str = ""
    input_id: str = ""
    choices: list = field(default_factory=list)
    value: object = ""
    error: str = ""
    relevant: str = ""
    constraint: str = ""
    children: list = field(default_factory=list)

    @property
    def error_id(self) -> str:
        return f"{self.input_id}-error"

    @property
    def hint_id(self) -> str:
        return f"{self.input_id}-hint"

    @property
    def describedby(self) -> str:
        ids = [self.hint_id] if self.question.hint else []
        return " ".join([*ids, self.error_id])


def _expression_json(text: str) -> str:
    """The JSON tree ogform.js evaluates, or '' (the server still applies what it cannot read)."""
    if not text:
        return ""
    try:
        return json.dumps(expressions.to_json(expressions.parse(text)), ensure_ascii=False)
    except (expressions.ExpressionError, TypeError):
        return ""


def input_questions(questionnaire: Questionnaire) -> list[Question]:
    return [question for question in questionnaire.questions.order_by("position") if question.is_input and question.name]


def raw_answers_from_post(data, questions: list[Question]) -> dict:
    """Every question's posted answer: text, or a list for a multiple choice (unanswered: '' / [])."""
    raw = {}
    for question in questions:
        key = INPUT_PREFIX + question.name
        if question.type == Question.Type.SELECT_MULTIPLE:
            raw[question.name] = [value for value in data.getlist(key) if value]
        else:
            raw[question.name] = data.get(key, "").strip()
    return raw


def form_items(questionnaire: Questionnaire, raw: dict, errors: dict) -> list[FormItem]:
    """The questionnaire as a tree of items in survey-sheet order, filled with ``raw`` values."""
    choices = defaultdict(list)
    for choice in questionnaire.choices.order_by("list_name", "position"):
        choices[choice.list_name].append(choice)
    root: list[FormItem] = []
    stack = [root]
    for question in questionnaire.questions.order_by("position"):
        if question.type == Question.Type.END_GROUP:
            if len(stack) > 1:
                stack.pop()
            continue
        kind = question.type
        if kind == Question.Type.BEGIN_GROUP:
            kind = "group"
        elif kind == Question.Type.TEXT and "multiline" in (question.appearance or ""):
            kind = "textarea"
        item = FormItem(
            question=question, kind=kind, relevant=_expression_json(question.relevant),
            input_name=INPUT_PREFIX + question.name, input_id=f"q-{question.position}",
        )
        if question.is_input:
            item.constraint = _expression_json(question.constraint)
            item.choices = choices.get(question.list_name, []) if question.is_select else []
            value = raw.get(question.name, [] if kind == Question.Type.SELECT_MULTIPLE else "")
            if kind == Question.Type.SELECT_MULTIPLE:
                value = list(value) if isinstance(value, (list, tuple)) else str(value).split()
            elif isinstance(value, (list, tuple)):
                value = " ".join(value)
            item.value = value
            item.error = errors.get(question.name, "")
        stack[-1].append(item)
        if kind == "group":
            stack.append(item.children)
    return root


# --- The respondent's profile --------------------------------------------------------------------


class RespondentProfileForm(forms.Form):
    """Who was asked, where and how; name and phone only for the study's coordinators."""

    community = forms.ModelChoiceField(queryset=Community.objects.none(), label=gettext_lazy("Community"))
    category = forms.ModelChoiceField(
        queryset=RespondentCategory.objects.all(), label=gettext_lazy("Respondent category"), widget=forms.RadioSelect,
    )
    gender = forms.ChoiceField(choices=Gender.choices, label=gettext_lazy("Gender"), widget=forms.RadioSelect)
    channel = forms.ChoiceField(choices=Channel.choices, label=gettext_lazy("Channel"), widget=forms.RadioSelect)
    interview_date = forms.DateField(
        label=gettext_lazy("Interview date"), widget=date_input(),
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), required=False, label=gettext_lazy("Organisation"),
        help_text=gettext_lazy("The organisation the respondent speaks for, if any."),
    )
    full_name = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Full name"),
        help_text=gettext_lazy("Seen only by the study’s coordinators."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        max_length=40, required=False, label=gettext_lazy("Phone"),
        help_text=gettext_lazy("Seen only by the study’s coordinators."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )

    def __init__(self, *args, study: Study, user=None, self_link: SelfCompletionLink | None = None,
                 draft: bool = False, **kwargs):
        kwargs.setdefault("prefix", "profile")
        super().__init__(*args, **kwargs)
        self.study = study
        communities = _study_communities(study)
        if self_link is None:
            allowed = policy.enumerator_communities(user, study)
            if allowed is not None:
                communities = Community.objects.filter(pk__in=allowed.values("pk")).order_by_name()
            if not policy.can_see_identity(user, study):
                del self.fields["full_name"], self.fields["phone"]
            organizations = Organization.objects.filter(
                Q(district__in=study.districts.all()) | Q(community__in=study.communities.all())
            ).order_by_name()
            self.fields["organization"].queryset = organizations
            if study.channels:
                self.fields["channel"].initial = study.channels[0]
            self.fields["interview_date"].initial = timezone.localdate()
        else:
            # A respondent filling in a link: no interviewer's details, no identity.
            for name in ("channel", "interview_date", "organization", "full_name", "phone"):
                del self.fields[name]
            if self_link.community_id:
                del self.fields["community"]
        if "community" in self.fields:
            self.fields["community"].queryset = communities
            if len(self.fields["community"].choices) == 2:  # the empty choice and one community
                self.fields["community"].initial = communities.first()
        if draft:
            for form_field in self.fields.values():
                form_field.required = False
        for name, form_field in self.fields.items():
            ids = [f"{self.prefix}-{name}-hint"] if form_field.help_text else []
            form_field.widget.attrs["aria-describedby"] = " ".join([*ids, f"{self.prefix}-{name}-error"])

    def respondent_data(self) -> dict:
        """The cleaned values under the names :func:`submissions.record_submission` takes."""
        data = {name: value for name, value in self.cleaned_data.items()}
        for name in ("gender", "channel"):
            if name in data:
                data[name] = data[name] or ""
        return data

    def mark_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


def _study_communities(study: Study):
    communities = study.communities.all()
    if not communities.exists():
        communities = Community.objects.filter(district__in=study.districts.all())
    return communities.order_by_name()


def profile_initial(submission: Submission, user) -> dict:
    respondent = submission.respondent
    if respondent is None:
        return {}
    initial = {
        "community": respondent.community_id, "category": respondent.category_id, "gender": respondent.gender,
        "channel": respondent.channel, "interview_date": respondent.interview_date,
        "organization": respondent.organization_id,
    }
    if policy.can_see_identity(user, submission.study):
        identity = RespondentIdentity.objects.filter(respondent=respondent).first()
        if identity:
            initial.update(full_name=identity.full_name, phone=identity.phone)
    return initial


def profile_items(form: RespondentProfileForm) -> list[dict]:
    """The profile fields with what ``_profile_field.html`` needs (kind, ids, required)."""
    items = []
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, forms.RadioSelect):
            kind = "radio"
        elif isinstance(widget, forms.Select):
            kind = "select"
        else:
            kind = "input"
        name = bound.name
        items.append({
            "field": bound, "kind": kind, "name": name, "id": f"{form.prefix}-{name}",
            "error": " ".join(str(error) for error in bound.errors),
        })
    return items


# --- Access ----------------------------------------------------------------------------------------


def study_for_entry(request, slug) -> Study:
    """The study, when the user may enter data in it (somewhere); 403 otherwise."""
    study = get_object_or_404(Study, slug=slug)
    if not policy.can_enter_data(request.user, study):
        raise PermissionDenied
    return study


def own_submission(request, study: Study, uuid) -> Submission:
    """A submission of ``study`` its author or the study's coordinators may open; 403 for others."""
    submission = get_object_or_404(
        Submission.objects.select_related("questionnaire", "respondent", "study"), uuid=uuid, study=study,
    )
    if submission.created_by_id != request.user.pk and not policy.can_manage_study(request.user, study):
        raise PermissionDenied
    return submission


def _parse_uuid(value):
    try:
        return uuid_module.UUID(str(value))
    except (TypeError, ValueError):
        return None


# --- Enumerator pages ------------------------------------------------------------------------------


@login_required
def entry_home(request, slug):
    """My drafts and submissions in a study, and the button for a new interview."""
    study = study_for_entry(request, slug)
    mine = (
        Submission.objects.filter(study=study, created_by=request.user)
        .select_related("respondent__community")
        .order_by("-updated_at")
    )
    return render(request, "surveys/entry_home.html", {
        "study": study,
        "questionnaire": study.current_questionnaire,
        "drafts": mine.filter(status=Submission.Status.DRAFT)[:100],
        "sent": mine.exclude(status=Submission.Status.DRAFT)[:50],
        "sent_count": mine.exclude(status=Submission.Status.DRAFT).count(),
        "can_manage": policy.can_manage_study(request.user, study),
    })


@login_required
def entry_form(request, slug, uuid=None):
    """The interview form: new (``uuid`` None, one made now) or a draft continued.

    ``?uuid=`` on a new form reopens a form the browser kept (static/js/offline.js: a form not
    yet sent, or one the server refused) under its own UUID, so that sending it stays idempotent.
    """
    study = study_for_entry(request, slug)
    submission = None
    kept = _parse_uuid(request.GET.get("uuid")) if uuid is None and request.method == "GET" else None
    if kept is not None and Submission.objects.filter(uuid=kept).exists():
        return redirect("surveys:entry_edit", slug=study.slug, uuid=kept)
    if uuid is not None:
        submission = own_submission(request, study, uuid)
        if submission.status != Submission.Status.DRAFT:
            return redirect("surveys:entry_done", slug=study.slug, uuid=submission.uuid)
        questionnaire = submission.questionnaire
    else:
        questionnaire = study.current_questionnaire
        if questionnaire is None:
            return render(request, "surveys/entry_unavailable.html", {"study": study}, status=404)

    if request.method == "POST":
        return _post_entry(request, study, questionnaire, uuid)

    profile = RespondentProfileForm(
        study=study, user=request.user, initial=profile_initial(submission, request.user) if submission else None,
    )
    raw = submissions.raw_answers_of(submission) if submission else {}
    return _render_entry(request, study, questionnaire, submission.uuid if submission else kept or uuid_module.uuid4(),
                         profile, raw, {}, submission=submission, restore=True)


def _render_entry(request, study, questionnaire, form_uuid, profile, raw, errors, *, submission=None, status=200,
                  restore=False):
    """The form page; ``restore``: the answers kept on the device may replace the ones rendered
    (a form opened afresh, not one the server sends back with the answers just posted)."""
    profile.mark_errors()
    return render(request, "surveys/entry_form.html", {
        "study": study,
        "questionnaire": questionnaire,
        "uuid": form_uuid,
        "submission": submission,
        "profile": profile,
        "profile_items": profile_items(profile),
        "items": form_items(questionnaire, raw, errors),
        "error_count": len(errors) + len(profile.errors),
        "draft_url": request.path,
        "restore": restore,
    }, status=status)


def _post_entry(request, study, questionnaire, url_uuid):
    """Record the posted form; a form sent again gets the first answer (the same "done" page).

    A form someone else started under the same UUID is refused with 409, never overwritten
    (see :func:`submissions.record_submission` for the rule).
    """
    draft = request.POST.get("action") == "draft"
    form_uuid = _parse_uuid(request.POST.get("uuid"))
    if form_uuid is None or (url_uuid is not None and form_uuid != url_uuid):
        return HttpResponseBadRequest(_("The form is incomplete: reload the page and try again."))
    try:
        sent = submissions.already_sent(study, form_uuid, user=request.user)
        if sent is not None:
            return _after_entry(request, study, sent, url_uuid)
        return _record_entry(request, study, questionnaire, form_uuid, url_uuid, draft)
    except submissions.SubmissionConflict as error:
        return render(request, "surveys/entry_conflict.html", {"study": study, "message": error}, status=409)


def _record_entry(request, study, questionnaire, form_uuid, url_uuid, draft):
    profile = RespondentProfileForm(request.POST, study=study, user=request.user, draft=draft)
    raw = raw_answers_from_post(request.POST, input_questions(questionnaire))
    errors: dict = {}
    if profile.is_valid():
        try:
            submission, _created = submissions.record_submission(
                questionnaire, form_uuid, raw, profile.respondent_data(),
                source=Submission.Source.ENUMERATOR, user=request.user, draft=draft,
            )
        except submissions.SubmissionInvalid as error:
            errors = error.errors
        else:
            return _after_entry(request, study, submission, url_uuid)
    elif not draft:
        errors = answers.validate_submission(questionnaire, raw).errors
    if draft and request.htmx:
        return render(request, "surveys/_draft_status.html", {"problem": True, "profile": profile})
    return _render_entry(request, study, questionnaire, form_uuid, profile, raw, errors)


def _after_entry(request, study, submission, url_uuid):
    edit_url = reverse("surveys:entry_edit", args=[study.slug, submission.uuid])
    if submission.status != Submission.Status.DRAFT:
        done_url = reverse("surveys:entry_done", args=[study.slug, submission.uuid])
        return HttpResponseClientRedirect(done_url) if request.htmx else redirect(done_url)
    if request.htmx:
        response = render(request, "surveys/_draft_status.html", {
            "saved_at": timezone.localtime(submission.updated_at), "edit_url": edit_url,
        })
        if url_uuid is None:
            # A reload now reopens this draft instead of starting a blank form with a new UUID.
            response["HX-Replace-Url"] = edit_url
        return response
    messages.success(request, _("The draft is saved. You can complete it later from your list of interviews."))
    return redirect(edit_url)


@login_required
def entry_done(request, slug, uuid):
    """The confirmation after submitting (shown again, unchanged, when the form is resent)."""
    study = get_object_or_404(Study, slug=slug)
    submission = own_submission(request, study, uuid)
    if submission.status == Submission.Status.DRAFT:
        return redirect("surveys:entry_edit", slug=study.slug, uuid=submission.uuid)
    return render(request, "surveys/entry_done.html", {"study": study, "submission": submission})


# --- Self-completion links: management -------------------------------------------------------------


class SelfLinkForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Label"), max_length=200, required=False,
        help_text=gettext_lazy("For you: where the link is shared, e.g. “Quba municipality WhatsApp group”."),
    )
    community = forms.ModelChoiceField(
        queryset=Community.objects.none(), required=False, label=gettext_lazy("Community"),
        help_text=gettext_lazy("Leave empty to let respondents choose their community."),
    )
    single_use = forms.BooleanField(
        label=gettext_lazy("One response per link"), required=False,
        help_text=gettext_lazy("The link stops accepting answers after the first response."),
    )

    def __init__(self, *args, study: Study, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = _study_communities(study)


def managed_study(request, slug) -> Study:
    study = get_object_or_404(Study, slug=slug)
    if not policy.can_manage_study(request.user, study):
        raise PermissionDenied
    return study


@login_required
def self_links(request, slug):
    """A study's self-completion links: create, list with their response counts, (de)activate."""
    study = managed_study(request, slug)
    form = SelfLinkForm(request.POST or None, study=study)
    if request.method == "POST" and form.is_valid():
        link = submissions.create_self_link(study, request.user, **form.cleaned_data)
        messages.success(request, _("The link is ready to share: %(url)s") % {
            "url": request.build_absolute_uri(reverse("surveys:self_form", args=[link.token])),
        })
        return redirect("surveys:self_links", slug=study.slug)
    links = (
        study.self_links.select_related("community")
        .annotate(responses=Count("submissions", filter=~Q(submissions__status=Submission.Status.DRAFT)))
        .order_by("-is_active", "-created_at")
    )
    for link in links:
        link.url = request.build_absolute_uri(reverse("surveys:self_form", args=[link.token]))
    return render(request, "surveys/self_links.html", {"study": study, "form": form, "links": links})


@login_required
@require_POST
def self_link_toggle(request, slug, pk):
    study = managed_study(request, slug)
    link = get_object_or_404(SelfCompletionLink, pk=pk, study=study)
    active = request.POST.get("active") == "1"
    submissions.set_self_link_active(link, request.user, active)
    if active:
        messages.success(request, _("The link accepts responses again."))
    else:
        messages.success(request, _("The link no longer accepts responses."))
    return redirect("surveys:self_links", slug=study.slug)


# --- Self-completion links: the public form --------------------------------------------------------


def _open_link(token) -> SelfCompletionLink:
    link = get_object_or_404(SelfCompletionLink.objects.select_related("study", "community"), token=token, is_active=True)
    return link


def _link_used(link: SelfCompletionLink) -> bool:
    return link.single_use and link.submissions.exclude(status=Submission.Status.DRAFT).exists()


def self_form(request, token):
    """The questionnaire a respondent fills in themselves, without an account."""
    link = _open_link(token)
    study = link.study
    questionnaire = study.current_questionnaire
    if questionnaire is None:
        raise Http404
    if request.method != "POST":
        if _link_used(link):
            return render(request, "surveys/self_used.html", {"study": study})
        profile = RespondentProfileForm(study=study, self_link=link)
        return _render_self(request, link, questionnaire, uuid_module.uuid4(), profile, {}, {})

    form_uuid = _parse_uuid(request.POST.get("uuid"))
    if form_uuid is None:
        return HttpResponseBadRequest(_("The form is incomplete: reload the page and try again."))
    profile = RespondentProfileForm(request.POST, study=study, self_link=link)
    raw = raw_answers_from_post(request.POST, input_questions(questionnaire))
    errors: dict = {}
    if profile.is_valid():
        try:
            submissions.record_submission(
                questionnaire, form_uuid, raw, profile.respondent_data(), source=Submission.Source.SELF, self_link=link,
            )
        except submissions.SubmissionInvalid as error:
            errors = error.errors
        except submissions.LinkAlreadyUsed:
            return render(request, "surveys/self_used.html", {"study": study})
        except submissions.LinkUnavailable:
            raise Http404 from None
        except PermissionDenied:
            # The UUID belongs to another form: never show or change it, start afresh.
            return HttpResponseBadRequest(_("The form is incomplete: reload the page and try again."))
        else:
            return redirect("surveys:self_thanks", token=link.token)
    else:
        errors = answers.validate_submission(questionnaire, raw).errors
    return _render_self(request, link, questionnaire, form_uuid, profile, raw, errors)


def _render_self(request, link, questionnaire, form_uuid, profile, raw, errors):
    profile.mark_errors()
    return render(request, "surveys/self_form.html", {
        "link": link,
        "study": link.study,
        "questionnaire": questionnaire,
        "uuid": form_uuid,
        "profile": profile,
        "profile_items": profile_items(profile),
        "items": form_items(questionnaire, raw, errors),
        "error_count": len(errors) + len(profile.errors),
    })


def self_thanks(request, token):
    link = get_object_or_404(SelfCompletionLink.objects.select_related("study"), token=token)
    return render(request, "surveys/self_thanks.html", {"link": link, "study": link.study})
