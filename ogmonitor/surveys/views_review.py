"""Review of submissions: the study's list, one submission with its corrections, correct, reject, approve.

The study's coordinators (``policy.can_manage_study``) see and act on every submission; an
enumerator of the study sees only the submissions they made, read-only; everyone else gets 403.
Respondents' names and phones are loaded only for ``policy.can_see_identity``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from ogmonitor.accounts import policy
from ogmonitor.places.models import Community

from . import answers, submissions
from .models import Choice, Question, Respondent, RespondentIdentity, Study, Submission
from .views_entry import form_items, input_questions, raw_answers_from_post

PAGE_SIZE = 50


def _study_for_review(request, slug) -> tuple[Study, bool]:
    """The study and whether the user manages it; 403 unless they manage it or enter data in it."""
    study = get_object_or_404(Study, slug=slug)
    manager = policy.can_manage_study(request.user, study)
    if not manager and not policy.can_enter_data(request.user, study):
        raise PermissionDenied
    return study, manager


def _submission(request, study: Study, manager: bool, uuid) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related(
            "questionnaire", "created_by", "respondent__community", "respondent__category",
            "respondent__organization", "respondent__enumerator", "self_link",
        ),
        uuid=uuid, study=study,
    )
    if not manager and submission.created_by_id != request.user.pk:
        raise PermissionDenied
    return submission


# --- The list --------------------------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class SubmissionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False,
        choices=[("", gettext_lazy("any status")), *Submission.Status.choices],
    )
    community = forms.ModelChoiceField(
        label=gettext_lazy("Community"), required=False, queryset=Community.objects.none(),
        empty_label=gettext_lazy("any community"),
    )
    enumerator = PersonChoiceField(
        label=gettext_lazy("Enumerator"), required=False, queryset=get_user_model().objects.none(),
        empty_label=gettext_lazy("any enumerator"),
    )

    def __init__(self, *args, study: Study, manager: bool, **kwargs):
        super().__init__(*args, **kwargs)
        respondents = Respondent.objects.filter(study=study)
        self.fields["community"].queryset = Community.objects.filter(
            pk__in=respondents.values("community_id")
        ).order_by_name()
        if manager:
            self.fields["enumerator"].queryset = get_user_model().objects.filter(
                pk__in=respondents.values("enumerator_id")
            ).order_by("username")
        else:
            del self.fields["enumerator"]

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("community"):
            queryset = queryset.filter(respondent__community=data["community"])
        if data.get("enumerator"):
            queryset = queryset.filter(respondent__enumerator=data["enumerator"])
        return queryset


@login_required
def review_list(request, slug):
    """A study's submissions, newest first, filtered by status, community and enumerator."""
    study, manager = _study_for_review(request, slug)
    queryset = (
        Submission.objects.filter(study=study)
        .select_related("respondent__community", "respondent__category", "respondent__enumerator", "created_by")
        .order_by("-created_at", "-pk")
    )
    if not manager:
        queryset = queryset.filter(created_by=request.user)
    form = SubmissionFilterForm(request.GET or None, study=study, manager=manager)
    if form.is_valid():
        queryset = form.filter(queryset)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "surveys/review_list.html", {
        "study": study, "manager": manager, "form": form, "page_obj": page, "query_string": params.urlencode(),
    })


# --- One submission --------------------------------------------------------------------------------


@dataclass
class AnswerLine:
    question: Question
    depth: int
    values: list[str] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return self.question.type == Question.Type.BEGIN_GROUP

    @property
    def is_note(self) -> bool:
        return self.question.type == Question.Type.NOTE


def answer_lines(submission: Submission) -> list[AnswerLine]:
    """The submission's answers in the questionnaire's order, with group headings (2 queries)."""
    stored = defaultdict(list)
    for answer in submission.answers.select_related("choice").order_by("choice__position", "pk"):
        stored[answer.question_id].append(answer.display_value)
    lines, depth = [], 0
    for question in submission.questionnaire.questions.order_by("position"):
        if question.type == Question.Type.END_GROUP:
            depth = max(depth - 1, 0)
            continue
        if question.type == Question.Type.NOTE:
            continue
        lines.append(AnswerLine(question=question, depth=depth, values=stored.get(question.pk, [])))
        if question.type == Question.Type.BEGIN_GROUP:
            depth += 1
    return lines


