"""Study pages: list, detail, create/edit, members, status, questionnaire upload, detail and export.

Views are thin: they check access with :mod:`ogmonitor.accounts.policy`, validate a form and
call :mod:`.services`. Unpublished studies answer 404 to those who may not see them, so their
existence is not revealed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from ogmonitor.accounts import policy
from ogmonitor.accounts.policy import (
    can_create_study,
    can_enter_data,
    can_manage_study,
)

from . import services
from .expressions import (
    And,
    Bool,
    Compare,
    Const,
    CountSelected,
    ExpressionError,
    Field,
    Not,
    Or,
    Regex,
    Selected,
    Self,
    StringLength,
    parse,
)
from .forms import MemberForm, QuestionnaireUploadForm, StatusForm, StudyForm
from .models import Choice, Question, Questionnaire, Study, StudyMember
from .xlsform import XLSFormError


def visible_studies(user):
    """The studies ``user`` may see (:func:`ogmonitor.accounts.policy.visible_studies`)."""
    return policy.visible_studies(user, Study.objects.all())


def _managed_study(request, slug) -> Study:
    """The study at ``slug`` if the user may manage it; 404 if they cannot even see it, else 403."""
    study = get_object_or_404(visible_studies(request.user), slug=slug)
    if not can_manage_study(request.user, study):
        raise PermissionDenied
    return study


def study_list(request):
    studies = (
        visible_studies(request.user)
        .select_related("plan", "organization")
        .annotate(questionnaire_count=Count("questionnaires", distinct=True))
    )
    return render(request, "surveys/study_list.html", {
        "studies": studies,
        "can_create": can_create_study(request.user),
    })


def study_detail(request, slug):
    study = get_object_or_404(
        visible_studies(request.user).select_related("plan", "organization", "previous"), slug=slug
    )
    manages = can_manage_study(request.user, study)
    context = {
        "study": study,
        "manages": manages,
        "can_enter": study.questionnaires.exists() and can_enter_data(request.user, study),
        "districts": study.districts.order_by("name"),
        "communities": study.communities.select_related("district").order_by("district__name", "name"),
        "areas": study.areas.order_by("number"),
        "questionnaires": study.questionnaires.annotate(
            question_count=Count("questions", filter=~Q(questions__type__in=[
                Question.Type.BEGIN_GROUP, Question.Type.END_GROUP, Question.Type.NOTE,
            ]))
        ).select_related("created_by").order_by("-version"),
    }
    if manages:
        context["members"] = _members(study)
        context["status_form"] = StatusForm(initial={"status": study.status})
    return render(request, "surveys/study_detail.html", context)


def _members(study):
    return (
        study.members.select_related("user")
        .prefetch_related(Prefetch("communities", to_attr="assigned"))
        .order_by("role", "user__username")
    )


@login_required
def study_create(request):
    if not can_create_study(request.user):
        raise PermissionDenied
    form = StudyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields.setdefault("organization", request.user.organization)
        try:
            study = services.create_study(request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The study was created."))
            return redirect(study)
    return render(request, "surveys/study_form.html", {"form": form, "study": None})


@login_required
def study_edit(request, slug):
    study = _managed_study(request, slug)
    form = StudyForm(request.POST or None, instance=study, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_study(study, request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The study was saved."))
            return redirect(study)
    return render(request, "surveys/study_form.html", {"form": form, "study": study})


@login_required
@require_POST
def study_status(request, slug):
    study = _managed_study(request, slug)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.set_study_status(study, form.cleaned_data["status"], request.user)
        messages.success(request, _("The study is now “%(status)s”.") % {"status": study.get_status_display()})
    else:
        messages.error(request, _("Choose one of the listed statuses."))
    return redirect(study)


@login_required
def study_members(request, slug):
    study = _managed_study(request, slug)
    form = MemberForm(request.POST or None, study=study)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.set_member(
                study, form.cleaned_data["user"], form.cleaned_data["role"], form.cleaned_data["communities"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("communities", error)
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s of this study.") % {"user": member.user.username, "role": member.get_role_display()},
            )
            return redirect("surveys:study_members", study.slug)
    return render(request, "surveys/study_members.html", {"study": study, "form": form, "members": _members(study)})


@login_required
@require_POST
def study_member_remove(request, slug, member_id):
    study = _managed_study(request, slug)
    member = get_object_or_404(StudyMember.objects.select_related("user"), pk=member_id, study=study)
    services.remove_member(study, member, by=request.user)
    messages.success(request, _("%(user)s no longer works on this study.") % {"user": member.user.username})
    return redirect("surveys:study_members", study.slug)


@login_required
def questionnaire_upload(request, slug):
    """Upload an XLSForm as the next version; on any problem, list them all and store nothing."""
    study = _managed_study(request, slug)
    problems, filename = [], ""
    form = QuestionnaireUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        filename = upload.name
        try:
            questionnaire = services.create_questionnaire(study, upload, upload.name, request.user)
        except XLSFormError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("Questionnaire version %(version)s was stored.") % {"version": questionnaire.version},
            )
            return redirect("surveys:questionnaire", study.slug, questionnaire.version)
    elif request.method == "POST" and "file" in request.FILES:
        filename = request.FILES["file"].name
    return render(request, "surveys/questionnaire_upload.html", {
        "study": study, "form": form, "problems": problems, "filename": filename,
        "next_version": (study.questionnaires.order_by("-version").values_list("version", flat=True).first() or 0) + 1,
    })


def _visible_questionnaire(request, slug, version) -> Questionnaire:
    study = get_object_or_404(visible_studies(request.user), slug=slug)
    return get_object_or_404(Questionnaire.objects.select_related("study", "created_by"), study=study, version=version)


def questionnaire_detail(request, slug, version):
    questionnaire = _visible_questionnaire(request, slug, version)
    questions = list(questionnaire.questions.select_related("nap_activity__plan", "nap_area").order_by("position"))
    choices: dict[str, list[Choice]] = {}
    for choice in questionnaire.choices.order_by("position"):
        choices.setdefault(choice.list_name, []).append(choice)
    by_name = {question.name: question for question in questions if question.name}
    depth = 0
    for question in questions:
        if question.type == Question.Type.END_GROUP:
            depth = max(depth - 1, 0)
        question.depth = depth
        if question.type == Question.Type.BEGIN_GROUP:
            depth += 1
        question.choice_list = choices.get(question.list_name, []) if question.is_select else []
        question.relevant_text = readable(question.relevant, by_name, choices)
        question.constraint_text = readable(question.constraint, by_name, choices)
    study = questionnaire.study
    return render(request, "surveys/questionnaire_detail.html", {
        "study": study,
        "questionnaire": questionnaire,
        "questions": [question for question in questions if question.type != Question.Type.END_GROUP],
        "manages": can_manage_study(request.user, study),
        "other_versions": study.questionnaires.exclude(pk=questionnaire.pk).order_by("-version"),
    })


def questionnaire_download(request, slug, version):
    """The questionnaire as an XLSForm, ready to edit and upload as the next version."""
    questionnaire = _visible_questionnaire(request, slug, version)
    response = HttpResponse(
        services.export_questionnaire(questionnaire),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{questionnaire.study.slug}-v{questionnaire.version}.xlsx"'
    return response


# --- Logic in words -----------------------------------------------------------------------------

_COMPARISON_WORDS = {
    "=": gettext_noop("%(left)s is %(right)s"),
    "!=": gettext_noop("%(left)s is not %(right)s"),
    "<": gettext_noop("%(left)s is less than %(right)s"),
    "<=": gettext_noop("%(left)s is at most %(right)s"),
    ">": gettext_noop("%(left)s is more than %(right)s"),
    ">=": gettext_noop("%(left)s is at least %(right)s"),
}


def readable(expression: str, questions: dict[str, Question], choices: dict[str, list[Choice]]) -> str:
    """An expression in words, with question labels and choice labels (e.g. “Aware?” is “Yes”)."""
    if not expression:
        return ""
    try:
        node = parse(expression)
    except ExpressionError:
        return expression

    def label(name: str) -> str:
        question = questions.get(name)
        return f"“{question.label or name}”" if question else f"“{name}”"

    def choice_label(name: str, value) -> str:
        question = questions.get(name)
        if question is not None and question.is_select:
            for choice in choices.get(question.list_name, []):
                if choice.name == str(value):
                    return f"“{choice.label or choice.name}”"
        return f"“{value}”" if isinstance(value, str) else str(value)

    def operand(item, other=None) -> str:
        if isinstance(item, Field):
            return label(item.name)
        if isinstance(item, Self):
            return _("the answer")
        if isinstance(item, Const):
            if isinstance(other, Field):
                return choice_label(other.name, item.value)
            return f"“{item.value}”" if isinstance(item.value, str) else str(item.value)
        if isinstance(item, CountSelected):
            return _("the number of choices ticked in %(question)s") % {"question": label(item.name)}
        if isinstance(item, StringLength):
            return _("the length of %(value)s") % {"value": operand(item.operand)}
        if isinstance(item, Regex):
            return _("%(value)s matches the pattern %(pattern)s") % {"value": operand(item.operand), "pattern": f"“{item.pattern}”"}
        return str(item)

    def words(item, nested=False) -> str:
        if isinstance(item, (And, Or)):
            joiner = _(" and ") if isinstance(item, And) else _(" or ")
            text = joiner.join(words(part, True) for part in item.items)
            return f"({text})" if nested else text
        if isinstance(item, Not):
            return _("not (%(condition)s)") % {"condition": words(item.item)}
        if isinstance(item, Compare):
            pattern = _(_COMPARISON_WORDS[item.op])
            return pattern % {"left": operand(item.left, item.right), "right": operand(item.right, item.left)}
        if isinstance(item, Selected):
            return _("%(question)s includes %(choice)s") % {
                "question": label(item.name), "choice": choice_label(item.name, item.value),
            }
        if isinstance(item, Bool):
            if isinstance(item.operand, Field):
                return _("%(question)s is answered") % {"question": label(item.operand.name)}
            return operand(item.operand)
        return str(item)

    return words(node)