def _revision_lines(submission: Submission) -> list[dict]:
    """The corrections, newest first, with choice names shown as their labels."""
    revisions = list(submission.revisions.select_related("question", "changed_by").order_by("-changed_at", "-pk"))
    if not revisions:
        return []
    labels = {
        (choice.list_name, choice.name): choice.label or choice.name
        for choice in Choice.objects.filter(questionnaire_id=submission.questionnaire_id)
    }

    def show(question, value) -> str:
        if value in (None, "", []):
            return ""
        items = value if isinstance(value, list) else [value]
        if question.is_select:
            items = [labels.get((question.list_name, str(item)), str(item)) for item in items]
        return ", ".join(str(item) for item in items)

    return [
        {"revision": revision, "old": show(revision.question, revision.old_value),
         "new": show(revision.question, revision.new_value)}
        for revision in revisions
    ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


@login_required
def review_detail(request, slug, uuid):
    study, manager = _study_for_review(request, slug)
    submission = _submission(request, study, manager, uuid)
    return _render_detail(request, study, manager, submission)


def _render_detail(request, study, manager, submission, *, reject_form=None, approve_form=None, status=200):
    identity = None
    if submission.respondent_id and policy.can_see_identity(request.user, study):
        identity = RespondentIdentity.objects.filter(respondent_id=submission.respondent_id).first()
    return render(request, "surveys/review_detail.html", {
        "study": study,
        "manager": manager,
        "submission": submission,
        "respondent": submission.respondent,
        "identity": identity,
        "lines": answer_lines(submission),
        "revisions": _revision_lines(submission),
        "reject_form": reject_form or ReasonForm(prefix="reject"),
        "approve_form": approve_form or ReasonForm(prefix="approve", required=False),
    }, status=status)


def _managed_submission(request, slug, uuid) -> tuple[Study, Submission]:
    study = get_object_or_404(Study, slug=slug)
    if not policy.can_manage_study(request.user, study):
        raise PermissionDenied
    submission = _submission(request, study, True, uuid)
    if submission.status == Submission.Status.DRAFT:
        raise Http404("A draft is not reviewed.")
    return study, submission


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why are these answers corrected?"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000, help_text=gettext_lazy("Kept with each change, e.g. “the respondent called back”."),
    )


@login_required
def review_edit(request, slug, uuid):
    """Correct a submission's answers: validated like a new one, every change kept in the history."""
    study, submission = _managed_submission(request, slug, uuid)
    questionnaire = submission.questionnaire
    reason_form = CorrectionForm(request.POST or None)
    errors: dict = {}
    if request.method == "POST":
        raw = raw_answers_from_post(request.POST, input_questions(questionnaire))
        if reason_form.is_valid():
            try:
                revisions = submissions.correct_submission(
                    submission, raw, request.user, reason_form.cleaned_data["reason"],
                )
            except submissions.SubmissionInvalid as error:
                errors = error.errors
            else:
                if revisions:
                    messages.success(request, ngettext(
                        "%(count)d answer was corrected.", "%(count)d answers were corrected.", len(revisions),
                    ) % {"count": len(revisions)})
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("surveys:review_detail", slug=study.slug, uuid=submission.uuid)
        else:
            errors = answers.validate_submission(questionnaire, raw).errors
    else:
        raw = submissions.raw_answers_of(submission)
    return render(request, "surveys/review_edit.html", {
        "study": study,
        "submission": submission,
        "questionnaire": questionnaire,
        "reason_form": reason_form,
        "items": form_items(questionnaire, raw, errors),
        "error_count": len(errors),
        "uuid": submission.uuid,
    })


@login_required
@require_POST
def review_status(request, slug, uuid, action):
    """Reject (reason required) or approve a submission."""
    if action not in {"reject", "approve"}:
        raise Http404
    study, submission = _managed_submission(request, slug, uuid)
    form = ReasonForm(request.POST, prefix=action, required=action == "reject")
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        if action == "reject":
            submissions.reject_submission(submission, request.user, reason)
            messages.success(request, _("The submission is rejected: its answers no longer count."))
        else:
            submissions.approve_submission(submission, request.user, reason)
            messages.success(request, _("The submission is approved."))
        return redirect("surveys:review_detail", slug=study.slug, uuid=submission.uuid)
    forms_by_action = {f"{action}_form": form}
    return _render_detail(request, study, True, submission, **forms_by_action)
